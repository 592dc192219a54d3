"""Results in the Tasks page: a failed download offers Try again; export reads off-thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.result_views import ViewKind
from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.services import task_export
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from tests.gui.task_helpers import TaskEnv, env, shown_tasks_page, wait_for
from tests.helpers.sandbox import sandbox_info

__all__ = ["env", "sandbox_info"]


# Tests take ``env`` before ``page``: the page is detached before the services close, so none of
# its timers can fire on a closed history.
@pytest.fixture
def page(qtbot: QtBot) -> Iterator[TasksPage]:
    with shown_tasks_page(notifications=False, width=1400, height=800) as shown:
        yield shown


@pytest.mark.asyncio
async def test_a_timed_out_download_says_so_and_try_again_shows_the_result(
    env: TaskEnv, page: TasksPage, qtbot: QtBot
) -> None:
    page.attach(env.services)
    results = env.services.results
    allowed = results.timeout_s
    # No gateway answers that fast: every download times out, the task list's own download of
    # a new answer (for its Result column) as well as the detail's.
    results.timeout_s = 1e-9
    (task,) = await env.publish("text-classification")

    def finished() -> bool:
        position = page.model.position_of(task)
        return position is not None and page.model.row(position).state is TaskState.FINALIZED

    await wait_for(finished, "the task to be answered")
    assert page.select_task(task)
    page.show_details()
    detail = page.detail
    await detail.wait_loaded()
    panel = detail.result_panel
    shown = panel.rendered.widget()
    failed = shown.findChild(QLabel, "resultFetchFailed")
    assert failed is not None
    assert "timed out" in failed.text()
    assert shown.findChild(QLabel, "noAnswerYet") is None
    assert panel.view is None

    results.timeout_s = allowed
    retry = shown.findChild(QPushButton, "resultRetryButton")
    assert retry is not None
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    await wait_for(lambda: panel.view is not None, "the result after trying again")
    await detail.wait_loaded()
    assert panel.view is not None
    assert panel.view.kind is ViewKind.LABEL_SCORES
    assert panel.rendered.widget().findChild(QLabel, "resultFetchFailed") is None


@pytest.mark.asyncio
async def test_export_reads_every_cached_answer_off_the_qt_thread(
    env: TaskEnv, page: TasksPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = task_export.normalise

    def watched(raw: object, pipeline: str | None = None) -> Any:
        threads.append(threading.get_ident())
        return real(raw, pipeline)

    monkeypatch.setattr(task_export, "normalise", watched)
    page.attach(env.services)
    (task,) = await env.publish("summarization")

    def finished() -> bool:
        position = page.model.position_of(task)
        return position is not None and page.model.row(position).state is TaskState.FINALIZED

    await wait_for(finished, "the task to be answered")
    assert page.select_task(task)
    target = tmp_path / "tasks.json"
    await page.export_selected(target, "json")
    (exported,) = json.loads(target.read_text(encoding="utf-8"))
    assert exported["responses"][0]["result_summary"]
    assert threads
    assert threading.get_ident() not in threads  # the window's thread only waited
