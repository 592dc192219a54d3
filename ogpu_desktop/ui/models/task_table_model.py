"""The task list's table model: immutable rows, changed by row inserts and ``dataChanged`` only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.domain.task_status import TaskState

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role giving a column's raw value for sorting (numbers and times, not their text)."""
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
"""Role giving the shown :class:`TaskState` of the row (any column)."""
ROW_ROLE = Qt.ItemDataRole.UserRole + 3
"""Role giving the :class:`TaskRow` itself (any column)."""

AnyIndex = QModelIndex | QPersistentModelIndex

PREVIOUS_RUN_NOTE = "earlier Sandbox run"
"""Marks tasks of a Sandbox that was restarted since (their chain is gone)."""


class Column(IntEnum):
    """The table's columns, in display order."""

    STATUS = 0
    TYPE = 1
    TASK = 2
    SOURCE = 3
    CREATED = 4
    EXPIRES = 5
    RESPONSES = 6
    PAYMENT = 7
    RESULT = 8


HEADERS = ("Status", "Type", "Task", "Source", "Created", "Expires in", "Responses", "Payment",
           "Result")


def short_address(address: str) -> str:
    """``0x1234…abcd``: enough to tell tasks apart at a glance."""
    return f"{address[:6]}…{address[-4:]}" if len(address) > 12 else address


def countdown_text(expiry: datetime, now: datetime) -> str:
    """Time left until ``expiry``, as ``"1 h 5 min"``, ``"4 min 10 s"`` or ``"expired"``."""
    left = int((expiry - now).total_seconds())
    if left <= 0:
        return "expired"
    hours, rest = divmod(left, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _type_title(row: TaskRow) -> str:
    spec = CATALOGUE.get(row.task_type)
    return spec.title if spec is not None else row.task_type


_STATIC_TEXT: dict[Column, Callable[[TaskRow], str]] = {
    Column.TYPE: _type_title,
    Column.TASK: lambda row: short_address(row.address),
    Column.SOURCE: lambda row: short_address(row.source),
    Column.CREATED: lambda row: row.created.astimezone().strftime("%Y-%m-%d %H:%M"),
    Column.RESPONSES: lambda row: str(row.responses),
    Column.PAYMENT: lambda row: format_amount(row.payment_wei, max_places=6),
}


_TOOLTIPS: dict[Column, Callable[[TaskRow], str]] = {
    Column.TASK: lambda row: row.address,
    Column.SOURCE: lambda row: row.source,
    Column.EXPIRES: lambda row: row.expiry.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
    Column.PAYMENT: lambda row: format_amount(row.payment_wei),
}


class TaskTableModel(QAbstractTableModel):
    """Rows of :class:`TaskRow`, keyed by :attr:`TaskRow.key`, sorted here rather than in a proxy.

    A task of the current run is found by its address; an earlier run's task at the same
    address is a row of its own (its key names the run).

    Sorting happens in Python over the rows (a few milliseconds for 10,000) instead of in a
    ``QSortFilterProxyModel``, which would call :meth:`data` through Qt for every comparison
    (a second or more for 10,000 rows). The order is kept when rows change or arrive.

    Args:
        clock: Returns the current time (timezone-aware); tests pass a fixed one.
        parent: Parent object.
    """

    def __init__(
        self, clock: Callable[[], datetime] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rows: list[TaskRow] = []
        self._index: dict[str, int] = {}
        # Kept beside the rows, by row key: a row is replaced whole whenever the task changes,
        # while its result's summary is read later, once, from the result itself.
        self._summaries: dict[str, str] = {}
        self._now = self._clock()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._sort_column: Column | None = None
        self._descending = False
        self._readers: dict[int, Callable[[TaskRow, Column], Any]] = {
            Qt.ItemDataRole.DisplayRole: self._text,
            SORT_ROLE: self._sort_key,
            STATE_ROLE: lambda row, _: row.shown_state(self._now),
            ROW_ROLE: lambda row, _: row,
            Qt.ItemDataRole.ToolTipRole: self._tooltip,
            Qt.ItemDataRole.TextAlignmentRole: self._alignment,
            Qt.ItemDataRole.FontRole: self._font,
        }

    # Reading ------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Number of tasks (a table has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Number of columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def row(self, position: int) -> TaskRow:
        """Return the row at ``position``."""
        return self._rows[position]

    def now(self) -> datetime:
        """The time the shown states are judged at (moved on by :meth:`tick`)."""
        return self._now

    def shown_state(self, position: int) -> TaskState:
        """The state shown now for the row at ``position`` (expiry taken into account)."""
        return self._rows[position].shown_state(self._now)

    def type_title(self, position: int) -> str:
        """The task type's title of the row at ``position``."""
        return _type_title(self._rows[position])

    def position_of(self, address: str) -> int | None:
        """Return the position of the current run's task ``address``, or ``None``."""
        return self._index.get(address.lower())

    def position_of_key(self, key: str) -> int | None:
        """Return the position of the row whose :attr:`TaskRow.key` is ``key``, or ``None``."""
        return self._index.get(key)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltips, sort keys, state and alignment of a cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        reader = self._readers.get(role)
        if reader is None:
            return None
        return reader(self._rows[index.row()], Column(index.column()))

    def _text(self, row: TaskRow, column: Column) -> str:
        if row.previous_run and column is Column.TASK:
            return f"{short_address(row.address)} ({PREVIOUS_RUN_NOTE})"
        if column is Column.STATUS:
            return row.shown_state(self._now).label
        if column is Column.RESULT:
            return self._summaries.get(row.key, "")
        if column is Column.EXPIRES:
            if row.state.is_final or row.previous_run:
                return "—"
            return countdown_text(row.expiry, self._now)
        return _STATIC_TEXT[column](row)

    def _alignment(self, row: TaskRow, column: Column) -> int | None:
        if column in (Column.RESPONSES, Column.PAYMENT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _sort_key(self, row: TaskRow, column: Column) -> Any:
        match column:
            case Column.CREATED:
                return row.created.timestamp()
            case Column.EXPIRES:
                return row.expiry.timestamp()
            case Column.RESPONSES:
                return row.responses
            case Column.PAYMENT:
                # Sorting compares as float; exact wei order is kept for amounts below 2**53.
                return float(row.payment_wei)
            case Column.STATUS:
                return list(type(row.state)).index(row.shown_state(self._now))
            case _:
                return self._text(row, column).lower()

    def _font(self, row: TaskRow, column: Column) -> QFont | None:
        if not row.previous_run:
            return None
        font = QFont()
        font.setItalic(True)
        return font

    def _tooltip(self, row: TaskRow, column: Column) -> str | None:
        if row.previous_run and column in (Column.STATUS, Column.TASK):
            return (
                f"{row.address}\nFrom an earlier Sandbox run: that local chain was replaced "
                "when the Sandbox restarted, so this task no longer changes."
            )
        if column is Column.STATUS:
            shown = row.shown_state(self._now)
            return f"{shown.label}: {shown.explanation}"
        tip = _TOOLTIPS.get(column)
        if tip is not None:
            return tip(row)
        if column is Column.RESULT:
            return self._summaries.get(row.key) or None
        return None

    # Sorting ------------------------------------------------------------------------------

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        """Sort by ``column`` (``-1``: keep the order rows arrived in) and keep that order."""
        self._sort_column = Column(column) if 0 <= column < len(HEADERS) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._resort()

    def _resort(self) -> None:
        column = self._sort_column
        if column is None or len(self._rows) < 2:
            return
        keys = [self._sort_key(row, column) for row in self._rows]
        order = sorted(range(len(self._rows)), key=keys.__getitem__, reverse=self._descending)
        if order == list(range(len(order))):
            return
        self.layoutAboutToBeChanged.emit()
        new_position = {old: new for new, old in enumerate(order)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(new_position[i.row()], i.column()) for i in persistent],
        )
        self._rows = [self._rows[i] for i in order]
        self._index = {r.key: i for i, r in enumerate(self._rows)}
        self.layoutChanged.emit()

    # Changing -----------------------------------------------------------------------------

    def upsert(self, row: TaskRow) -> None:
        """Insert ``row``, or replace the row with the same key and signal the change."""
        self.upsert_many((row,))

    def upsert_many(self, rows: Iterable[TaskRow]) -> None:
        """Insert new rows (one insert per batch) and replace known ones in place."""
        fresh: list[TaskRow] = []
        changed = False
        for row in rows:
            position = self._index.get(row.key)
            if position is None:
                fresh.append(row)
            elif self._rows[position] != row:
                changed = True
                self._rows[position] = row
                self.dataChanged.emit(
                    self.index(position, 0), self.index(position, len(HEADERS) - 1)
                )
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for row in fresh:
                self._index[row.key] = len(self._rows)
                self._rows.append(row)
            self.endInsertRows()
        if fresh or changed:
            self._resort()

    def reset_rows(self, rows: Iterable[TaskRow]) -> None:
        """Replace every row at once: only when the list changes network, never per update.

        The result summaries are forgotten too: a new run of a chain reuses task addresses.
        """
        self.beginResetModel()
        self._rows = list(rows)
        self._summaries.clear()
        self._index = {r.key: i for i, r in enumerate(self._rows)}
        self._now = self._clock()
        self._sort_rows_quietly()
        self.endResetModel()

    def _sort_rows_quietly(self) -> None:
        # Inside a reset no view holds an index, so no layout signals are needed.
        column = self._sort_column
        if column is not None:
            self._rows.sort(key=lambda row: self._sort_key(row, column), reverse=self._descending)
            self._index = {r.key: i for i, r in enumerate(self._rows)}

    def set_summary(self, key: str, text: str) -> None:
        """Show ``text`` as the result summary of the row whose key is ``key``.

        Summaries of rows not listed (yet) are kept: the row shows it once it arrives.
        """
        if self._summaries.get(key) == text:
            return
        self._summaries[key] = text
        position = self._index.get(key)
        if position is not None:
            cell = self.index(position, Column.RESULT)
            self.dataChanged.emit(cell, cell)
            if self._sort_column is Column.RESULT:
                self._resort()

    def summary(self, key: str) -> str:
        """The result summary shown for the row whose key is ``key`` ("" when none is known)."""
        return self._summaries.get(key, "")

    def addresses(self) -> list[str]:
        """The listed task addresses, in model order."""
        return [row.address for row in self._rows]

    def remove(self, address: str) -> None:
        """Remove the task ``address`` if it is listed."""
        position = self.position_of(address)
        if position is None:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self._index = {r.key: i for i, r in enumerate(self._rows)}
        self.endRemoveRows()

    def tick(self) -> None:
        """Move the countdowns on: signal changes only for rows that are not final."""
        self._now = self._clock()
        live = [
            i for i, row in enumerate(self._rows) if not row.state.is_final and not row.previous_run
        ]
        if not live:
            return
        # One signal for the span of live rows keeps the per-tick cost flat for big lists.
        self.dataChanged.emit(
            self.index(live[0], Column.STATUS), self.index(live[-1], Column.EXPIRES)
        )
        if self._sort_column in (Column.STATUS, Column.EXPIRES):
            self._resort()

    def start_countdown(self, interval_ms: int = 1000) -> None:
        """Call :meth:`tick` every ``interval_ms`` milliseconds."""
        self._timer.start(interval_ms)

    def stop_countdown(self) -> None:
        """Stop the countdown ticks."""
        self._timer.stop()
