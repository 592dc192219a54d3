"""Paints the Status column as a rounded badge coloured by task state, readable in any theme."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.ui.models.task_table_model import STATE_ROLE

# Hues only; lightness follows the palette so badges read well on light and dark themes.
STATE_HUES: dict[TaskState, int | None] = {
    TaskState.PUBLISHING: 210,
    TaskState.NEW: 210,
    TaskState.ATTEMPTED: 40,
    TaskState.RESPONDED: 270,
    TaskState.FINALIZED: 130,
    TaskState.CANCELED: None,
    TaskState.EXPIRED: 0,
    TaskState.EXPIRED_UNSETTLED: 20,
}
PADDING = 6


def badge_colour(state: TaskState, palette: QPalette) -> QColor:
    """Return the badge fill for ``state``: a soft tint on light themes, a deep one on dark."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    hue = STATE_HUES[state]
    if hue is None:
        return palette.color(QPalette.ColorRole.Mid)
    return QColor.fromHsl(hue, 140, 70 if dark else 205)


class StatusBadgeDelegate(QStyledItemDelegate):
    """Draws the state's label inside a rounded badge; other roles are painted as usual."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Paint the selection background, then the badge."""
        value = index.data(STATE_ROLE)
        # Through Qt the enum arrives as its plain string value.
        if value not in STATE_HUES:
            super().paint(painter, option, index)
            return
        state = TaskState(value)
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(state.label) + 2 * PADDING
        height = metrics.height() + 4
        rect = option.rect
        badge = QRectF(rect.x() + 4, rect.center().y() - height / 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(badge_colour(state, option.palette))
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, state.label)
        painter.restore()

    def sizeHint(  # noqa: N802 - Qt API
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Leave room for the badge's padding."""
        size = super().sizeHint(option, index)
        return QSize(
            size.width() + 2 * PADDING + 8, max(size.height(), option.fontMetrics.height() + 8)
        )
