"""The Tasks page's room: the result under the list, full size, a remembered split and window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ogpu_desktop.config import AppPaths
from ogpu_desktop.domain.task_row import TaskRow, TaskState
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.models.task_table_model import HEADERS, Column, TaskTableModel
from ogpu_desktop.ui.tasks.task_table_view import columns_width
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from ogpu_desktop.ui.window_size import COMFORTABLE, default_window_rect
from tests.gui.task_helpers import dispose

NOW = datetime.now(UTC)


def _row(n: int, responses: int = 1) -> TaskRow:
    return TaskRow(
        address=f"0x{n:040x}", task_type="visual-question-answering", source="0x" + "12" * 20,
        state=TaskState.FINALIZED, created=NOW + timedelta(minutes=n),
        expiry=NOW + timedelta(hours=1), responses=responses, payment_wei=10**15,
    )


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path)


def _page(settings: AppSettings, width: int = 1100, height: int = 700) -> TasksPage:
    page = TasksPage(TaskTableModel())
    page.use_settings(settings)
    page.resize(width, height)
    page.show()
    return page


@pytest.fixture
def page(qtbot: QtBot, settings: AppSettings) -> Iterator[TasksPage]:
    shown = _page(settings)
    qtbot.waitExposed(shown)
    # The first split is shared out once the splitter has its height.
    qtbot.waitUntil(lambda: shown.splitter.sizes()[1] > shown.splitter.sizes()[0])
    yield shown
    shown.attach(None)
    dispose(shown)


def test_the_detail_is_under_the_list_and_gets_most_of_the_height(page: TasksPage) -> None:
    assert page.splitter.orientation() is Qt.Orientation.Vertical
    panes = [page.splitter.widget(i) for i in range(page.splitter.count())]
    assert panes == [page.list_side, page.detail_scroll, page.pending_side]
    listed, detail, pending = page.splitter.sizes()
    assert detail > listed > pending > 0
    # The result has the page's width: no side scrolling, whatever it holds.
    assert page.detail_scroll.width() >= page.width() - 40
    assert (page.detail_scroll.horizontalScrollBarPolicy()
            is Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # Growing the window grows the detail, not the list.
    page.resize(page.width(), page.height() + 300)
    QGuiApplication.processEvents()
    grown = page.splitter.sizes()
    assert grown[1] - detail > grown[0] - listed


def test_the_split_is_remembered(qtbot: QtBot, page: TasksPage, settings: AppSettings) -> None:
    assert settings.splitter_state("tasks") is None
    page.splitter.moveSplitter(150, 1)  # as a drag of the handle does
    moved = page.splitter.sizes()
    assert moved[0] == 150
    assert settings.splitter_state("tasks") is not None
    again = _page(settings)
    qtbot.waitExposed(again)
    QGuiApplication.processEvents()
    try:
        assert again.splitter.sizes() == moved
    finally:
        dispose(again)


def test_details_opens_the_result_full_size_and_show_the_list_comes_back(
    page: TasksPage, settings: AppSettings
) -> None:
    page.model.upsert(_row(1))
    page.select_task(_row(1).address)
    before = page.splitter.sizes()
    saved = settings.splitter_state("tasks")
    page.details_action.trigger()
    button = page.detail.full_size_button
    assert page.detail_full_size
    assert button.isChecked()
    assert button.text() == "Show the list"
    assert page.list_side.isHidden()
    assert page.pending_side.isHidden()
    assert page.detail_scroll.height() >= page.splitter.height() * 0.95
    assert page.detail.tabs.currentIndex() == 0
    # The full-size split is never the one remembered.
    assert settings.splitter_state("tasks") == saved
    button.click()
    assert not page.detail_full_size
    assert button.text() == "Full size"
    assert not page.list_side.isHidden()
    assert not page.pending_side.isHidden()
    assert page.splitter.sizes() == before
    # Escape leaves the full size too.
    page.details_action.trigger()
    assert page.detail_full_size
    QTest.keyClick(page.detail, Qt.Key.Key_Escape)
    assert not page.detail_full_size
    assert not button.isChecked()
    assert not page.list_side.isHidden()


def test_every_column_is_in_view_and_the_spare_width_goes_to_the_result(
    qtbot: QtBot, settings: AppSettings
) -> None:
    # The page as wide as a first window on a 1280 x 800 screen leaves it, beside the sections.
    width = default_window_rect(QRect(0, 0, 1280, 800)).width() - 190
    narrow = _page(settings, width=width)
    qtbot.waitExposed(narrow)
    try:
        narrow.model.upsert_many([_row(n) for n in range(30)])
        QGuiApplication.processEvents()
        table = narrow.table
        assert table.verticalScrollBar().isVisible()  # more rows than room: the worst case
        assert columns_width(table) <= table.viewport().width()
        assert not table.horizontalScrollBar().isVisible()
        header = table.horizontalHeader()
        for column in Column:
            needed = header.fontMetrics().horizontalAdvance(HEADERS[column])
            assert header.sectionSize(column) > needed, HEADERS[column]
        assert not table.wordWrap()
        result_before = header.sectionSize(Column.RESULT)
        payment_before = header.sectionSize(Column.PAYMENT)
        narrow.resize(1740, 900)
        QGuiApplication.processEvents()
        assert header.sectionSize(Column.PAYMENT) == payment_before
        assert header.sectionSize(Column.RESULT) > result_before + 500
    finally:
        dispose(narrow)


@pytest.mark.parametrize(
    ("screen", "expected"),
    [
        (QRect(0, 0, 1280, 800), QRect(0, 20, 1280, 760)),
        (QRect(0, 0, 1366, 768), QRect(43, 4, 1280, 760)),
        (QRect(0, 0, 1920, 1080), QRect(96, 54, 1728, 972)),
        (QRect(0, 28, 1024, 600), QRect(0, 28, 1024, 600)),  # small: all of it, never more
        (QRect(1920, 0, 2560, 1400), QRect(2048, 70, 2304, 1260)),  # a second screen
    ],
)
def test_a_first_window_is_sized_from_the_screen(screen: QRect, expected: QRect) -> None:
    rect = default_window_rect(screen)
    assert rect == expected
    assert screen.contains(rect)
    assert rect.width() >= min(COMFORTABLE.width(), screen.width())


def test_a_first_window_takes_its_size_from_its_screen_then_keeps_the_last_one(
    qtbot: QtBot, profile: AppPaths
) -> None:
    first = MainWindow(profile, LaunchOptions(), AppSettings(profile.config_dir))
    qtbot.addWidget(first)
    screen = first.screen() or QGuiApplication.primaryScreen()
    assert screen is not None
    expected = default_window_rect(screen.availableGeometry())
    assert first.size() == expected.size()
    assert first.size() != QSize(1080, 720)
    with qtbot.waitExposed(first):
        first.show()
    first.resize(760, 540)
    first.close()
    second = MainWindow(profile, LaunchOptions(), AppSettings(profile.config_dir))
    qtbot.addWidget(second)
    assert second.size() == QSize(760, 540)
