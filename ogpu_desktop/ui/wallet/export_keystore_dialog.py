"""Saves an account's key as an encrypted keystore file: password twice, then a file name."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QWidget,
)

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.accounts import MIN_EXPORT_PASSWORD_LENGTH, Account, Wallet
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

NAME = "wallet.export_dialog"


def suggested_file_name(account: Account) -> str:
    """A file name that says which account the keystore holds."""
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", account.label).strip("-")[:30] or "account"
    return f"ogpu-{label}-{account.address[2:10].lower()}.json"


class ExportKeystoreDialog(WalletDialog):
    """Encrypts the account's key with a new password and writes it to a file (mode 0600).

    Args:
        wallet: The wallet holding the account.
        account: The account to export.
        parent: Parent widget.
        intro: What the export is for, shown at the top.
    """

    exported = Signal(str)  # the file written

    def __init__(
        self, wallet: Wallet, account: Account, parent: QWidget | None = None, *, intro: str = ""
    ) -> None:
        super().__init__(NAME, f"Export {account.label}", parent)
        self._wallet = wallet
        self._address = account.address
        self.body.addWidget(plain_label(
            f"{NAME}.intro_label",
            intro or (
                f'Save the key of "{account.label}" ({account.address}) as a keystore file '
                "encrypted with a password. Keep the file and the password apart; with both, "
                "anyone can spend from this account."
            ),
            self,
        ))
        self.password_edit = password_edit(f"{NAME}.password_edit", "Password", self)
        self.password_edit.setPlaceholderText(f"At least {MIN_EXPORT_PASSWORD_LENGTH} characters")
        self.password_error = FieldError(f"{NAME}.password_error", self)
        self.repeat_edit = password_edit(f"{NAME}.repeat_edit", "Password again", self)
        self.repeat_error = FieldError(f"{NAME}.repeat_error", self)
        self.path_edit = line_edit(
            f"{NAME}.path_edit", "File", self, text=str(Path.home() / suggested_file_name(account))
        )
        self.path_error = FieldError(f"{NAME}.path_error", self)
        self.browse_button = push_button("Choose…", f"{NAME}.browse_button", self, self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(field_row(self.path_edit, self.path_error, self), 1)
        path_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("Password:", field_row(self.password_edit, self.password_error, self))
        form.addRow("Repeat it:", field_row(self.repeat_edit, self.repeat_error, self))
        form.addRow("File:", path_row)
        self.body.addLayout(form)

        self.cancel_button, self.export_button, buttons = self.cancel_and_action(
            "Export", "export_button", self.export
        )
        self.body.addLayout(buttons)
        self.finish_layout([
            self.password_edit, self.repeat_edit, self.path_edit, self.browse_button,
            self.cancel_button,
        ])
        self.finished.connect(self._forget_passwords)

    def _browse(self) -> None:
        chooser = QFileDialog(self, "Save the keystore file", self.path_edit.text())
        chooser.setObjectName(f"{NAME}.file_chooser")
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setNameFilter("Keystore files (*.json)")
        chooser.setDefaultSuffix("json")
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(self.path_edit.setText)
        chooser.open()

    def _read(self) -> tuple[str, Path] | None:
        password = self.password_edit.text()
        path_text = self.path_edit.text().strip()
        ok = True
        if len(password) < MIN_EXPORT_PASSWORD_LENGTH:
            self.password_error.show_message(
                f"Choose a password of at least {MIN_EXPORT_PASSWORD_LENGTH} characters."
            )
            ok = False
        elif self.repeat_edit.text() != password:
            self.repeat_error.show_message("The two passwords are not the same.")
            ok = False
        if not path_text:
            self.path_error.show_message("Choose where to save the file.")
            ok = False
        return (password, Path(path_text).expanduser()) if ok else None

    @async_action(trigger="export_button")
    async def export(self) -> None:
        """Check the fields, then encrypt and write the file off the UI thread."""
        read = self._read()
        if read is None:
            return
        password, path = read
        self.set_busy(True)
        try:
            written = await self._wallet.export_keystore_async(self._address, path, password)
        except ValidationError as error:
            target = self.password_error if error.field == "password" else self.path_error
            target.show_message(error.message)
            return
        finally:
            del password
            self.set_busy(False)
        self.exported.emit(str(written))
        self.accept()

    def _forget_passwords(self) -> None:
        self.password_edit.clear()
        self.repeat_edit.clear()
