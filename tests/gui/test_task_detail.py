"""The task detail panel on real services and Sandbox processes: results, timeline, confirm."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.result_views import ViewKind
from ogpu_desktop.domain.task_draft import TaskDraft
from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.store.chain_runs import ChainIdentity
from ogpu_desktop.ui.models.task_table_model import Column
from ogpu_desktop.ui.tasks.task_detail_panel import (
    NOTHING_CHOSEN,
    PREVIOUS_RUN_NOTE,
    TaskDetailPanel,
)
from ogpu_desktop.ui.tasks.task_input_view import INPUT_TITLES
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from tests.gui.publish_helpers import answer_transaction
from tests.gui.task_helpers import (
    FORMS,
    TaskEnv,
    env,
    shown_tasks_page,
    silent_env,
    wait_for,
)
from tests.helpers.sandbox import sandbox_info, silent_sandbox_info

__all__ = ["env", "sandbox_info", "silent_env", "silent_sandbox_info"]

EXPECTED_KINDS = {
    "text-classification": ViewKind.LABEL_SCORES,
    "image-classification": ViewKind.LABEL_SCORES,
    "text-generation": ViewKind.GENERATED_TEXTS,
    "visual-question-answering": ViewKind.ANSWERS,
    "translation": ViewKind.TRANSLATION,
    "summarization": ViewKind.SUMMARY,
}
WITH_IMAGE = {"image-classification", "visual-question-answering"}
#: What each task was asked, as the detail shows it beside the result.
ASKED = {
    "text-classification": FORMS["text-classification"]["text"],
    "image-classification": "",
    "text-generation": FORMS["text-generation"]["prompt"],
    "visual-question-answering": "What colour is the corner?",
    "translation": FORMS["translation"]["text"],
    "summarization": FORMS["summarization"]["text"],
}


def _input_beside_result(detail: TaskDetailPanel, kind: str) -> None:
    """The input is shown left of the result, in the same row, with its heading and text."""
    shown = detail.input_view
    assert not shown.isHidden(), kind
    assert shown.title.text() == INPUT_TITLES[kind]
    assert shown.text.toPlainText() == ASKED[kind]
    assert shown.text.isHidden() is (not ASKED[kind])
    asked, answer = shown.geometry(), detail.result_panel.geometry()
    assert shown.parent() is detail.result_panel.parent()
    assert asked.right() < answer.left(), (kind, asked, answer)
    assert asked.top() < answer.bottom(), (kind, asked, answer)
    assert answer.top() < asked.bottom(), (kind, asked, answer)


@pytest.fixture
def page(qtbot: QtBot) -> Iterator[TasksPage]:
    with shown_tasks_page(notifications=False, width=1400, height=800) as shown:
        yield shown


def _named_parts(panel: TaskDetailPanel) -> list[tuple[str, str]]:
    return sorted((type(w).__name__, w.objectName()) for w in panel.findChildren(QWidget))


def test_a_panel_built_a_part_at_a_time_ends_as_the_panel_built_at_once(qtbot: QtBot) -> None:
    at_once = TaskDetailPanel()
    stepwise = TaskDetailPanel(stepwise=True)
    qtbot.addWidget(at_once)
    qtbot.addWidget(stepwise)
    assert at_once.is_built()
    assert not stepwise.is_built()
    steps = 0
    while stepwise.build_step():
        steps += 1
    assert steps > 3  # several parts, each built on its own turn
    assert stepwise.is_built()
    assert not stepwise.build_step()
    assert _named_parts(stepwise) == _named_parts(at_once)
    assert stepwise.title.text() == NOTHING_CHOSEN
    assert not stepwise.tabs.isEnabled()
    assert [stepwise.tabs.tabText(i) for i in range(stepwise.tabs.count())] == [
        "Result", "Timeline", "Task config"]
    half = TaskDetailPanel(stepwise=True)
    qtbot.addWidget(half)
    half.build_step()
    half.finish_building()  # the rest at once, when it is needed before its turn
    assert half.is_built()
    assert _named_parts(half) == _named_parts(at_once)


def _row(page: TasksPage, address: str) -> Any:
    position = page.model.position_of(address)
    return None if position is None else page.model.row(position)


def _is(page: TasksPage, address: str, state: TaskState, responses: int) -> bool:
    row = _row(page, address)
    return row is not None and row.state is state and row.responses == responses


async def _open(page: TasksPage, address: str, history_key: int | None = None) -> None:
    assert page.select_task(address, history_key)
    assert [row.address for row in page.selected_rows()] == [address]
    page.show_details()
    record = page.detail.record
    assert record is not None
    assert record.address == address
    await page.detail.wait_loaded()


@pytest.mark.asyncio
async def test_each_result_kind_is_shown_with_its_input_timeline_and_config(
    page: TasksPage, env: TaskEnv
) -> None:
    page.attach(env.services)
    tasks = {kind: (await env.publish(kind))[0] for kind in EXPECTED_KINDS}
    every = list(tasks.values())
    await wait_for(
        lambda: all(_is(page, t, TaskState.FINALIZED, 1) for t in every),
        "every task to finish with its answer",
    )
    detail = page.detail
    for kind, task in tasks.items():
        await _open(page, task)
        await wait_for(lambda: detail.result_panel.view is not None, f"the {kind} result")
        view = detail.result_panel.view
        assert view is not None
        assert view.kind is EXPECTED_KINDS[kind], kind
        assert detail.status_label.text() == "Status: Done"
        assert detail.responses.rowCount() == 1
        assert detail.responses.item(0, 2).text() == "Confirmed"
        assert detail.record is not None
        assert detail.record.address == task
        assert detail.image_box.isHidden() is (kind not in WITH_IMAGE), (
            kind, detail.record.pipeline, detail.record.config_json[:120])
        _input_beside_result(detail, kind)
        # The list sums the result up in its Result column.
        position = page.model.position_of(task)
        assert position is not None
        summary = page.model.data(page.model.index(position, Column.RESULT))
        assert summary, kind
        if view.kind in (ViewKind.LABEL_SCORES, ViewKind.ANSWERS):
            assert re.fullmatch(r".+ \d{1,3}\.\d%", summary), summary
        if kind in WITH_IMAGE:
            pixmap = detail.image_label.pixmap()
            assert not pixmap.isNull()
            assert pixmap.width() == 64  # the real PNG, not a placeholder
            assert "embedded image, shortened here" in detail.config_box.toPlainText()
        else:
            config = json.loads(detail.config_box.toPlainText())
            assert config["function_name"] == "inference"
        events = detail.timeline.events()
        assert events[0] == "Published"
        steps = {"A provider took the task", "Now being worked on", "Answer sent", "Done"}
        assert steps <= set(events)
        assert all(e.tx_hash and e.when for e in detail.timeline.entries), detail.timeline.entries
        assert detail.confirm_button.isHidden()



@pytest.mark.asyncio
async def test_a_manual_confirmation_response_is_confirmed_from_the_detail(
    page: TasksPage, env: TaskEnv
) -> None:
    page.attach(env.services)
    (task,) = await env.publish("text-classification", delivery="MANUAL_CONFIRMATION")
    await wait_for(
        lambda: _is(page, task, TaskState.RESPONDED, 2),
        "both providers to answer",
    )
    detail = page.detail
    await _open(page, task)
    assert detail.responses.rowCount() == 2
    assert not detail.confirm_button.isHidden()
    assert [detail.responses.item(i, 2).text() for i in range(2)] == ["Submitted"] * 2
    detail.responses.selectRow(1)
    chosen = detail.responses.selected_response()
    assert chosen is not None
    await detail.wait_loaded()
    assert detail.result_panel.view is not None
    assert detail.confirm_button.isEnabled()

    detail.confirm_button.click()
    shown = await answer_transaction(detail, sign=True)
    assert re.fullmatch(
        r"Accept the answer of 0x[0-9a-fA-F]{40}: the task is finished and the provider is paid "
        r"0\.001 OGPU from the task's escrow\. This cannot be undone\.", shown["headline"]
    ), shown["headline"]
    assert shown["fee"].startswith("about ")
    await wait_for(lambda: _row(page, task).state is TaskState.FINALIZED, "the task to finish")
    await wait_for(lambda: detail.status_label.text() == "Status: Done", "the detail")
    states = {detail.responses.responses[i].address: detail.responses.item(i, 2).text()
              for i in range(2)}
    assert states[chosen.address] == "Confirmed"
    assert list(states.values()).count("Confirmed") == 1
    assert detail.confirm_button.isHidden()
    await detail.wait_loaded()
    assert "Done" in detail.timeline.events()


@pytest.mark.asyncio
async def test_unanswered_tasks_say_waiting_then_expired_pending_settlement(
    page: TasksPage, silent_env: TaskEnv
) -> None:
    page.attach(silent_env.services)
    (task,) = await silent_env.publish("summarization")
    await wait_for(lambda: _row(page, task) is not None, "the task to be listed")
    detail = page.detail
    await _open(page, task)
    assert detail.status_label.text() == "Status: Waiting for a provider"
    assert detail.responses.rowCount() == 0
    assert detail.result_panel.findChild(QLabel, "noAnswerYet") is not None
    assert detail.note.isHidden()

    # The chain still says NEW an hour later (expiry is settled lazily): the panel says so.
    detail.clock = lambda: time.time() + 3600
    detail.refresh()
    assert detail.status_label.text() == "Status: Expired — payment not yet returned"
    assert detail.note.text() == TaskState.EXPIRED_UNSETTLED.explanation
    assert not detail.note.isHidden()
    assert detail.result_panel.findChild(QLabel, "noAnswerExpired") is not None
    await detail.wait_loaded()


@pytest.mark.asyncio
async def test_tasks_of_an_earlier_sandbox_run_are_listed_marked_with_their_kept_result(
    page: TasksPage, env: TaskEnv
) -> None:
    store, chain_id = env.store, env.services.session.chain_id
    store.runs.check_identity(chain_id, ChainIdentity(env.info["genesis_hash"],
                                                      env.info["run_id"]))
    page.attach(env.services)
    (task,) = await env.publish("text-classification")
    await wait_for(lambda: _is(page, task, TaskState.FINALIZED, 1), "the task to finish")
    await _open(page, task)
    await wait_for(lambda: page.detail.result_panel.view is not None, "the result")
    shown = page.detail.result_panel.view

    # What the app's wiring does when the Sandbox it starts is a new chain under the same ID.
    env.stop.set()
    previous = store.runs.check_identity(chain_id, ChainIdentity("0x" + "ab" * 32, "next-run"))
    assert previous is not None
    page.attach(env.services)
    assert _row(page, task) is None  # no task of the new run has this address yet
    position = page.model.position_of_key(f"{task.lower()}@{previous.archive_key}")
    assert position is not None
    row = page.model.row(position)
    assert row.previous_run
    assert "earlier Sandbox run" in page.model.data(page.model.index(0, Column.TASK))
    await _open(page, task, previous.archive_key)
    detail = page.detail
    assert detail.note.text() == PREVIOUS_RUN_NOTE
    assert not page.cancel_action.isEnabled()
    assert detail.result_panel.view == shown  # the result downloaded while that chain ran
    clones: list[TaskDraft] = []
    page.clone_requested.connect(clones.append)
    page.clone_action.trigger()
    assert [draft.task_type for draft in clones] == ["text-classification"]


@pytest.mark.asyncio
async def test_a_task_chosen_as_published_shows_its_result_when_it_arrives(
    page: TasksPage, env: TaskEnv
) -> None:
    page.attach(env.services)
    (task,) = await env.publish("visual-question-answering")
    await wait_for(lambda: page.model.position_of(task) is not None, "the task in the list")
    assert page.show_new_task(task)  # as the publish flow does
    detail = page.detail
    assert detail.record is not None
    assert detail.record.address == task
    assert detail.input_view.text.toPlainText() == ASKED["visual-question-answering"]
    await wait_for(lambda: detail.result_panel.view is not None, "the result to be shown")
    assert detail.result_panel.view.kind is ViewKind.ANSWERS
    await wait_for(lambda: bool(page.model.summary(task.lower())), "the list's summary")
    await detail.wait_loaded()
