"""Gives an account a new name."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.wallet.dialog_base import WalletDialog
from ogpu_desktop.ui.wallet.export_keystore_dialog import field_row
from ogpu_desktop.ui.wallet.field_error import FieldError
from ogpu_desktop.wallet import Account, Wallet
from ogpu_desktop.wallet.blocking import run_blocking

NAME = "wallet.rename_dialog"


class RenameAccountDialog(WalletDialog):
    """Edits the label; a bad one is explained beside the field and kept.

    Args:
        wallet: The wallet holding the account.
        account: The account to rename.
        parent: Parent widget.
    """

    renamed = Signal(str)  # address

    def __init__(self, wallet: Wallet, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(NAME, f"Rename {account.label}", parent)
        self._wallet = wallet
        self._address = account.address
        self.label_edit = QLineEdit(account.label, self)
        self.label_edit.setObjectName(f"{NAME}.label_edit")
        self.label_edit.setAccessibleName("Account name")
        self.label_edit.selectAll()
        self.label_error = FieldError(f"{NAME}.label_error", self)
        form = QFormLayout()
        form.addRow("Name:", field_row(self.label_edit, self.label_error, self))
        self.body.addLayout(form)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName(f"{NAME}.cancel_button")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Rename", self)
        self.save_button.setObjectName(f"{NAME}.save_button")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.rename)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.body.addLayout(buttons)
        self.finish_layout([self.label_edit, self.cancel_button])

    @async_action(trigger="save_button")
    async def rename(self) -> None:
        """Save the new label (the settings file is written off the UI thread)."""
        self.set_busy(True)
        try:
            await run_blocking(self._wallet.rename, self._address, self.label_edit.text())
        except ValidationError as error:
            self.label_error.show_message(error.message)
            return
        finally:
            self.set_busy(False)
        self.renamed.emit(self._address)
        self.accept()
