"""The task table model: qtmodeltester, in-place updates, countdown, filters, sort, badges."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.task_row import TaskRow, TaskState
from ogpu_desktop.ui.models.status_badge_delegate import StatusBadgeDelegate
from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy
from ogpu_desktop.ui.models.task_table_model import (
    HEADERS,
    ROW_ROLE,
    STATE_ROLE,
    Column,
    TaskTableModel,
    countdown_text,
)

START = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


class _Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _row(n: int, **changes: object) -> TaskRow:
    row = TaskRow(
        address=f"0x{n:040x}",
        task_type="text-classification",
        source="0x" + "ab" * 20,
        state=TaskState.NEW,
        created=START - timedelta(minutes=n),
        expiry=START + timedelta(minutes=10 + n),
        responses=0,
        payment_wei=2 * 10**15 * (n + 1),
    )
    return replace(row, **changes)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
def model(clock: _Clock) -> TaskTableModel:
    return TaskTableModel(clock)


def test_model_passes_qtmodeltester_through_inserts_updates_and_removal(
    qtmodeltester: ModelTester, model: TaskTableModel
) -> None:
    qtmodeltester.check(model, force_py=True)
    model.upsert_many([_row(1), _row(2), _row(3)])
    model.upsert(replace(_row(2), state=TaskState.RESPONDED, responses=1))
    model.remove(_row(1).address)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2


def test_proxy_passes_qtmodeltester(qtmodeltester: ModelTester, model: TaskTableModel) -> None:
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    model.upsert_many([_row(i) for i in range(5)])
    proxy.set_text("0x0000")
    proxy.sort(Column.PAYMENT, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)


def test_display_text_of_each_column(model: TaskTableModel) -> None:
    model.upsert(_row(1, responses=2))
    texts = [model.data(model.index(0, c)) for c in range(len(HEADERS))]
    assert texts[Column.STATUS] == "Waiting for a provider"
    assert texts[Column.TYPE] == "Text classification"
    assert texts[Column.TASK] == "0x0000…0001"
    assert texts[Column.EXPIRES] == "11 min 0 s"
    assert texts[Column.RESPONSES] == "2"
    assert texts[Column.PAYMENT] == "0.004 OGPU"
    assert model.data(model.index(0, Column.TASK), Qt.ItemDataRole.ToolTipRole) == _row(1).address


def test_an_update_changes_the_row_in_place_without_reset(
    qtbot: QtBot, model: TaskTableModel
) -> None:
    model.upsert_many([_row(1), _row(2)])
    resets: list[bool] = []
    inserts: list[int] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda _p, first, _l: inserts.append(first))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.upsert(_row(2, state=TaskState.FINALIZED, responses=1))
    top_left, bottom_right = blocker.args[0], blocker.args[1]
    assert (top_left.row(), bottom_right.row()) == (1, 1)
    assert model.data(model.index(1, Column.STATUS)) == "Done"
    assert model.data(model.index(1, Column.EXPIRES)) == "—"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.upsert(_row(1))
    model.upsert(_row(3))
    assert inserts == [2]
    assert resets == []


def test_countdown_ticks_only_live_rows_and_unfinished_expired_tasks_show_expired(
    qtbot: QtBot, model: TaskTableModel, clock: _Clock
) -> None:
    model.upsert_many(
        [_row(0, state=TaskState.FINALIZED), _row(1), _row(2, state=TaskState.CANCELED)]
    )
    clock.now = START + timedelta(minutes=5)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.tick()
    assert (blocker.args[0].row(), blocker.args[1].row()) == (1, 1)
    assert model.data(model.index(1, Column.EXPIRES)) == "6 min 0 s"
    clock.now = START + timedelta(hours=1)
    model.tick()
    assert model.data(model.index(1, Column.EXPIRES)) == "expired"
    assert model.data(model.index(1, Column.STATUS)) == "Expired — payment not yet returned"
    assert model.data(model.index(1, Column.STATUS), STATE_ROLE) is TaskState.EXPIRED_UNSETTLED


def test_countdown_text() -> None:
    assert countdown_text(START + timedelta(hours=2, minutes=3), START) == "2 h 3 min"
    assert countdown_text(START + timedelta(seconds=42), START) == "42 s"
    assert countdown_text(START - timedelta(seconds=1), START) == "expired"


def test_filters_by_state_type_and_text(model: TaskTableModel) -> None:
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    model.upsert_many(
        [
            _row(1),
            _row(2, state=TaskState.FINALIZED),
            _row(3, task_type="translation"),
            _row(4, source="0x" + "cd" * 20),
        ]
    )
    proxy.set_states([TaskState.FINALIZED])
    assert proxy.rowCount() == 1
    proxy.set_states(None)
    proxy.set_task_type("translation")
    assert [proxy.data(proxy.index(0, 0), ROW_ROLE).address for _ in range(1)] == [_row(3).address]
    proxy.set_task_type(None)
    proxy.set_text("CDCD")
    assert proxy.rowCount() == 1
    proxy.set_text("Translation")
    assert proxy.rowCount() == 1
    proxy.set_text("")
    assert proxy.rowCount() == 4


def test_sorts_by_raw_values_not_text(model: TaskTableModel) -> None:
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    model.upsert_many(
        [
            _row(1, payment_wei=9 * 10**17),
            _row(2, payment_wei=10 * 10**17),
            _row(3, payment_wei=10**15),
        ]
    )
    proxy.sort(Column.PAYMENT, Qt.SortOrder.AscendingOrder)
    order = [proxy.data(proxy.index(i, 0), ROW_ROLE).payment_wei for i in range(3)]
    assert order == [10**15, 9 * 10**17, 10 * 10**17]
    model.upsert(_row(3, payment_wei=2 * 10**18))
    order = [proxy.data(proxy.index(i, 0), ROW_ROLE).payment_wei for i in range(3)]
    assert order == [9 * 10**17, 10 * 10**17, 2 * 10**18]


def test_badge_delegate_paints_the_state_label(qtbot: QtBot, model: TaskTableModel) -> None:
    model.upsert(_row(1, state=TaskState.RESPONDED))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = StatusBadgeDelegate(view)
    view.setItemDelegateForColumn(Column.STATUS, delegate)
    image = QImage(200, 40, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = image.rect()
    delegate.paint(painter, option, model.index(0, Column.STATUS))
    painter.end()
    colours = {image.pixel(x, 20) for x in range(0, 120)}
    assert len(colours) > 2
    assert delegate.sizeHint(option, model.index(0, Column.STATUS)).width() > 0
