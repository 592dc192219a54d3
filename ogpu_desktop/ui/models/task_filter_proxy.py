"""Sorting and filtering of the task list by status, task type and free text."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.ui.models.task_table_model import (
    ROW_ROLE,
    SORT_ROLE,
    STATE_ROLE,
    Column,
    TaskTableModel,
)


class TaskFilterProxy(QSortFilterProxyModel):
    """Shows the tasks whose state and type are chosen and whose text matches.

    Text matches the task address, the source address and the task type, case-insensitively.
    Over a :class:`TaskTableModel` the sorting is left to the model (see there why) and rows are
    read directly instead of through ``data()``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._states: frozenset[TaskState] | None = None
        self._task_type: str | None = None
        self._text = ""
        self._hidden: frozenset[str] = frozenset()

    def set_states(self, states: Iterable[TaskState] | None) -> None:
        """Show only tasks in ``states`` (``None`` shows every state)."""
        self.beginFilterChange()
        self._states = None if states is None else frozenset(states)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_task_type(self, task_type: str | None) -> None:
        """Show only tasks of ``task_type`` (``None`` shows every type)."""
        self.beginFilterChange()
        self._task_type = task_type
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        """Show only tasks whose address, source or type contains ``text``."""
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_hidden_tasks(self, addresses: frozenset[str]) -> None:
        """Leave out the tasks at ``addresses`` (lower case): a batch's tasks, which its one row
        and its batch page show instead."""
        if addresses == self._hidden:
            return  # asked on every batch refresh; filtering again would move the selection
        self.beginFilterChange()
        self._hidden = addresses
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filtering(self) -> bool:
        """Whether a state, type or text filter is set (batch tasks left out do not count)."""
        return self._states is not None or self._task_type is not None or bool(self._text)

    def hidden_tasks(self) -> frozenset[str]:
        """The tasks left out as parts of batches."""
        return self._hidden

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Let a :class:`TaskTableModel` sort itself; sort here over any other model."""
        model = self.sourceModel()
        if isinstance(model, TaskTableModel):
            model.sort(column, order)
            return
        super().sort(column, order)

    def filterAcceptsRow(  # noqa: N802 - Qt API
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Apply the state, type and text filters."""
        if (self._states is None and self._task_type is None and not self._text
                and not self._hidden):
            return True  # the common case, asked for every row on each countdown tick
        model = self.sourceModel()
        if isinstance(model, TaskTableModel) and not source_parent.isValid():
            return self._accepts(model.row(source_row), model.shown_state(source_row),
                                 lambda: model.type_title(source_row))
        index = model.index(source_row, Column.STATUS, source_parent)
        row = model.data(index, ROW_ROLE)
        if not isinstance(row, TaskRow):
            return False
        return self._accepts(
            row, model.data(index, STATE_ROLE),
            lambda: str(model.data(model.index(source_row, Column.TYPE, source_parent))),
        )

    def _accepts(self, row: TaskRow, state: object, title: Callable[[], str]) -> bool:
        if self._hidden and row.address.lower() in self._hidden:
            return False
        if self._states is not None and state not in self._states:
            return False
        if self._task_type is not None and row.task_type != self._task_type:
            return False
        if self._text:
            haystack = f"{row.address} {row.source} {row.task_type} {title()}".lower()
            return self._text in haystack
        return True
