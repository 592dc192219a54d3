"""The batch part of the Compose page: drop or choose many inputs, see them listed, review them.

Dropping a folder, many image files, or a ``.csv``/``.txt`` file here (or choosing them with
"Choose files…" / "Choose folder…") lists every input for the task type shown: an image with its
preview, a text with its first line; an input that can't be used is listed in red with the
reason and left out. Listing runs in a worker thread (``services.batch_review.list_inputs``).
"Review batch…" hands the listing on for the one review of the whole batch.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.batch_configs import batch_input_field
from ogpu_desktop.domain.batch_entries import BatchEntry, BatchListing, InputKind, RefusedEntry
from ogpu_desktop.domain.batch_inputs import input_kind
from ogpu_desktop.services.batch_review import list_inputs
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.batch.input_rows import (
    ROW_HEIGHT,
    InputRow,
    InputRowsModel,
    input_rows_table,
    input_words,
    is_refused,
    preview_of,
)
from ogpu_desktop.ui.batch.thumbnail_cache import ThumbnailCache

DROP_HINT = {
    InputKind.IMAGE: "Batch: drop a folder or many pictures here (one task each), or choose them.",
    InputKind.TEXT: "Batch: drop a .txt file (one text a line) or a .csv file here (one task "
                    "per row), or choose it.",
}
FIRST_COLUMN = "First column of words"
LISTING = "Listing the inputs…"
FILE_FILTER = (
    "Batch inputs (*.jpg *.jpeg *.png *.webp *.gif *.bmp *.tif *.tiff *.txt *.csv *.tsv);;"
    "All files (*)"
)


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders a drag carries (nothing when it carries anything else)."""
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [url.toLocalFile() for url in urls]


class BatchInputsPanel(QFrame):
    """Many inputs for one batch of the task type shown, listed before the review.

    Args:
        parent: The Compose page.
    """

    review_requested = Signal(object)
    """The listing to review (a :class:`BatchListing` with at least one accepted input)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchInputsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        self.task_type = ""
        self.paths: list[str] = []
        self.listing: BatchListing | None = None
        self._generation = 0
        self._has_columns = False
        self.thumbnails = ThumbnailCache(parent=self)

        self.hint = QLabel(self)
        self.hint.setObjectName("batchDropHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.choose_files_button = self._button("batchChooseFiles", "Choose files…",
                                                self.choose_files)
        self.choose_folder_button = self._button("batchChooseFolder", "Choose folder…",
                                                 self.choose_folder)
        self.clear_button = self._button("batchClear", "Clear", self.clear)
        self.column_label = QLabel("CSV column:", self)
        self.column_picker = QComboBox(self)
        self.column_picker.setObjectName("batchColumnPicker")
        self.column_picker.setAccessibleName("CSV column holding the texts")
        self.column_picker.activated.connect(lambda _i: self.relist())
        self.model = InputRowsModel(("Input", "Ready?"), self.thumbnails, self)
        self.table = input_rows_table(self, self.model, "batchInputsTable", "Batch inputs")
        # Four rows at a time: the form above stays in view; the list scrolls.
        self.table.setMaximumHeight(
            self.table.horizontalHeader().sizeHint().height() + ROW_HEIGHT * 4 + 4)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 320)
        self.summary = QLabel(self)
        self.summary.setObjectName("batchInputsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.review_button = self._button("batchReviewButton", "Review batch…", self._review)
        self.review_button.setToolTip("One review of the whole batch: how many tasks, the price "
                                      "and fees, the deposit needed")
        self._layout()
        self._show_listing()

    def _button(self, name: str, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(self.choose_files_button)
        top.addWidget(self.choose_folder_button)
        top.addWidget(self.clear_button)
        columns = QHBoxLayout()
        columns.addWidget(self.column_label)
        columns.addWidget(self.column_picker, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.review_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(columns)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # -- what the page tells it --------------------------------------------------------------

    def set_task_type(self, key: str) -> None:
        """Follow the task type picked: its inputs are images or texts."""
        if key == self.task_type:
            return
        self.task_type = key
        self.hint.setText(DROP_HINT[input_kind(key)])
        if self.paths:
            self.relist()

    # -- dropping and choosing ---------------------------------------------------------------

    def accepts(self, mime: QMimeData) -> bool:
        """Whether a drag carries files or folders for a batch."""
        return bool(local_paths(mime))

    def take(self, paths: list[str]) -> None:
        """Add ``paths`` to the batch's inputs and list them again."""
        added = [p for p in paths if p not in self.paths]
        if added:
            self.paths += added
            self.relist()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept drags of local files and folders."""
        if self.accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Take the dropped files and folders as the batch's inputs."""
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.take(paths)

    def choose_files(self) -> None:
        """Choose image, text or CSV files without dragging."""
        names, _ = QFileDialog.getOpenFileNames(self, "Choose the batch's inputs", "", FILE_FILTER)
        if names:
            self.take(names)

    def choose_folder(self) -> None:
        """Choose a folder of pictures without dragging."""
        name = QFileDialog.getExistingDirectory(self, "Choose a folder of inputs")
        if name:
            self.take([name])

    def clear(self) -> None:
        """Forget the inputs listed."""
        self._generation += 1
        self.paths = []
        self.listing = None
        self.thumbnails.clear()
        self._show_listing()

    # -- listing ------------------------------------------------------------------------------

    @async_action()
    async def relist(self) -> None:
        """List the inputs of :attr:`paths` for the task type shown (in a worker thread)."""
        self._generation += 1
        generation = self._generation
        column = self.chosen_column()
        self.summary.setText(LISTING)
        self.review_button.setEnabled(False)
        listing = await list_inputs(list(self.paths), self.task_type, column=column)
        if generation != self._generation:
            return  # inputs or type changed meanwhile: a newer listing is coming
        self.listing = listing
        self._show_listing()

    def chosen_column(self) -> str | None:
        """The CSV column picked (``None``: no CSV, or each file's first column of words)."""
        data = self.column_picker.currentData() if self._has_columns else None
        return None if data is None else str(data)

    def _show_listing(self) -> None:
        listing = self.listing
        # Ready inputs first, in order, then the ones left out with their reasons.
        entries = () if listing is None else (*listing.accepted, *listing.refused)
        rows = [self._row(entry) for entry in entries]
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.clear_button.setEnabled(bool(self.paths))
        self._show_columns(listing)
        ready = listing is not None and bool(listing.accepted)
        self.review_button.setEnabled(ready)
        self.review_button.setVisible(bool(self.paths))
        if listing is None:
            self.summary.setText("")
        elif not listing.accepted:
            self.summary.setText(f"{listing.summary()} None of these inputs can be used.")
        else:
            # The form's own input (its picture or text) is not part of a batch: say so, since
            # the form may still ask for it.
            field = batch_input_field(self.task_type).label
            self.summary.setText(
                f"{listing.summary()} One task per input; the form's “{field}” is not used.")
        self.summary.setVisible(bool(self.paths))

    def _show_columns(self, listing: BatchListing | None) -> None:
        tables = () if listing is None else listing.tables
        shown = self._has_columns = bool(tables)
        self.column_label.setVisible(shown)
        self.column_picker.setVisible(shown)
        if not shown:
            return
        table = tables[0]
        self.column_picker.clear()
        for name in table.columns:
            words = " (words)" if name in table.text_columns else ""
            self.column_picker.addItem(f"{name}{words}", name)
        self.column_picker.setCurrentIndex(max(0, self.column_picker.findData(table.column)))

    @staticmethod
    def _row(entry: BatchEntry) -> InputRow:
        name, tip = input_words(entry)
        status = f"Left out: {entry.reason}" if isinstance(entry, RefusedEntry) else "Ready"
        return InputRow((name, status), preview_of(entry), tip, is_refused(entry))

    def _review(self) -> None:
        if self.listing is not None and self.listing.accepted:
            self.review_requested.emit(self.listing)
