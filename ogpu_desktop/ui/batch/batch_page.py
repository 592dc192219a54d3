"""The batch page: one row per input with its status and result, filters, retry, cancel, export.

A window of its own, opened from the batch's row on the Tasks page. Rows are read from the
history (``BatchResults.items``); the window's batch keeper brings the statuses and headlines
up to date while tasks wait (``BatchResults.refresh``), and the page shows them again whenever
they change. Actions go through :class:`BatchActions` (the window's batch flow): retry makes the
failed and expired inputs new tasks, reviewed again before anything is signed; cancel asks the
chain to cancel the waiting tasks no provider took; export writes CSV or JSON with each input's
file name or line number beside its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.services.batch_models import BatchInfo, BatchItem
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.batch.input_rows import (
    InputRow,
    InputRowsModel,
    input_rows_table,
    input_words,
    preview_of,
)
from ogpu_desktop.ui.batch.thumbnail_cache import ThumbnailCache

HEADERS = ("Input", "Status", "Result", "Task")
EXPORT_FILTERS = {"csv": "CSV (*.csv)", "json": "JSON (*.json)"}
MAX_SKIPS = 4


class BatchActions(Protocol):
    """What the batch page asks the window to do (the window's batch flow)."""

    def batch(self, batch_id: int) -> BatchInfo | None:
        """The batch, from the history."""

    def items(self, batch_id: int, view: BatchFilter) -> list[BatchItem]:
        """The inputs of the batch a filter shows, in order."""

    def counts(self, batch_id: int) -> dict[BatchItemStatus, int]:
        """How many inputs have each status."""

    async def retry(self, batch_id: int) -> None:
        """Retry the failed and expired inputs (reviewed again, then published)."""

    async def publish_rest(self, batch_id: int) -> None:
        """Review and publish the inputs not published yet."""

    async def cancel_waiting(self, batch_id: int, over: QWidget) -> str:
        """Cancel the waiting tasks once confirmed over ``over``; what happened, in words."""

    async def export(self, batch_id: int, path: Path, kind: str) -> int:
        """Write the batch's results as ``kind`` (``csv`` or ``json``); the rows written."""


COUNT_ORDER = (
    BatchItemStatus.FINISHED, BatchItemStatus.WAITING, BatchItemStatus.PENDING,
    BatchItemStatus.FAILED, BatchItemStatus.EXPIRED, BatchItemStatus.CANCELED,
    BatchItemStatus.REFUSED,
)


def count_words(counts: Mapping[BatchItemStatus, int]) -> str:
    """``"18 finished, 2 waiting, 5 refused"``: the counts in the batch page's words."""
    parts = [f"{n:,} {s.label.lower()}" for s in COUNT_ORDER if (n := counts.get(s, 0))]
    return ", ".join(parts) or "no inputs"


def result_words(item: BatchItem) -> str:
    """The result cell: the headline when answered, else the reason or nothing."""
    if item.headline:
        return item.headline
    return item.error or ""


class BatchPage(QWidget):
    """The inputs of one batch with their statuses and results.

    Args:
        batch_id: The batch shown.
        actions: What the page asks the window to do.
        parent: The main window (the page is a window of its own).
    """

    def __init__(self, batch_id: int, actions: BatchActions, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("batchPage")
        self.batch_id = batch_id
        self.flow = actions
        self.resize(980, 640)
        self.thumbnails = ThumbnailCache(parent=self)
        self._shown: object = None
        self._skipped = 0
        self.title = self._label("batchPage.title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.counts = self._label("batchPage.counts")
        self.filter = QComboBox(self)
        self.filter.setObjectName("batchPage.filter")
        self.filter.setAccessibleName("Show inputs")
        for view in BatchFilter:
            self.filter.addItem(view.label, view.value)
        self.filter.currentIndexChanged.connect(lambda _i: self.show_items(force=True))
        self.model = InputRowsModel(HEADERS, self.thumbnails, self)
        self.table = input_rows_table(self, self.model, "batchPage.table", "Inputs of the batch")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 260), (1, 90), (3, 120)):
            header.resizeSection(column, width)
        self.publish_button = self._button(
            "batchPage.publish_button", "Publish the rest…",
            "Review and publish the inputs not published yet", self.publish_rest)
        self.retry_button = self._button(
            "batchPage.retry_button", "Retry failed and expired…",
            "A new task each, same settings; reviewed again before anything is signed",
            self.retry)
        self.cancel_button = self._button(
            "batchPage.cancel_button", "Cancel waiting",
            "Cancel the tasks no provider took yet; their payment goes back to the vault",
            self.cancel_waiting)
        self.export_csv_button = self._button(
            "batchPage.export_csv_button", "Export CSV…",
            "input, status, task, headline, score, error per input", self.export_csv)
        self.export_json_button = self._button(
            "batchPage.export_json_button", "Export JSON…",
            "Each input beside its full result", self.export_json)
        self.status = self._label("batchPage.status")
        self._layout()
        self.show_items()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _button(self, name: str, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.counts, 1)
        filters.addWidget(QLabel("Show:", self))
        filters.addWidget(self.filter)
        buttons = QHBoxLayout()
        for button in (self.publish_button, self.retry_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_csv_button)
        buttons.addWidget(self.export_json_button)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        column.addWidget(self.status)
        column.addLayout(buttons)

    # -- showing ------------------------------------------------------------------------------

    @property
    def current_filter(self) -> BatchFilter:
        """The filter chosen."""
        return BatchFilter(self.filter.currentData())

    def set_filter(self, view: BatchFilter) -> None:
        """Show the inputs ``view`` lets through."""
        self.filter.setCurrentIndex(self.filter.findData(view.value))

    def show_items(self, *, force: bool = False) -> None:
        """Read the batch's inputs from the history and show them (keeps the row selected).

        Reading every input of a big batch takes a while on the Qt thread, so it is skipped
        while the batch, its counts and the filter are as last shown (``force`` reads anyway;
        a few skips in a row are followed by a read, for changes within the same second).
        """
        batch = self.flow.batch(self.batch_id)
        if batch is None:
            self.title.setText(f"Batch {self.batch_id} is not in this network's history.")
            self.model.set_rows([])
            return
        counts = self.flow.counts(self.batch_id)
        shown = (batch.updated_at, tuple(sorted(counts.items())), self.current_filter)
        if not force and shown == self._shown and self._skipped < MAX_SKIPS:
            self._skipped += 1
            return
        self._shown, self._skipped = shown, 0
        spec = CATALOGUE.get(batch.task_type)
        total = sum(counts.values())
        self.title.setText(
            f"Batch {batch.batch_id}: {spec.title if spec else batch.task_type}, "
            f"{total:,} input{'' if total == 1 else 's'}")
        self.setWindowTitle(f"Batch {batch.batch_id}")
        self.counts.setText(count_words(counts))
        self.model.set_rows([self._row(item) for item in
                             self.flow.items(self.batch_id, self.current_filter)])
        pending = counts.get(BatchItemStatus.PENDING, 0)
        self.publish_button.setVisible(pending > 0)
        self.retry_button.setEnabled(any(counts.get(s, 0) for s in BatchItemStatus
                                         if s.can_retry))
        self.cancel_button.setEnabled(counts.get(BatchItemStatus.WAITING, 0) > 0)

    @staticmethod
    def _row(item: BatchItem) -> InputRow:
        name, tip = input_words(item.entry)
        task = f"{item.task[:8]}…{item.task[-4:]}" if item.task else ""
        refused = item.status in (BatchItemStatus.REFUSED, BatchItemStatus.FAILED)
        return InputRow((name, item.status.label, result_words(item), task),
                        preview_of(item.entry), tip, refused)

    def shown_rows(self) -> list[tuple[str, ...]]:
        """The cells of the rows shown (for checks and for people reading a log)."""
        return [row.cells for row in self.model.rows]

    # -- acting -------------------------------------------------------------------------------

    @async_action(trigger="retry_button")
    async def retry(self) -> None:
        """Retry the failed and expired inputs: a new task each, reviewed again first."""
        await self.flow.retry(self.batch_id)
        self.show_items(force=True)

    @async_action(trigger="publish_button")
    async def publish_rest(self) -> None:
        """Review and publish the inputs not published yet."""
        await self.flow.publish_rest(self.batch_id)
        self.show_items(force=True)

    @async_action(trigger="cancel_button")
    async def cancel_waiting(self) -> None:
        """Cancel the tasks still waiting for a provider."""
        self.status.setText("Canceling the waiting tasks…")
        self.status.setText(await self.flow.cancel_waiting(self.batch_id, self))
        self.show_items(force=True)

    @async_action(trigger="export_csv_button")
    async def export_csv(self) -> None:
        """Choose a file and write the batch's results as CSV."""
        await self._export("csv")

    @async_action(trigger="export_json_button")
    async def export_json(self) -> None:
        """Choose a file and write the batch's results as JSON."""
        await self._export("json")

    async def _export(self, kind: str) -> None:
        suggested = f"batch-{self.batch_id}.{kind}"
        name, _ = QFileDialog.getSaveFileName(self, "Export the batch", suggested,
                                              EXPORT_FILTERS[kind])
        if name:
            await self.export_to(Path(name), kind)

    async def export_to(self, path: Path, kind: str) -> int:
        """Write the batch's results to ``path`` as ``kind``; say so on the page."""
        rows = await self.flow.export(self.batch_id, path, kind)
        self.status.setText(f"Wrote {rows:,} row(s) to {path}.")
        return rows

    def show_error(self, message: str) -> None:
        """Show an error on the page (it is a window of its own)."""
        self.status.setText(message)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Forget the previews when closed (the page is made again when reopened)."""
        self.thumbnails.clear()
        super().closeEvent(event)
