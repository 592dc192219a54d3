"""The Tasks page: empty state, filters and sorting over the real table model and view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.models.task_row import TaskRow, TaskState
from ogpu_desktop.ui.models.task_table_model import ROW_ROLE, Column, TaskTableModel
from ogpu_desktop.ui.pages.tasks_page import NO_MATCH_TEXT, NO_TASKS_TEXT, TasksPage

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def _row(n: int, state: TaskState = TaskState.NEW, task_type: str = "translation") -> TaskRow:
    return TaskRow(
        address=f"0x{n:040x}",
        task_type=task_type,
        source="0x" + "12" * 20,
        state=state,
        created=NOW + timedelta(minutes=n),
        expiry=NOW + timedelta(hours=1),
        responses=0,
        payment_wei=10**15,
    )


def _page(qtbot: QtBot) -> TasksPage:
    page = TasksPage(TaskTableModel(lambda: NOW))
    qtbot.addWidget(page)
    page.show()
    return page


def _shown(page: TasksPage) -> list[str]:
    proxy = page.proxy
    return [proxy.data(proxy.index(i, 0), ROW_ROLE).address for i in range(proxy.rowCount())]


def test_empty_list_says_what_will_appear(qtbot: QtBot) -> None:
    page = _page(qtbot)
    assert page.empty.isVisible()
    assert page.empty.text() == NO_TASKS_TEXT


def test_rows_appear_newest_first_and_filters_narrow_them(qtbot: QtBot) -> None:
    page = _page(qtbot)
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


def test_status_column_uses_the_badge_delegate(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.model.upsert(_row(1, TaskState.RESPONDED))
    delegate = page.table.itemDelegateForColumn(Column.STATUS)
    assert type(delegate).__name__ == "StatusBadgeDelegate"
    assert page.table.isSortingEnabled()
    assert page.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_main_window_shows_the_task_list(main_window: MainWindow) -> None:
    main_window.show_page(1)
    assert main_window.pages.currentWidget() is main_window.tasks_page
    main_window.task_model.upsert(_row(7))
    assert main_window.tasks_page.proxy.rowCount() == 1
