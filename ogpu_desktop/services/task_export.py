"""Export chosen tasks with their responses and results as JSON or CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.domain.records import ResponseRecord, TaskRecord
from ogpu_desktop.domain.results import headline, normalise
from ogpu_desktop.domain.task_rows import task_config, task_type_of
from ogpu_desktop.domain.task_status import TaskState, state_at
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.task_history import TaskHistory

CSV_HEADER = (
    "task", "task_type", "status", "state", "source", "published_at", "expires_at", "payment_wei",
    "tx_hash", "response", "provider", "response_state", "result_summary", "result_raw",
)


@dataclass(frozen=True)
class ExportedTask:
    """A task, its responses, the results read so far (response -> raw payload), its state."""

    record: TaskRecord
    responses: tuple[ResponseRecord, ...]
    results: dict[str, str]
    state: TaskState


def gather(
    history: TaskHistory, tasks: Sequence[tuple[int, str]], *, now: float | None = None,
    gone: Collection[str] = (),
) -> list[ExportedTask]:
    """Collect what the history holds for (store key, address) pairs (results as cached).

    Args:
        history: The history.
        tasks: (store key, task address) pairs.
        now: The time the states are judged at (the list shows the same at that time).
        gone: Lower-case addresses of tasks from a chain that no longer runs.
    """
    now = time.time() if now is None else now
    found = []
    for chain_id, address in tasks:
        record = history.task(chain_id, address)
        if record is None:
            continue
        responses = tuple(history.responses(chain_id, address))
        results = {}
        for response in responses:
            cached = history.kept_result(chain_id, response.address)
            if cached is not None:
                results[response.address] = cached
        # An earlier run's key is negative: the current run's task at that address is not gone.
        state = state_at(record.status, record.expiry_time, now,
                         chain_gone=chain_id < 0 and address.lower() in gone)
        found.append(ExportedTask(record, responses, results, state))
    return found


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _parsed(raw: str) -> Any:
    try:
        return loads_bounded(raw)
    except ValueError:
        return raw


def _summary(raw: str | None, record: TaskRecord) -> str:
    return headline(normalise(raw, record.pipeline)) if raw is not None else ""


def to_json(tasks: Sequence[ExportedTask]) -> str:
    """The tasks as a JSON array (amounts as decimal strings of wei)."""
    out = []
    for item in tasks:
        r = item.record
        out.append({
            "task": r.address,
            "task_type": task_type_of(r),
            "status": item.state.label,
            "state": item.state.value,
            "chain_id": r.chain_id,
            "source": r.source,
            "sender": r.sender,
            "published_at": _iso(r.published_at),
            "expires_at": _iso(r.expiry_time),
            "payment_wei": str(r.payment_wei),
            "tx_hash": r.tx_hash,
            "block_number": r.block_number,
            "config_url": r.config_url,
            "config": task_config(r),
            "responses": [
                {
                    "response": resp.address,
                    "provider": resp.provider,
                    "state": "confirmed" if resp.status == 1 else "submitted",
                    "data": resp.data,
                    "result": _parsed(item.results[resp.address])
                    if resp.address in item.results else None,
                    "result_summary": _summary(item.results.get(resp.address), r),
                }
                for resp in item.responses
            ],
        })
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def to_csv(tasks: Sequence[ExportedTask]) -> str:
    """One CSV row per response (one row for a task without any), RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for item in tasks:
        r = item.record
        head = [r.address, task_type_of(r), item.state.label, item.state.value, r.source,
                _iso(r.published_at), _iso(r.expiry_time), str(r.payment_wei), r.tx_hash]
        if not item.responses:
            writer.writerow([*head, "", "", "", "", ""])
        for resp in item.responses:
            raw = item.results.get(resp.address)
            writer.writerow([
                *head, resp.address, resp.provider or "",
                "confirmed" if resp.status == 1 else "submitted",
                _summary(raw, r), raw or "",
            ])
    return buffer.getvalue()


async def fetch_missing_results(services: AppServices, addresses: Sequence[str]) -> int:
    """Download the results of ``addresses``' responses not read yet; return how many failed.

    A result that cannot be read is left out of the export rather than stopping it.
    """
    history, chain_id = services.history, services.session.chain_id
    failed = 0
    for address in addresses:
        for response in history.responses(chain_id, address):
            if history.kept_result(chain_id, response.address) is not None:
                continue
            try:
                await services.results.fetch(response.address)
            except UserFacingError:
                failed += 1
    return failed


RENDERERS: dict[str, Callable[[Sequence[ExportedTask]], str]] = {"json": to_json, "csv": to_csv}
"""The export formats by name."""


async def write_export(
    history: TaskHistory, tasks: Sequence[tuple[int, str]], path: Path, fmt: str, *,
    now: float | None = None, gone: Collection[str] = (),
) -> None:
    """Write the (store key, address) ``tasks`` with their results to ``path`` as ``fmt``.

    The history is read here (its connection belongs to this thread); parsing every cached
    answer and writing the file may take a while, so that is done in an executor.

    Raises:
        UserFacingError: The file could not be written.
    """
    render = RENDERERS[fmt]
    gathered = gather(history, tasks, now=now, gone=gone)

    def write() -> None:
        path.write_text(render(gathered), encoding="utf-8", newline="")

    try:
        await asyncio.get_running_loop().run_in_executor(None, write)
    except OSError as exc:
        raise UserFacingError(f"The file {path} could not be written: {exc.strerror}.") from exc
