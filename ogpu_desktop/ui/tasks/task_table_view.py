"""The task list's table view: badge delegate, sorting, row selection, starting widths by content.

Every column starts as wide as its title and a typical value need, measured with the table's
font (so the widths follow the font size and scale); the Result column takes the rest, and any
width the window gains.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.ui.models.status_badge_delegate import PADDING, StatusBadgeDelegate
from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy
from ogpu_desktop.ui.models.task_table_model import HEADERS, Column

#: A typical value of each column, measured for its starting width (the title counts too).
SAMPLES = {
    Column.TYPE: "Visual question answering",
    # Checksummed addresses: capitals are the widest digits.
    Column.TASK: "0xDDDD…DDDD",
    Column.SOURCE: "0xDDDD…DDDD",
    Column.CREATED: "2026-12-02 11:08",
    Column.EXPIRES: "59 min 59 s",
    Column.RESPONSES: "10",
    Column.PAYMENT: "0.001 OGPU",
}
#: Cell padding on both sides and the sort arrow of a header.
CELL_MARGIN = 10
HEADER_MARGIN = 34
#: The Result column is never narrower than this many average characters.
RESULT_MIN_CHARS = 6


def start_widths(table: QTableView) -> dict[Column, int]:
    """Each column's starting width for ``table``'s font (the Result column's minimum)."""
    cells = table.fontMetrics()
    header = table.horizontalHeader().fontMetrics()
    # The rare long state ("Expired — payment not yet returned") is cut; its tooltip has it.
    badge = max(cells.horizontalAdvance(state.label) for state in TaskState
                if state is not TaskState.EXPIRED_UNSETTLED) + 2 * PADDING + 10
    widths = {Column.STATUS: badge}
    for column, sample in SAMPLES.items():
        widths[column] = cells.horizontalAdvance(sample) + CELL_MARGIN
    for column in Column:
        title = header.horizontalAdvance(HEADERS[column]) + HEADER_MARGIN
        widths[column] = max(widths.get(column, 0), title)
    widths[Column.RESULT] = max(widths[Column.RESULT],
                                cells.averageCharWidth() * RESULT_MIN_CHARS)
    return widths


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
    # One line per task: a long cell is cut with "…" and its tooltip has it whole.
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().hide()
    # Interactive widths: ResizeToContents would measure every row of a long list.
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    widths = start_widths(table)
    for column, width in widths.items():
        header.resizeSection(column, width)
    header.setMinimumSectionSize(min(widths.values()))
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table


def columns_width(table: QTableView) -> int:
    """The width every column needs at its starting width (what the table's viewport needs)."""
    return sum(start_widths(table).values())
