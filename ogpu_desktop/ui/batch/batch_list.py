"""The batches of the network, one row each, shown above the task list on the Tasks page.

A batch is one job: its row says its task type, how many inputs it has and where they stand;
double-clicking the row (or "Open batch") opens its batch page. Hidden while there is none.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.services.batch_models import BatchSummary
from ogpu_desktop.ui.batch.batch_page import count_words

HEADERS = ("Batch", "Task type", "Inputs", "Where they stand")
VISIBLE_ROWS = 4
BATCH_ID_ROLE = Qt.ItemDataRole.UserRole


class BatchList(QWidget):
    """One row per batch; asks for a batch page when a row is opened.

    Args:
        parent: The Tasks page.
    """

    open_requested = Signal(int)
    """The batch whose page to open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchListPanel")
        self.title = QLabel(
            "Batches (double-click one to see its inputs, tasks and results)", self)
        self.title.setObjectName("batchListTitle")
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("batchList")
        self.table.setAccessibleName("Batches")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line a batch; the full words are in the tooltip
        header = self.table.horizontalHeader()
        for section, width in enumerate((90, 190, 70)):
            header.resizeSection(section, width)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.activated.connect(lambda _index: self.open_selected())
        self.open_button = QPushButton("Open batch", self)
        self.open_button.setObjectName("batchListOpen")
        self.open_button.clicked.connect(lambda _checked=False: self.open_selected())
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.open_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.table)
        self.setVisible(False)

    def show_batches(self, batches: Sequence[BatchSummary]) -> None:
        """Show ``batches`` (newest first), each with its counts by status."""
        selected = self.selected_batch()
        self.table.setRowCount(len(batches))
        for row, summary in enumerate(batches):
            batch, counts = summary.info, summary.counts
            spec = CATALOGUE.get(batch.task_type)
            cells = (f"Batch {batch.batch_id}", spec.title if spec else batch.task_type,
                     f"{sum(counts.values()):,}", count_words(counts))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(BATCH_ID_ROLE, batch.batch_id)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            if batch.batch_id == selected:
                self.table.selectRow(row)
        rows = min(max(len(batches), 1), VISIBLE_ROWS)
        height = (self.table.horizontalHeader().sizeHint().height()
                  + self.table.verticalHeader().defaultSectionSize() * rows
                  + 2 * self.table.frameWidth())
        self.table.setFixedHeight(height)
        self.setVisible(bool(batches))

    def row_of(self, batch_id: int) -> int:
        """The row showing ``batch_id`` (-1 if none)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(BATCH_ID_ROLE) == batch_id:
                return row
        return -1

    def selected_batch(self) -> int | None:
        """The batch of the selected row, if any."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return None if item is None else int(item.data(BATCH_ID_ROLE))

    def open_selected(self) -> None:
        """Ask for the page of the selected batch (the first one if none is selected)."""
        batch = self.selected_batch()
        if batch is None and self.table.rowCount():
            first = self.table.item(0, 0)
            batch = None if first is None else int(first.data(BATCH_ID_ROLE))
        if batch is not None:
            self.open_requested.emit(batch)


def place_above(widget: QWidget, anchor: QWidget) -> None:
    """Put ``widget`` just above ``anchor`` in the layout that holds ``anchor``.

    Used to show the batches above the task list without the Tasks page knowing about them.
    """
    holder = anchor.parentWidget()
    layout: QLayout | None = holder.layout() if holder is not None else None
    if isinstance(layout, QVBoxLayout) and layout.indexOf(anchor) >= 0:
        layout.insertWidget(layout.indexOf(anchor), widget)
    elif holder is not None:
        widget.setParent(holder)
