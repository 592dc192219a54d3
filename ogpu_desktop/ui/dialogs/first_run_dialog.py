"""The first-run choice of network: the Sandbox (pre-selected), Testnet, Mainnet or Custom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.ui.message_colours import set_message_role

CHOICES: tuple[tuple[str, str, str], ...] = (
    (
        "sandbox",
        "Sandbox — free, offline, on this computer",
        "A whole OGPU network running on this computer, with test tokens and sources that "
        "answer at once. Nothing costs money and nothing leaves this computer. Best to start.",
    ),
    (
        "testnet",
        "OGPU Testnet",
        "The public test network. Its tokens have no value; you need some in your wallet.",
    ),
    (
        "mainnet",
        "OGPU Mainnet",
        "⚠ The real network: publishing a task spends real money (OGPU tokens) from your "
        "wallet, and it cannot be undone.",
    ),
    (
        "custom",
        "Custom network",
        "A network you describe yourself (RPC address, chain ID and contracts) on the "
        "Settings page.",
    ),
)


class FirstRunDialog(QDialog):
    """Asks which network to start on; the Sandbox is chosen unless the user picks another.

    Args:
        parent: The main window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Welcome to OGPU Desktop")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        intro = QLabel(
            "Where do you want to publish tasks? You can change this later on the Settings page.",
            self,
        )
        intro.setObjectName("firstRun.intro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for key, title, explanation in CHOICES:
            button = QRadioButton(title, self)
            button.setObjectName(f"firstRun.{key}")
            button.setAccessibleDescription(explanation)
            note = QLabel(explanation, self)
            note.setObjectName(f"firstRun.{key}_note")
            note.setWordWrap(True)
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setIndent(24)
            if key == "mainnet":
                set_message_role(note, "error")
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
            layout.addWidget(note)
        self.buttons["sandbox"].setChecked(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.start_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start")
        self.start_button.setObjectName("firstRun.start_button")
        box.accepted.connect(self.accept)
        layout.addWidget(box)
        self.buttons["sandbox"].setFocus()

    def choice(self) -> str:
        """The network key picked (``sandbox``, ``testnet``, ``mainnet`` or ``custom``)."""
        for key, button in self.buttons.items():
            if button.isChecked():
                return key
        return "sandbox"

    def reject(self) -> None:
        """Closing the dialog keeps the pre-selected Sandbox: the app needs a network."""
        self.accept()
