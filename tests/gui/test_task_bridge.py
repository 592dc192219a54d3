"""The bridge from the store and the tracker to the task table, against a real Sandbox process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.services.tracking import FINALIZED, TaskUpdate
from ogpu_desktop.ui.models.task_table_model import TaskTableModel
from ogpu_desktop.ui.tasks.task_list_bridge import TaskListBridge
from tests.gui.task_helpers import TaskEnv, dispose, open_env, wait_for
from tests.helpers.sandbox import sandbox_info

__all__ = ["sandbox_info"]


@asynccontextmanager
async def bridged(
    info: dict[str, Any], folder: Path
) -> AsyncIterator[tuple[TaskEnv, TaskTableModel, TaskListBridge]]:
    """Services on the Sandbox, a task model and a bridge to it (not attached); closed after."""
    env = await open_env(info, folder)
    model = TaskTableModel()
    bridge = TaskListBridge(model)
    try:
        yield env, model, bridge
    finally:
        bridge.attach(None)
        await env.close()
        dispose(bridge, model)


def _state(model: TaskTableModel, address: str) -> TaskState | None:
    position = model.position_of(address)
    return None if position is None else model.row(position).state


def _describe(env: Any, model: TaskTableModel, task: str) -> str:
    store, chain_id = env.store, env.services.session.chain_id
    return (f"row state {_state(model, task)}, {_responses(model, task)} responses; stored "
            f"{store.tasks.get_task(chain_id, task)}, {store.tasks.responses_of(chain_id, task)}")


def _responses(model: TaskTableModel, address: str) -> int:
    position = model.position_of(address)
    return -1 if position is None else model.row(position).responses


@pytest.mark.asyncio
async def test_published_tasks_appear_then_move_to_finalized_without_a_reset(
    sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with bridged(sandbox_info, tmp_path) as (env, model, bridge):
        resets: list[int] = []
        inserted: list[int] = []
        finished: list[tuple[str, str]] = []
        arrived: list[tuple[str, int]] = []
        bridge.attach(env.services)
        model.modelReset.connect(lambda: resets.append(1))
        model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
        bridge.task_finished.connect(lambda a, s: finished.append((a, s)))
        bridge.responses_arrived.connect(lambda a, n: arrived.append((a, n)))
        # The tracker is not running yet, and nothing polls the store: the new task shows up
        # from the services' TaskRecorded event alone.
        assert bridge.findChildren(QTimer) == []
        (task,) = await env.publish("translation")
        await wait_for(lambda: _state(model, task) is TaskState.NEW, "the task to be listed")
        assert model.row(model.position_of(task) or 0).responses == 0
        env.follow()
        # A status read may see the end before the poll that brings the response: wait for both.
        await wait_for(
            lambda: _state(model, task) is TaskState.FINALIZED and _responses(model, task) == 1,
            lambda: f"the task to finish with its answer ({_describe(env, model, task)})",
        )
        row = model.row(model.position_of(task) or 0)
        assert row.task_type == "translation"
        assert resets == []
        assert sum(inserted) == 1
        assert finished == [(task, "finalized")]
        # The first answer finalises a FIRST_RESPONSE task: the second provider is too late.
        assert arrived == [(task, 1)]


@pytest.mark.asyncio
async def test_model_stays_valid_while_updates_stream_in(
    sandbox_info: dict[str, Any], tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    env = await open_env(sandbox_info, tmp_path)
    # Owned by the application, so the tester's teardown still finds it; freed at exit.
    model = TaskTableModel(parent=QApplication.instance())
    model.start_countdown(50)
    bridge = TaskListBridge(model)
    qtmodeltester.check(model, force_py=True)
    try:
        bridge.attach(env.services)
        env.follow()
        tasks = [
            *await env.publish("text-classification"),
            *await env.publish("summarization"),
            *await env.publish("translation", values={"text": "one\ntwo", "several": True}),
        ]
        assert len(tasks) == 4
        await wait_for(
            lambda: all(_state(model, t) is TaskState.FINALIZED for t in tasks),
            "every task to finish",
        )
        assert model.rowCount() == 4
        assert sorted(model.addresses()) == sorted(tasks)
    finally:
        bridge.attach(None)
        await env.close()
        model.stop_countdown()
        dispose(bridge)


@pytest.mark.asyncio
async def test_updates_from_another_thread_are_applied_on_the_qt_thread(
    sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with bridged(sandbox_info, tmp_path) as (env, model, bridge):
        threads: list[bool] = []
        gui_thread = QApplication.instance().thread()  # type: ignore[union-attr]
        model.dataChanged.connect(lambda *_: threads.append(QThread.currentThread() is gui_thread))
        captured: list[TaskUpdate] = []
        bridge.attach(env.services)
        (task,) = await env.publish("text-generation")
        await wait_for(lambda: _state(model, task) is TaskState.NEW, "the task to be listed")
        # Stop following, let the tracker move the store on, then hand its updates over from
        # a worker thread, as a tracker running elsewhere would.
        bridge.attach(None)
        env.services.tracking.updates.subscribe(captured.append)
        env.follow()
        await wait_for(lambda: any(u.task == task and u.status == FINALIZED for u in captured),
                       "the tracker to see the task finish")
        assert _state(model, task) is TaskState.NEW
        worker = threading.Thread(target=lambda: [bridge.receive(u) for u in captured])
        worker.start()
        worker.join()
        await wait_for(lambda: _state(model, task) is TaskState.FINALIZED, "the update to land")
        assert threads
        assert all(threads)



@pytest.mark.asyncio
async def test_a_response_the_tracker_did_not_record_is_found_in_the_task_events(
    sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with bridged(sandbox_info, tmp_path) as (env, model, bridge):
        arrived: list[tuple[str, int]] = []
        bridge.responses_arrived.connect(lambda a, n: arrived.append((a, n)))
        store, chain_id = env.store, env.services.session.chain_id
        bridge.attach(env.services)
        (task,) = await env.publish("summarization")
        for _ in range(600):
            if await env.services.actions.task_status(task) == FINALIZED:
                break
            await asyncio.sleep(0.05)
        # The poll loop's direct status read can see the end before any poll read the task's
        # events; the task is then no longer followed and its response never recorded.
        assert await env.services.tracking.reconcile() == 1
        assert store.tasks.responses_of(chain_id, task) == []
        await wait_for(
            lambda: _state(model, task) is TaskState.FINALIZED and _responses(model, task) == 1,
            lambda: f"the response to be found ({_describe(env, model, task)})",
        )
        (response,) = store.tasks.responses_of(chain_id, task)
        assert response.status == 1  # confirmed: a FIRST_RESPONSE task
        assert arrived == [(task, 1)]
        fetched = await env.services.results.fetch(response.address)
        assert fetched.view.kind.value == "summary"
