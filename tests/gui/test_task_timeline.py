"""A task's timeline read from the chain: only the events that name the task are decoded."""

from __future__ import annotations

from typing import Any

import pytest

from ogpu_desktop.services import task_timeline
from tests.gui.task_helpers import TaskEnv, env, wait_for
from tests.helpers.sandbox import sandbox_info

__all__ = ["env", "sandbox_info"]

FINALIZED = 5


@pytest.mark.asyncio
async def test_a_timeline_decodes_only_the_events_of_its_task(
    env: TaskEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = await env.publish(
        "translation", values={"text": "one\ntwo\nthree", "several": True})
    assert len(tasks) == 3
    chain_id = env.services.session.chain_id

    def finished() -> bool:
        records = [env.store.tasks.get_task(chain_id, t) for t in tasks]
        return all(r is not None and r.status == FINALIZED for r in records)

    await wait_for(finished, "the three tasks to finish")
    record = env.store.tasks.get_task(chain_id, tasks[1])
    assert record is not None
    decoded: list[tuple[Any, ...]] = []
    real = task_timeline.decode_event

    def counting(kind: Any, data: bytes) -> tuple[Any, ...]:
        values = real(kind, data)
        decoded.append(values)
        return values

    monkeypatch.setattr(task_timeline, "decode_event", counting)
    history = await env.services.tracking.chain_history(record)
    events = [entry.event for entry in history.entries]
    assert {"Published", "A provider took the task", "Now being worked on", "Answer sent",
            "Done"} <= set(events)
    responses = {address.lower() for address, _block, _status in history.responses}
    assert responses
    own = {record.address.lower()} | responses
    # The other two tasks' events (and every earlier test's) were in the same logs, not decoded.
    assert decoded
    assert all(
        any(isinstance(v, str) and v.lower() in own for v in values) for values in decoded
    ), decoded
