"""A table model of batch inputs: one row per input, its preview or first line, and its words.

Shared by the inputs listed on the Compose page and by the batch page. Rows are plain
:class:`InputRow` values; an image row's preview comes from a :class:`ThumbnailCache` when the
view paints it (only the rows on screen are ever asked for).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from ogpu_desktop.domain.batch_entries import BatchEntry, ImageEntry, RefusedEntry, TextEntry
from ogpu_desktop.ui.batch.thumbnail_cache import THUMB_SIDE, ThumbnailCache

FIRST_LINE_CHARS = 80
REFUSED_COLOUR = QColor("#b00020")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class InputRow:
    """One row: the cells' words, and what to preview in the first cell.

    Attributes:
        cells: The text of each column.
        image: For an image input, its key and file (previewed in the first cell).
        tip: The tooltip of the row (the whole text, the full reason).
        refused: Whether the row is an input left out (shown in red).
    """

    cells: tuple[str, ...]
    image: tuple[str, Path] | None = None
    tip: str = ""
    refused: bool = False


def first_line(text: str, limit: int = FIRST_LINE_CHARS) -> str:
    """The first line of ``text``, cut to ``limit`` characters with an ellipsis."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def input_words(entry: BatchEntry) -> tuple[str, str]:
    """How an input is named in a row, and its tooltip: ``file`` or ``file:line — text``."""
    if isinstance(entry, TextEntry):
        return f"{entry.label} — {first_line(entry.text)}", entry.text
    if isinstance(entry, ImageEntry):
        size = f"{entry.width} x {entry.height} {entry.image_format}"
        return entry.label, f"{entry.path}\n{size}"
    return entry.label, entry.reason


def preview_of(entry: BatchEntry) -> tuple[str, Path] | None:
    """What to preview for an input: an accepted image's key and file."""
    return (entry.key, entry.path) if isinstance(entry, ImageEntry) else None


def is_refused(entry: BatchEntry) -> bool:
    """Whether the input was left out when listed."""
    return isinstance(entry, RefusedEntry)


class InputRowsModel(QAbstractTableModel):
    """Rows of batch inputs under the given headers.

    Args:
        headers: The column titles.
        thumbnails: Where image previews come from.
        parent: Owner.
    """

    def __init__(
        self, headers: Sequence[str], thumbnails: ThumbnailCache, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.thumbnails = thumbnails
        self.rows: list[InputRow] = []
        self._row_of_key: dict[str, int] = {}
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_rows(self, rows: Sequence[InputRow]) -> None:
        """Show ``rows`` instead of the rows shown.

        The same number of rows (a refresh of the same inputs) is an update in place, so the
        view keeps its scroll position and selection while statuses change.
        """
        if len(rows) == len(self.rows) and self.rows:
            changed = [n for n, (old, new) in enumerate(zip(self.rows, rows, strict=True))
                       if old != new]
            if changed:
                self.rows = list(rows)
                self._row_of_key = {r.image[0]: n for n, r in enumerate(self.rows) if r.image}
                self.dataChanged.emit(self.index(changed[0], 0),
                                      self.index(changed[-1], len(self.headers) - 1))
            return
        self.beginResetModel()
        self.rows = list(rows)
        self._row_of_key = {r.image[0]: n for n, r in enumerate(self.rows) if r.image}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        """Qt override: the rows shown."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        """Qt override: the columns."""
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Qt override: the column titles."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Qt override: the words, the preview, the tooltip and red for refusals."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column] if column < len(row.cells) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip or (row.cells[column] if column < len(row.cells) else "")
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and row.image is not None:
            return self.thumbnails.get(*row.image)
        if role == Qt.ItemDataRole.ForegroundRole and row.refused:
            return QBrush(REFUSED_COLOUR)
        return None

    def _thumbnail_ready(self, key: str) -> None:
        row = self._row_of_key.get(key)
        if row is not None:
            cell = self.index(row, 0)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DecorationRole])


ROW_HEIGHT = THUMB_SIDE + 4
"""A row of inputs: its preview and a little room."""


def input_rows_table(
    parent: QWidget, model: InputRowsModel, name: str, accessible_name: str
) -> QTableView:
    """A read-only table of ``model``'s inputs, one preview-high row each, chosen by rows."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    return table
