"""The Tasks page on real services and a Sandbox process: live list, filters, actions, export."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.batch_headlines import result_headline
from ogpu_desktop.domain.results import normalise
from ogpu_desktop.domain.task_draft import TaskDraft
from ogpu_desktop.domain.task_row import TaskRow, TaskState
from ogpu_desktop.domain.task_status import FINALIZED
from ogpu_desktop.services.task_export import CSV_HEADER
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.models.task_table_model import ROW_ROLE, Column
from ogpu_desktop.ui.tasks.tasks_page import NO_MATCH_TEXT, NO_TASKS_TEXT, TasksPage
from tests.gui.publish_helpers import answer_transaction
from tests.gui.task_helpers import (
    TaskEnv,
    configs_for,
    env,
    shown_tasks_page,
    silent_env,
    wait_for,
)
from tests.helpers.sandbox import sandbox_info, silent_sandbox_info

__all__ = ["env", "sandbox_info", "silent_env", "silent_sandbox_info"]

NOW = datetime.now(UTC)


def _row(n: int, state: TaskState = TaskState.NEW, task_type: str = "translation") -> TaskRow:
    return TaskRow(
        address=f"0x{n:040x}", task_type=task_type, source="0x" + "12" * 20, state=state,
        created=NOW + timedelta(minutes=n), expiry=NOW + timedelta(hours=1), responses=0,
        payment_wei=10**15,
    )


@pytest.fixture
def page(qtbot: QtBot) -> Iterator[TasksPage]:
    with shown_tasks_page(notifications=True, width=1200, height=700) as shown:
        yield shown


def _shown(page: TasksPage) -> list[str]:
    proxy = page.proxy
    return [proxy.data(proxy.index(i, 0), ROW_ROLE).address for i in range(proxy.rowCount())]


def _state(page: TasksPage, address: str) -> TaskState | None:
    position = page.model.position_of(address)
    return None if position is None else page.model.row(position).state


def _summary(page: TasksPage, address: str) -> str:
    position = page.model.position_of(address)
    return "" if position is None else page.model.data(page.model.index(position, Column.RESULT))


async def _answer(page: TasksPage, yes: bool) -> dict[str, str]:
    return await answer_transaction(page, sign=yes)


async def _settle(page: TasksPage) -> None:
    await page.detail.wait_loaded()


def test_empty_list_says_what_will_appear(page: TasksPage) -> None:
    assert page.empty.isVisible()
    assert page.empty.text() == NO_TASKS_TEXT
    assert not page.cancel_action.isEnabled()
    assert not page.export_json_action.isEnabled()


def test_filters_narrow_the_rows_and_say_when_nothing_matches(page: TasksPage) -> None:
    page.model.upsert_many(
        [_row(1), _row(2, TaskState.FINALIZED), _row(3, task_type="summarization")]
    )
    assert not page.empty.isVisible()
    assert _shown(page) == [_row(3).address, _row(2).address, _row(1).address]
    page.status_filter.setCurrentIndex(page.status_filter.findData("active"))
    assert _shown(page) == [_row(3).address, _row(1).address]
    page.type_filter.setCurrentIndex(page.type_filter.findData("translation"))
    assert _shown(page) == [_row(1).address]
    page.search.setText("no such task")
    assert _shown(page) == []
    assert page.empty.isVisible()
    assert page.empty.text() == NO_MATCH_TEXT
    assert type(page.table.itemDelegateForColumn(Column.STATUS)).__name__ == "StatusBadgeDelegate"


def test_a_task_of_an_earlier_sandbox_run_is_marked(page: TasksPage) -> None:
    row = TaskRow(**{**_row(4).__dict__, "previous_run": True})
    page.model.upsert(row)
    index = page.model.index(0, Column.TASK)
    assert "earlier Sandbox run" in page.model.data(index)
    assert "earlier Sandbox run" in page.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert page.model.data(page.model.index(0, Column.EXPIRES)) == "—"
    page.select_task(row.address)
    assert not page.cancel_action.isEnabled()


def test_a_task_just_published_is_chosen_even_behind_the_filters(page: TasksPage) -> None:
    page.model.upsert_many([_row(1), _row(2, task_type="summarization")])
    page.type_filter.setCurrentIndex(page.type_filter.findData("summarization"))
    page.search.setText("0x0000")
    assert _shown(page) == [_row(2).address]
    assert page.show_new_task(_row(1).address)
    assert page.type_filter.currentData() is None
    assert page.search.text() == ""
    assert [row.address for row in page.selected_rows()] == [_row(1).address]
    record_less = page.detail.record  # no store here: the detail says nothing chosen
    assert record_less is None
    assert not page.show_new_task("0x" + "ab" * 20)  # not listed: nothing else changes
    assert [row.address for row in page.selected_rows()] == [_row(1).address]


def test_summaries_stay_with_their_row_and_go_with_the_network(page: TasksPage) -> None:
    model = page.model
    model.upsert(_row(1))
    key = _row(1).key
    model.set_summary(key, "blue 71.5%")
    assert _summary(page, _row(1).address) == "blue 71.5%"
    # A row is replaced whole when its task changes: the summary stays.
    model.upsert(_row(1, TaskState.FINALIZED))
    assert _summary(page, _row(1).address) == "blue 71.5%"
    # A new network (or a new run of the same chain) may reuse addresses: summaries go.
    model.reset_rows([_row(1)])
    assert _summary(page, _row(1).address) == ""
    model.set_summary(key, "")
    assert model.data(model.index(0, Column.RESULT), Qt.ItemDataRole.ToolTipRole) is None


def test_the_main_window_shows_this_page(main_window: MainWindow) -> None:
    assert isinstance(main_window.tasks_page, TasksPage)
    main_window.show_page(1)
    assert main_window.pages.currentWidget() is main_window.tasks_page
    main_window.task_model.upsert(_row(7))
    assert main_window.tasks_page.proxy.rowCount() == 1


@pytest.mark.asyncio
async def test_tasks_follow_live_then_sort_filter_clone_and_export(
    page: TasksPage, env: TaskEnv, tmp_path: Path
) -> None:
    page.attach(env.services)
    notes: list[tuple[str, str]] = []
    page.notifier.notified.connect(lambda title, text: notes.append((title, text)))
    translation = (await env.publish("translation"))[0]
    summary = (await env.publish("summarization"))[0]
    generated = (await env.publish("text-generation"))[0]
    tasks = [translation, summary, generated]
    await wait_for(lambda: all(_state(page, t) is TaskState.FINALIZED for t in tasks),
                   "every task to finish in the list")
    assert sorted(_shown(page)) == sorted(tasks)
    await wait_for(lambda: len(notes) >= 3, "a notification per task")
    # Each answer is summed up in the list's Result column, without opening its task.
    assert page._detail is None
    # Meanwhile the detail was built ahead, out of sight: the page still says to choose a task.
    await wait_for(lambda: page._detail_ahead is not None and page._detail_ahead.is_built(),
                   "the detail built ahead of use")
    ahead = page._detail_ahead
    assert ahead is not None
    assert ahead.isHidden()
    assert page.detail_scroll.widget() is page.detail_placeholder
    await wait_for(lambda: all(_summary(page, t) for t in tasks), "a result summary per task")
    for task in tasks:
        (response,) = env.store.tasks.responses_of(env.services.session.chain_id, task)
        kept = env.store.misc.get_result(env.services.session.chain_id, response.address)
        assert kept is not None  # downloaded once, kept for the detail
        record = env.store.tasks.get_task(env.services.session.chain_id, task)
        assert record is not None
        expected = result_headline(normalise(kept.raw, record.pipeline)).text
        assert _summary(page, task) == expected
        position = page.model.position_of(task)
        assert position is not None
        cell = page.model.index(position, Column.RESULT)
        assert page.model.data(cell, Qt.ItemDataRole.ToolTipRole) == expected
    assert any("Translation task" in text for _, text in notes)
    assert page.banner.isVisible()  # no tray offscreen: the notice is shown in the window

    page.table.sortByColumn(Column.TYPE, Qt.SortOrder.AscendingOrder)
    assert _shown(page) == [summary, generated, translation]
    page.type_filter.setCurrentIndex(page.type_filter.findData("summarization"))
    assert _shown(page) == [summary]
    page.type_filter.setCurrentIndex(0)
    page.search.setText(translation[-8:].upper())
    assert _shown(page) == [translation]
    page.search.clear()
    page.status_filter.setCurrentIndex(page.status_filter.findData("new"))
    assert _shown(page) == []
    page.status_filter.setCurrentIndex(page.status_filter.findData("finalized"))
    assert len(_shown(page)) == 3

    assert page.select_task(translation)
    await _settle(page)
    # The panel built ahead is the one shown, filled in with the chosen task.
    assert page.detail is ahead
    assert page.detail_scroll.widget() is ahead
    assert not ahead.isHidden()
    assert ahead.record is not None
    assert ahead.record.address == translation
    assert not page.cancel_action.isEnabled()  # finalized
    assert not page.explorer_action.isEnabled()  # the Sandbox has no explorer
    assert page.explorer_url(translation) is None
    clones: list[TaskDraft] = []
    page.clone_requested.connect(clones.append)
    page.clone_action.trigger()
    assert [(d.task_type, configs_for(d.task_type, d.values)) for d in clones] == [
        ("translation", configs_for("translation"))]

    page.table.selectAll()
    await _settle(page)
    json_path, csv_path = tmp_path / "tasks.json", tmp_path / "tasks.csv"
    await page.export_selected(json_path, "json")
    await page.export_selected(csv_path, "csv")
    exported = json.loads(json_path.read_text(encoding="utf-8"))
    assert {item["task"] for item in exported} == set(tasks)
    by_task = {item["task"]: item for item in exported}
    assert by_task[translation]["status"] == "Done"
    assert by_task[translation]["state"] == "finalized"
    assert by_task[translation]["config"] == configs_for("translation")[0]
    (answer,) = by_task[translation]["responses"]
    assert answer["state"] == "confirmed"
    assert answer["result"] is not None
    assert answer["result_summary"]
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_HEADER
    assert {row[0] for row in rows[1:]} == set(tasks)
    assert all(row[2:4] == ["Done", "finalized"] and row[-1] for row in rows[1:])


@pytest.mark.asyncio
async def test_cancel_while_new_asks_first_and_is_refused_once_answered(
    page: TasksPage, silent_env: TaskEnv, env: TaskEnv
) -> None:
    page.attach(silent_env.services)
    (task,) = await silent_env.publish("text-classification")
    await wait_for(lambda: _state(page, task) is TaskState.NEW, "the task to be listed")
    assert page.select_task(task)
    assert page.cancel_action.isEnabled()

    page.cancel_action.trigger()
    shown = await _answer(page, yes=False)
    # The cancel's own fee and total come first, and what happens to the payment.
    assert shown["headline"].startswith("Cancel Text classification task")
    assert shown["headline"].endswith("its payment of 0.001 OGPU goes back to your vault.")
    assert shown["amount"] == "Nothing besides the fee"
    assert shown["fee"].startswith("about ")
    assert shown["total"].startswith("about ")
    await wait_for(page.cancel_action.isEnabled, "the action to come back")
    assert _state(page, task) is TaskState.NEW

    page.cancel_action.trigger()
    await _answer(page, yes=True)
    # The tracker may show the new state before the cancel returns: its own message comes last.
    await wait_for(lambda: "was cancelled" in page.banner.message(), "the cancel to be told")
    assert _state(page, task) is TaskState.CANCELED
    assert not page.cancel_action.isEnabled()

    # On the answering Sandbox, with the tracker stopped, the list still says NEW while the
    # chain has moved on: the cancel is refused in plain words.
    env.stop.set()
    page.attach(env.services)
    (answered,) = await env.publish("translation")
    await wait_for(lambda: _state(page, answered) is TaskState.NEW, "the task to be listed")
    assert page.select_task(answered)
    # The row is listed as soon as the task is recorded: wait for a provider to attempt it.
    for _ in range(600):
        if await env.services.actions.task_status(answered) != 0:
            break
        await asyncio.sleep(0.05)
    assert await env.services.actions.task_status(answered) != 0
    assert _state(page, answered) is TaskState.NEW
    page.cancel_action.trigger()
    await wait_for(lambda: page.banner.kind == "error", "the refusal")
    assert "can no longer be cancelled" in page.banner.message()
    await _settle(page)


@pytest.mark.asyncio
async def test_notifications_follow_the_preference(page: TasksPage, env: TaskEnv) -> None:
    page.set_notifications_source(lambda: False)
    notes: list[str] = []
    page.notifier.notified.connect(lambda _title, text: notes.append(text))
    page.attach(env.services)
    (task,) = await env.publish("text-classification")
    await wait_for(lambda: _state(page, task) is TaskState.FINALIZED, "the task to finish")
    await wait_for(lambda: page.model.row(page.model.position_of(task) or 0).responses == 1,
                   "the response to be counted")
    assert notes == []
    assert not page.banner.isVisible()


@pytest.mark.asyncio
async def test_the_history_is_summed_up_from_kept_results_only(
    page: TasksPage, env: TaskEnv
) -> None:
    chain = env.services.session.chain_id
    kept = (await env.publish("text-classification"))[0]
    never = (await env.publish("translation"))[0]

    def answered(task: str) -> bool:
        record = env.store.tasks.get_task(chain, task)
        return (record is not None and record.status == FINALIZED
                and len(env.store.tasks.responses_of(chain, task)) == 1)

    await wait_for(lambda: answered(kept) and answered(never), "both answers to be recorded")
    env.stop.set()  # nothing new happens to the history from here on
    (response,) = env.store.tasks.responses_of(chain, kept)
    fetched = await env.services.results.fetch(response.address)
    (unread,) = env.store.tasks.responses_of(chain, never)

    page.attach(env.services)
    await page.summaries.wait_idle()
    assert _summary(page, kept) == result_headline(fetched.view).text
    assert _summary(page, kept).startswith("POSITIVE ")
    # An answer never downloaded stays so: the list does not download the history.
    assert _summary(page, never) == ""
    assert env.store.misc.get_result(chain, unread.address) is None
