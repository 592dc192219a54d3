"""Turns stored task records into the immutable rows the task list shows, and reads them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.domain.catalogue import CATALOGUE, CUSTOM
from ogpu_desktop.domain.records import TaskRecord
from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.domain.task_status import state_of


def task_type_for(pipeline: str | None) -> str:
    """The catalogue task type of a source's ``pipeline`` (custom JSON when not in it)."""
    pipeline = pipeline or ""
    return pipeline if pipeline in CATALOGUE and pipeline != CUSTOM else CUSTOM


def task_type_of(record: TaskRecord) -> str:
    """The catalogue task type of a stored task: its source's pipeline, or custom JSON."""
    return task_type_for(record.pipeline)


def task_config(record: TaskRecord) -> dict[str, Any]:
    """The published task config as a mapping (empty when it was not recorded or is not JSON)."""
    try:
        value = loads_bounded(record.config_json) if record.config_json else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def task_row(
    record: TaskRecord, responses: int, *, previous_run: bool = False,
    history_key: int | None = None,
) -> TaskRow:
    """The list row of ``record`` with ``responses`` responses (``history_key``: earlier run)."""
    return TaskRow(
        address=record.address,
        task_type=task_type_of(record),
        source=record.source,
        state=state_of(record.status),
        created=datetime.fromtimestamp(record.published_at, UTC),
        expiry=datetime.fromtimestamp(record.expiry_time, UTC),
        responses=responses,
        payment_wei=record.payment_wei,
        previous_run=previous_run,
        history_key=history_key,
    )


def response_counts(response_map: Mapping[str, str]) -> Counter[str]:
    """Responses per task, from the store's response -> task map (one query for all tasks)."""
    return Counter(task.lower() for task in response_map.values())


def task_rows(
    records: Iterable[TaskRecord], counts: Mapping[str, int], *, previous_run: bool = False,
    history_key: int | None = None,
) -> list[TaskRow]:
    """Rows for ``records``; ``counts`` maps lower-case task addresses to their responses."""
    return [
        task_row(r, counts.get(r.address.lower(), 0), previous_run=previous_run,
                 history_key=history_key)
        for r in records
    ]
