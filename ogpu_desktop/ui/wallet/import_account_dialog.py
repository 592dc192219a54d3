"""Imports an account from a pasted hex private key or an encrypted keystore file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.accounts import Account, KeychainUnavailableError, Wallet
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.wallet.dialog_base import (
    WalletDialog,
    field_row,
    line_edit,
    password_edit,
    plain_label,
    push_button,
)
from ogpu_desktop.ui.wallet.field_error import FieldError
from ogpu_desktop.ui.wallet.new_account_dialog import SESSION_NOTE

NAME = "wallet.import_dialog"
HEX_TAB, KEYSTORE_TAB = 0, 1


class ImportAccountDialog(WalletDialog):
    """Two ways in: a hex key (masked, with a Show toggle) or a keystore file and its password.

    Keystore decryption (scrypt, about a second) runs in an executor while the dialog shows
    progress. Problems appear beside the field concerned and what was typed stays.

    Args:
        wallet: Where the account goes.
        parent: Parent widget.
        session_only: Import as a session-only account (no keychain).
    """

    account_imported = Signal(str)  # address
    keychain_failed = Signal(str)  # the plain message

    def __init__(
        self, wallet: Wallet, parent: QWidget | None = None, *, session_only: bool = False
    ) -> None:
        super().__init__(NAME, "Import an account", parent)
        self._wallet = wallet
        self._session_only = session_only
        if session_only:
            self.body.addWidget(plain_label(f"{NAME}.session_note", SESSION_NOTE, self))
        self.label_edit = line_edit(
            f"{NAME}.label_edit", "Account name", self, placeholder="Imported account"
        )
        self.label_error = FieldError(f"{NAME}.label_error", self)
        name_form = QFormLayout()
        name_form.addRow("Name:", field_row(self.label_edit, self.label_error, self))
        self.body.addLayout(name_form)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName(f"{NAME}.tabs")
        self.tabs.addTab(self._hex_tab(), "Private key")
        self.tabs.addTab(self._keystore_tab(), "Keystore file")
        self.body.addWidget(self.tabs)

        self.cancel_button, self.import_button, buttons = self.cancel_and_action(
            "Import", "import_button", self.import_account
        )
        self.body.addLayout(buttons)
        self.finish_layout([self.label_edit, self.tabs, self.cancel_button])
        self.finished.connect(self._forget_secrets)

    def _hex_tab(self) -> QWidget:
        tab = QWidget(self)
        self.hex_edit = password_edit(f"{NAME}.hex_edit", "Private key", tab)
        self.hex_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.hex_edit.setPlaceholderText("64 hexadecimal characters, with or without 0x")
        self.hex_error = FieldError(f"{NAME}.hex_error", tab)
        self.show_key_check = QCheckBox("Show", tab)
        self.show_key_check.setObjectName(f"{NAME}.show_key_check")
        self.show_key_check.setToolTip("Show the key as typed")
        self.show_key_check.toggled.connect(
            lambda shown: self.hex_edit.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        row = QHBoxLayout()
        row.addWidget(field_row(self.hex_edit, self.hex_error, tab), 1)
        row.addWidget(self.show_key_check, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(tab)
        column.addWidget(plain_label(
            f"{NAME}.hex_intro", "Paste the account's private key. It goes into the keychain "
            "and nowhere else.", tab,
        ))
        column.addLayout(row)
        column.addStretch(1)
        return tab

    def _keystore_tab(self) -> QWidget:
        tab = QWidget(self)
        self.file_edit = line_edit(
            f"{NAME}.file_edit", "Keystore file", tab,
            placeholder="A keystore JSON file (MetaMask, geth, OGPU Desktop)",
        )
        self.file_error = FieldError(f"{NAME}.file_error", tab)
        self.browse_button = push_button("Choose…", f"{NAME}.browse_button", tab, self._browse)
        self.password_edit = password_edit(f"{NAME}.password_edit", "Keystore password", tab)
        self.password_error = FieldError(f"{NAME}.password_error", tab)
        file_row = QHBoxLayout()
        file_row.addWidget(field_row(self.file_edit, self.file_error, tab), 1)
        file_row.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignTop)
        form = QFormLayout(tab)
        form.addRow("File:", file_row)
        form.addRow("Password:", field_row(self.password_edit, self.password_error, tab))
        return tab

    def _browse(self) -> None:
        chooser = QFileDialog(self, "Choose a keystore file", str(Path.home()))
        chooser.setObjectName(f"{NAME}.file_chooser")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.setNameFilters(["Keystore files (*.json)", "All files (*)"])
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(self.file_edit.setText)
        chooser.open()

    @async_action(trigger="import_button")
    async def import_account(self) -> None:
        """Import from the tab shown; the work runs in an executor."""
        for error in (self.label_error, self.hex_error, self.file_error, self.password_error):
            error.clear_message()
        label = self.label_edit.text()
        self.set_busy(True)
        try:
            account = await self._import(label)
        except ValidationError as error:
            self._show_field_error(error)
            return
        except KeychainUnavailableError as error:
            self.keychain_failed.emit(error.message)
            raise
        finally:
            self.set_busy(False)
        self.account_imported.emit(account.address)
        self.accept()

    async def _import(self, label: str) -> Account:
        if self.tabs.currentIndex() == HEX_TAB:
            return await self._wallet.import_private_key_async(
                self.hex_edit.text(), label, session_only=self._session_only
            )
        path_text = self.file_edit.text().strip()
        if not path_text:
            raise ValidationError("Choose the keystore file to import.", "keystore_file")
        if not self.password_edit.text():
            raise ValidationError("Type the password of the keystore file.", "password")
        return await self._wallet.import_keystore_async(
            Path(path_text).expanduser(), self.password_edit.text(), label,
            session_only=self._session_only,
        )

    def _show_field_error(self, error: ValidationError) -> None:
        target = {
            "private_key": self.hex_error,
            "keystore_file": self.file_error,
            "password": self.password_error,
            "label": self.label_error,
        }.get(error.field or "")
        if target is None:
            self.show_error(error.message)
        else:
            target.show_message(error.message)

    def _forget_secrets(self) -> None:
        self.hex_edit.clear()
        self.password_edit.clear()
