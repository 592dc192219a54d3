"""Removes an account after offering to export its key and asking for a confirmation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QWidget

from ogpu_desktop.services.accounts import Account, Wallet
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.wallet.dialog_base import WalletDialog, plain_label, push_button
from ogpu_desktop.ui.wallet.export_keystore_dialog import ExportKeystoreDialog

NAME = "wallet.remove_dialog"


def removal_text(account: Account) -> str:
    """What removing ``account`` means, naming it."""
    where = "from memory" if account.is_session_only else "from this computer's keychain"
    return (
        f'Remove "{account.label}" ({account.address})? Its private key is deleted {where}. '
        "Without a backup of the key, this account and everything it holds are lost for good. "
        "Export an encrypted backup first unless you already have one."
    )


class RemoveAccountDialog(WalletDialog):
    """Offers the export first; Remove is enabled only once the user ticks the confirmation.

    Args:
        wallet: The wallet holding the account.
        account: The account to remove.
        parent: Parent widget.
    """

    removed = Signal(str)  # address
    exported = Signal(str)  # the file written

    def __init__(self, wallet: Wallet, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(NAME, f"Remove {account.label}", parent)
        self._wallet = wallet
        self._account = account
        self.message_label = plain_label(f"{NAME}.message_label", removal_text(account), self)
        self.body.addWidget(self.message_label)
        self.export_button = push_button(
            "Export an encrypted backup…", f"{NAME}.export_button", self, self._export
        )
        self.export_button.setDefault(True)
        self.export_note = plain_label(f"{NAME}.export_note", "", self)
        self.body.addWidget(self.export_button)
        self.body.addWidget(self.export_note)
        self.confirm_check = QCheckBox(
            f'I have a backup or no longer need it: remove "{account.label}"', self
        )
        self.confirm_check.setObjectName(f"{NAME}.confirm_check")
        self.body.addWidget(self.confirm_check)
        self.cancel_button, self.remove_button, buttons = self.cancel_and_action(
            "Remove account", "remove_button", self.remove, default=False
        )
        self.remove_button.setEnabled(False)
        self.confirm_check.toggled.connect(self.remove_button.setEnabled)
        self.body.addLayout(buttons)
        self.finish_layout([self.export_button, self.confirm_check, self.cancel_button])

    def _export(self) -> None:
        dialog = ExportKeystoreDialog(self._wallet, self._account, self)
        dialog.exported.connect(self._was_exported)
        dialog.open()

    def _was_exported(self, path: str) -> None:
        self.export_note.setText(f"Backup saved to {path}.")
        self.exported.emit(path)

    @async_action(trigger="remove_button")
    async def remove(self) -> None:
        """Delete the account and its key (this dialog is the export offer)."""
        if not self.confirm_check.isChecked():
            self.show_error("Tick the confirmation first.")
            return
        self.set_busy(True)
        try:
            await self._wallet.remove_async(
                self._account.address, confirmed=True, export_offered=True
            )
        finally:
            self.set_busy(False)
        self.removed.emit(self._account.address)
        self.accept()
