"""An inline banner at the top of the window for errors and notices, closable by the user."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class NoticeBanner(QFrame):
    """Shows one message at a time as plain text; hidden until there is something to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("noticeMessage")
        self.message_label.setWordWrap(True)
        self._label_ready = False
        close = QToolButton(self)
        close.setObjectName("noticeClose")
        close.setText("✕")
        close.setAccessibleName("Dismiss message")
        close.setToolTip("Dismiss this message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(close)
        self.kind = ""
        self.hide()

    def show_error(self, message: str) -> None:
        """Show an error message."""
        self._show("error", message)

    def show_info(self, message: str) -> None:
        """Show a neutral notice."""
        self._show("info", message)

    def _show(self, kind: str, message: str) -> None:
        if not self._label_ready:
            self._prepare_label()
        self.kind = kind
        prefix = "⚠ " if kind == "error" else ""
        self.message_label.setText(prefix + message)
        self.setAccessibleDescription(message)
        self.show()

    def _prepare_label(self) -> None:
        # Done on the first message, not at construction: the banner is part of the window's
        # skeleton, and Qt's ``Qt`` namespace costs about 30 ms to load before the first paint.
        from PySide6.QtCore import Qt  # noqa: PLC0415

        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._label_ready = True

    def message(self) -> str:
        """Return the message shown (without its marker), or an empty string when hidden."""
        return self.accessibleDescription() if self.isVisible() else ""
