"""The task list's table view: badge delegate, sorting, row selection, fixed starting widths."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ogpu_desktop.ui.models.status_badge_delegate import StatusBadgeDelegate
from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy
from ogpu_desktop.ui.models.task_table_model import Column

START_WIDTHS = ((Column.STATUS, 110), (Column.TYPE, 170), (Column.TASK, 110),
                (Column.SOURCE, 110), (Column.CREATED, 130), (Column.EXPIRES, 100))


def make_task_table(proxy: TaskFilterProxy, parent: QWidget | None = None) -> QTableView:
    """A table over ``proxy``, newest first, with a context menu requested by signal."""
    table = QTableView(parent)
    table.setObjectName("taskTable")
    table.setAccessibleName("Tasks")
    table.setModel(proxy)
    table.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(table))
    table.setSortingEnabled(True)
    table.sortByColumn(Column.CREATED, Qt.SortOrder.DescendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    # Interactive widths: ResizeToContents would measure every row of a long list.
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in START_WIDTHS:
        header.resizeSection(column, width)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table
