"""A plain-text message shown beside a form field, hidden while the field is fine."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ogpu_desktop.ui.message_colours import set_message_role


class FieldError(QLabel):
    """The message of the field it sits beside; empty and hidden when there is none.

    Args:
        object_name: Stable object name (for tests and accessibility tools).
        parent: Parent widget.
    """

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        set_message_role(self, "error")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVisible(False)

    def show_message(self, message: str) -> None:
        """Show ``message`` (plain text)."""
        self.setText(message)
        self.setAccessibleDescription(message)
        self.setVisible(True)

    def clear_message(self) -> None:
        """Hide the message."""
        self.clear()
        self.setAccessibleDescription("")
        self.setVisible(False)

    def message(self) -> str:
        """The message shown, or an empty string."""
        return self.text() if not self.isHidden() else ""
