"""Creates an account and shows its key once, until the user confirms keeping a backup."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.accounts import (
    KeychainUnavailableError,
    NewAccount,
    Wallet,
    run_blocking,
)
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.wallet.dialog_base import (
    WalletDialog,
    field_row,
    line_edit,
    plain_label,
    push_button,
)
from ogpu_desktop.ui.wallet.export_keystore_dialog import ExportKeystoreDialog
from ogpu_desktop.ui.wallet.field_error import FieldError
from ogpu_desktop.ui.wallet.secret_clipboard import secret_clipboard

NAME = "wallet.new_account_dialog"
KEY_WARNING = (
    "This is the private key of your new account, shown only now. Write it down or keep it in "
    "a password manager, or save an encrypted backup file. Anyone who has it can spend from "
    "this account; without it, nobody (not even OGPU Desktop) can restore the account if this "
    "computer is lost. Never share it."
)
SESSION_NOTE = (
    "Session-only: this account is kept in memory and forgotten when the app quits. Keep a "
    "backup to use it again."
)
CONFIRM_FIRST = "Tick “I have kept a backup of this key” first; the key is not shown again."


class NewAccountDialog(WalletDialog):
    """Step 1 names and creates the account; step 2 shows its key for the backup.

    The key is read from the key store only to fill one read-only field; the field is cleared
    when the dialog closes and the dialog deletes itself. It is never put in a signal.

    Args:
        wallet: Where the account is created.
        parent: Parent widget.
        session_only: Create a session-only account (no keychain).
        pending: An account created earlier whose backup was not confirmed: go to step 2.
    """

    account_created = Signal(str)  # address
    backup_confirmed = Signal(str)  # address
    keychain_failed = Signal(str)  # the plain message

    def __init__(
        self,
        wallet: Wallet,
        parent: QWidget | None = None,
        *,
        session_only: bool = False,
        pending: NewAccount | None = None,
    ) -> None:
        super().__init__(NAME, "New account", parent)
        self._wallet = wallet
        self._session_only = session_only
        self._new: NewAccount | None = pending
        self._confirmed = False
        self.name_step = self._name_step()
        self.backup_step = self._backup_step()
        self.backup_step.hide()
        self.body.addWidget(self.name_step)
        self.body.addWidget(self.backup_step)
        self.finish_layout([self.label_edit, self.cancel_button, self.backup_button])
        self.finished.connect(self._forget_key)
        if pending is not None:
            self._show_backup_step()

    def _name_step(self) -> QWidget:
        step = QWidget(self)
        self.label_edit = line_edit(
            f"{NAME}.label_edit", "Account name", step, placeholder="Main account"
        )
        self.label_error = FieldError(f"{NAME}.label_error", step)
        self.cancel_button, self.create_button, buttons = self.cancel_and_action(
            "Create account", "create_button", self.create_account, step
        )
        form = QFormLayout()
        form.addRow("Name:", field_row(self.label_edit, self.label_error, step))
        column = QVBoxLayout(step)
        column.addWidget(plain_label(
            f"{NAME}.intro_label",
            "A new account gets a fresh random key, kept in your system keychain."
            if not self._session_only else SESSION_NOTE,
            step,
        ))
        column.addLayout(form)
        column.addStretch(1)
        column.addLayout(buttons)
        return step

    def _backup_step(self) -> QWidget:
        step = QWidget(self)
        self.address_label = plain_label(f"{NAME}.address_label", "", step)
        warning = plain_label(f"{NAME}.warning_label", KEY_WARNING, step)
        warning.setStyleSheet("font-weight: bold;")
        self.key_field = line_edit(f"{NAME}.key_field", "Private key", step)
        self.key_field.setReadOnly(True)
        self.key_field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Wide enough for the whole key ("0x" and 64 digits) at once.
        self.key_field.setMinimumWidth(self.key_field.fontMetrics().horizontalAdvance("0" * 68))
        self.copy_key_button = push_button(
            "Copy key", f"{NAME}.copy_key_button", step, self._copy_key
        )
        self.copy_key_button.setToolTip(
            "Copy the key; the clipboard is cleared after a minute if it still holds it"
        )
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_field, 1)
        key_row.addWidget(self.copy_key_button)
        self.backup_button = push_button(
            "Save encrypted backup…", f"{NAME}.backup_button", step, self._save_backup
        )
        self.backup_note = plain_label(f"{NAME}.backup_note", "", step)
        self.confirm_check = QCheckBox("I have kept a backup of this key", step)
        self.confirm_check.setObjectName(f"{NAME}.confirm_check")
        self.done_button = push_button("Done", f"{NAME}.done_button", step, self.confirm)
        self.done_button.setEnabled(False)
        self.confirm_check.toggled.connect(self.done_button.setEnabled)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_check, 1)
        buttons.addWidget(self.done_button)
        column = QVBoxLayout(step)
        column.addWidget(self.address_label)
        column.addWidget(warning)
        column.addLayout(key_row)
        column.addWidget(self.backup_button)
        column.addWidget(self.backup_note)
        column.addStretch(1)
        column.addLayout(buttons)
        return step

    @property
    def new_account(self) -> NewAccount | None:
        """The account created (or given), once there is one."""
        return self._new

    @async_action(trigger="create_button")
    async def create_account(self) -> None:
        """Create the account in the key store, then show its key."""
        self.set_busy(True)
        try:
            self._new = await self._wallet.create_account_async(
                self.label_edit.text(), session_only=self._session_only
            )
        except ValidationError as error:
            self.label_error.show_message(error.message)
            return
        except KeychainUnavailableError as error:
            self.keychain_failed.emit(error.message)
            raise
        finally:
            self.set_busy(False)
        self.account_created.emit(self._new.address)
        await self._reveal()

    async def _reveal(self) -> None:
        assert self._new is not None
        self._show_backup_step()
        key = await self._new.reveal_key_async()
        self.key_field.setText(key)
        del key

    def _show_backup_step(self) -> None:
        assert self._new is not None
        account = self._new.account
        kind = "session-only" if account.is_session_only else "kept in your keychain"
        self.address_label.setText(f"{account.label}: {account.address} ({kind})")
        self.setWindowTitle(f"Back up {account.label}")
        self.name_step.hide()
        self.backup_step.show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Reveal the key of a pending account once the dialog is on screen."""
        super().showEvent(event)
        if self.backup_step.isVisibleTo(self) and not self.key_field.text() and not self._confirmed:
            self.reveal_pending()

    @async_action(trigger="copy_key_button")
    async def reveal_pending(self) -> None:
        """Read the key of an account created earlier and show it."""
        await self._reveal()

    def _copy_key(self) -> None:
        if self.key_field.text():
            secret_clipboard().copy(self.key_field.text())
            seconds = secret_clipboard().clear_after_ms // 1000
            self.backup_note.setText(
                f"Key copied. The clipboard is cleared in {seconds} seconds if it still holds it."
            )

    def _save_backup(self) -> None:
        assert self._new is not None
        dialog = ExportKeystoreDialog(
            self._wallet, self._new.account, self,
            intro="Save an encrypted backup of the new key. You need the file and its password "
            "to import the account again.",
        )
        dialog.exported.connect(
            lambda path: self.backup_note.setText(f"Encrypted backup saved to {path}.")
        )
        dialog.open()

    @async_action(trigger="done_button")
    async def confirm(self) -> None:
        """Record the confirmed backup and close; the key is not shown again."""
        if self._new is None or not self.confirm_check.isChecked():
            self.show_error(CONFIRM_FIRST)
            return
        self.set_busy(True)
        try:
            await run_blocking(self._new.confirm_backup)
        finally:
            self.set_busy(False)
        self._confirmed = True
        self.backup_confirmed.emit(self._new.address)
        self.accept()

    def reject(self) -> None:
        """Stay open while the key is shown and no backup was confirmed."""
        if self.backup_step.isVisibleTo(self) and not self._confirmed:
            self.show_error(CONFIRM_FIRST)
            return
        super().reject()

    def _forget_key(self) -> None:
        self.key_field.clear()
        self.key_field.setText("")
