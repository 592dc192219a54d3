"""Says why the keychain cannot be used and offers a session-only account instead."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from ogpu_desktop.ui.wallet.dialog_base import plain_label

SESSION_MODE_TEXT = (
    "Session-only accounts: accounts you create or import now are kept in memory and forgotten "
    "when the app quits. Keep a backup of each key (or export it) to use it again. No key is "
    "ever written to a file by OGPU Desktop."
)


class KeychainBanner(QFrame):
    """Hidden while the keychain works; otherwise its plain message and the session-only offer."""

    session_only_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallet.keychain_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message_label = plain_label("wallet.keychain_message", "", self)
        self.session_button = QPushButton("Use a session-only account", self)
        self.session_button.setObjectName("wallet.session_only_button")
        self.session_button.setToolTip(
            "Keep accounts in memory until the app quits, instead of in the keychain"
        )
        self.session_button.clicked.connect(self.session_only_chosen)
        row = QHBoxLayout(self)
        row.addWidget(self.message_label, 1)
        row.addWidget(self.session_button)
        self.hide()

    def show_problem(self, message: str) -> None:
        """Show why the keychain cannot be used, with the offer."""
        self.message_label.setText("⚠ " + message)
        self.setAccessibleDescription(message)
        self.session_button.show()
        self.show()

    def show_session_mode(self) -> None:
        """Say that new accounts are session-only now."""
        self.message_label.setText(SESSION_MODE_TEXT)
        self.setAccessibleDescription(SESSION_MODE_TEXT)
        self.session_button.hide()
        self.show()

    def message(self) -> str:
        """The message shown, or an empty string when hidden."""
        return self.accessibleDescription() if not self.isHidden() else ""
