"""What every wallet dialog shares: a message area, a busy state and plain-text labels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from ogpu_desktop.ui.wallet.field_error import FieldError


def plain_label(object_name: str, text: str, parent: QWidget) -> QLabel:
    """Return a word-wrapped plain-text label."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    return label


class WalletDialog(QDialog):
    """A window-modal dialog that shows its own errors (it is the handlers' error sink).

    Subclasses add their content to :attr:`body` and call :meth:`finish_layout`. Dialogs are
    opened with ``open()`` and report through signals; they delete themselves when closed.

    Args:
        name: Object-name prefix, such as ``wallet.import_dialog``.
        title: Window title.
        parent: Parent widget (the Wallet page).
    """

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(560)
        self.body = QVBoxLayout(self)
        self.error_label = FieldError(f"{name}.error_label", self)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName(f"{name}.busy_bar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.setVisible(False)
        self._inputs: list[QWidget] = []
        self._busy = False

    def finish_layout(self, inputs: list[QWidget]) -> None:
        """Add the message area below the content; ``inputs`` are disabled while busy."""
        self.body.addWidget(self.busy_bar)
        self.body.addWidget(self.error_label)
        self._inputs = inputs

    def show_error(self, message: str) -> None:
        """Show ``message`` inside the dialog (the dialog covers the window's banner)."""
        self.error_label.show_message(message)

    def set_busy(self, busy: bool) -> None:
        """Show progress and lock the inputs while slow work (scrypt, the keychain) runs."""
        self._busy = busy
        self.busy_bar.setVisible(busy)
        for widget in self._inputs:
            widget.setEnabled(not busy)
        if busy:
            self.error_label.clear_message()

    def event(self, event: QEvent) -> bool:
        """Grow taller when wrapped messages need more room, instead of clipping them."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            layout = self.body
            minimum = layout.totalMinimumSize()
            width = max(self.width(), minimum.width())
            needed = (
                layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                else minimum.height()
            )
            if needed > self.height() or width > self.width():
                self.resize(width, max(needed, self.height()))
        return handled

    def is_busy(self) -> bool:
        """Whether slow work is running (the dialog cannot be closed meanwhile)."""
        return self._busy

    def reject(self) -> None:
        """Close, unless slow work still runs (its result must land somewhere)."""
        if self._busy:
            return
        super().reject()
