"""A label that shows an amount short (six significant decimals) and copies it exactly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from ogpu_desktop.domain.amounts import format_amount, short_amount


def exact_tip(wei: int, symbol: str | None) -> str:
    """The tooltip beside a short amount: the exact value."""
    return f"Exactly {format_amount(wei, symbol)}"


class AmountLabel(QLabel):
    """Shows an amount rounded the safe way; its tooltip and its copies hold the exact value.

    Copying (Ctrl+C once clicked, or the context menu) puts the exact number on the clipboard,
    without the symbol, so it can be pasted into an amount field.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._exact: str | None = None

    def set_amount(self, wei: int, symbol: str | None, *, up: bool = False) -> None:
        """Show ``wei`` short (rounded down, or ``up`` for a cost), exact in the tooltip."""
        self.setText(short_amount(wei, symbol, up=up))
        self.setToolTip(exact_tip(wei, symbol))
        self._exact = format_amount(wei, None)

    def clear_amount(self, text: str) -> None:
        """Show ``text`` instead of an amount (``"—"``, ``"Not connected"``)."""
        self.setText(text)
        self.setToolTip("")
        self._exact = None

    def exact(self) -> str | None:
        """The exact amount shown, as a bare number, or ``None``."""
        return self._exact

    def copy_exact(self) -> None:
        """Put the exact amount on the clipboard."""
        if self._exact is not None:
            QGuiApplication.clipboard().setText(self._exact)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Ctrl+C copies the exact amount, not the rounded text."""
        if event.matches(QKeySequence.StandardKey.Copy) and self._exact is not None:
            self.copy_exact()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        """Offer to copy the exact amount."""
        if self._exact is None:
            return
        menu = QMenu(self)
        menu.addAction("Copy exact amount", self.copy_exact)
        menu.exec(event.globalPos())
