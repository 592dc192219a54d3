"""Sorting and filtering of the task list by status, task type and free text."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from ogpu_desktop.ui.models.task_row import TaskRow, TaskState
from ogpu_desktop.ui.models.task_table_model import ROW_ROLE, SORT_ROLE, STATE_ROLE, Column


class TaskFilterProxy(QSortFilterProxyModel):
    """Shows the tasks whose state and type are chosen and whose text matches.

    Text matches the task address, the source address and the task type, case-insensitively.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._states: frozenset[TaskState] | None = None
        self._task_type: str | None = None
        self._text = ""

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

    def filterAcceptsRow(  # noqa: N802 - Qt API
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Apply the state, type and text filters."""
        model = self.sourceModel()
        index = model.index(source_row, Column.STATUS, source_parent)
        row = model.data(index, ROW_ROLE)
        if not isinstance(row, TaskRow):
            return False
        if self._states is not None and model.data(index, STATE_ROLE) not in self._states:
            return False
        if self._task_type is not None and row.task_type != self._task_type:
            return False
        if self._text:
            title = model.data(model.index(source_row, Column.TYPE, source_parent))
            haystack = f"{row.address} {row.source} {row.task_type} {title}".lower()
            return self._text in haystack
        return True
