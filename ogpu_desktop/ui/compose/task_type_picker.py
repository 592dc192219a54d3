"""The task type picker: each type with its icon and one line saying what it does."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.ui.icons import themed_icon

DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 1
ICON_PX = 28
PAD = 6

_Index = QModelIndex | QPersistentModelIndex


class TaskTypeDelegate(QStyledItemDelegate):
    """Paints a list entry as its icon, the type's name in bold and its description below."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        """Two lines of text beside the icon, as wide as the longer one."""
        bold, plain = self._fonts(option)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        line = str(index.data(DESCRIPTION_ROLE) or "")
        width = max(QFontMetrics(bold).horizontalAdvance(title),
                    QFontMetrics(plain).horizontalAdvance(line))
        height = QFontMetrics(bold).height() + QFontMetrics(plain).height()
        return QSize(ICON_PX + 3 * PAD + width, max(ICON_PX, height) + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Draw the entry; the highlight follows the style, the texts the palette."""
        widget = option.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                widget)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        bold, plain = self._fonts(option)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        mode = icon.Mode.Selected if selected else icon.Mode.Normal
        icon_rect = QRect(rect.left() + PAD, rect.center().y() - ICON_PX // 2, ICON_PX, ICON_PX)
        icon.paint(painter, icon_rect, Qt.AlignmentFlag.AlignCenter, mode)
        text_left = icon_rect.right() + PAD
        text_rect = QRect(text_left, rect.top() + PAD, rect.right() - text_left - PAD,
                          rect.height() - 2 * PAD)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(palette.color(role))
        painter.setFont(bold)
        title_height = QFontMetrics(bold).height()
        painter.drawText(QRect(text_rect.left(), text_rect.top(), text_rect.width(),
                               title_height), Qt.AlignmentFlag.AlignLeft,
                         str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        painter.setFont(plain)
        line = QFontMetrics(plain).elidedText(str(index.data(DESCRIPTION_ROLE) or ""),
                                              Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(QRect(text_rect.left(), text_rect.top() + title_height,
                               text_rect.width(), text_rect.height() - title_height),
                         Qt.AlignmentFlag.AlignLeft, line)
        painter.restore()

    @staticmethod
    def _fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        plain = QFont(option.font)
        bold = QFont(plain)
        bold.setBold(True)
        return bold, plain


class TaskTypePicker(QComboBox):
    """A drop-down of the catalogue's task types that opens below itself, never over.

    Opening the list over the box (the style's default) put an entry under the pointer, so a
    click meant for the box could pick a type; the list now drops down like a menu.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskTypePicker")
        self.setAccessibleName("Task type")
        self.setItemDelegate(TaskTypeDelegate(self))
        self.setIconSize(QSize(20, 20))
        for spec in CATALOGUE.values():
            self.addItem(spec.title, spec.key)
            index = self.count() - 1
            self.setItemData(index, spec.description, DESCRIPTION_ROLE)
            self.setItemData(index, spec.description, Qt.ItemDataRole.ToolTipRole)
            self.setItemData(index, f"{spec.title}: {spec.description}",
                             Qt.ItemDataRole.AccessibleTextRole)
        self.setMaxVisibleItems(len(CATALOGUE))
        self.refresh_icons()

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        """Open the list below the box, like a menu (the style would open it over the box)."""
        super().showPopup()
        popup = self.view().window()
        below = self.mapToGlobal(QPoint(0, self.height()))
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and below.y() + popup.height() > screen.bottom():
            below = self.mapToGlobal(QPoint(0, -popup.height()))  # no room below: above it
        popup.move(below)

    def refresh_icons(self) -> None:
        """Colour the icons for the palette in use (after a switch between light and dark)."""
        for index in range(self.count()):
            self.setItemIcon(index, themed_icon(str(self.itemData(index)), self.palette()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a palette change."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.refresh_icons()
