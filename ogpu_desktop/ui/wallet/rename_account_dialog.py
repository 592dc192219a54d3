"""Gives an account a new name."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QWidget

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.accounts import Account, Wallet, run_blocking
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.wallet.dialog_base import WalletDialog, field_row, line_edit
from ogpu_desktop.ui.wallet.field_error import FieldError

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
        self.label_edit = line_edit(f"{NAME}.label_edit", "Account name", self, text=account.label)
        self.label_edit.selectAll()
        self.label_error = FieldError(f"{NAME}.label_error", self)
        form = QFormLayout()
        form.addRow("Name:", field_row(self.label_edit, self.label_error, self))
        self.body.addLayout(form)
        self.cancel_button, self.save_button, buttons = self.cancel_and_action(
            "Rename", "save_button", self.rename
        )
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
