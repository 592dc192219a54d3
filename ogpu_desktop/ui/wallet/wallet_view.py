"""The Wallet page's content once the wallet is open: accounts, their actions and balances."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.services.accounts import Account, NewAccount, Wallet, run_blocking
from ogpu_desktop.services.wallet_link import WalletChainLink
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.notice_banner import NoticeBanner
from ogpu_desktop.ui.wallet.account_list_widget import AccountListWidget, kind_text
from ogpu_desktop.ui.wallet.balances_panel import BalancesPanel
from ogpu_desktop.ui.wallet.dialog_base import plain_label
from ogpu_desktop.ui.wallet.export_keystore_dialog import ExportKeystoreDialog
from ogpu_desktop.ui.wallet.import_account_dialog import ImportAccountDialog
from ogpu_desktop.ui.wallet.keychain_banner import KeychainBanner
from ogpu_desktop.ui.wallet.new_account_dialog import NewAccountDialog
from ogpu_desktop.ui.wallet.remove_account_dialog import RemoveAccountDialog
from ogpu_desktop.ui.wallet.rename_account_dialog import RenameAccountDialog

NO_ACCOUNTS = "No account yet. Create a new one, or import one you already have."


def _button(name: str, text: str, tip: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button


class WalletView(QWidget):
    """Lists the wallet's accounts and acts on them; dialogs open with ``open()``.

    Args:
        wallet: The open wallet.
        parent: Parent widget (the Wallet page).
    """

    active_account_changed = Signal(str)  # address, "" for none
    accounts_changed = Signal()

    def __init__(self, wallet: Wallet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallet.view")
        self.wallet = wallet
        self.session_only = False
        self._known_active = wallet.active_address
        self.keychain_checked = False
        self.message_banner = NoticeBanner(self)
        self.message_banner.setObjectName("wallet.message_banner")
        self.keychain_banner = KeychainBanner(self)
        self.keychain_banner.session_only_chosen.connect(self.use_session_only)

        self.account_list = AccountListWidget(self)
        self.account_list.account_selected.connect(self._account_selected)
        self.empty_label = plain_label("wallet.empty_label", NO_ACCOUNTS, self)
        self.create_button = _button(
            "wallet.create_button", "Create…", "Create a new account with a fresh key", self
        )
        self.create_button.clicked.connect(self.create_account)
        self.import_button = _button(
            "wallet.import_button", "Import…",
            "Import an account from its private key or a keystore file", self,
        )
        self.import_button.clicked.connect(self.import_account)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.create_button)
        list_buttons.addWidget(self.import_button)
        list_buttons.addStretch(1)
        accounts = QWidget(self)
        accounts_column = QVBoxLayout(accounts)
        accounts_column.setContentsMargins(0, 0, 0, 0)
        accounts_column.addWidget(self.account_list, 1)
        accounts_column.addWidget(self.empty_label)
        accounts_column.addLayout(list_buttons)

        self.details = self._details_group()
        self.balances = BalancesPanel(self)
        lower = QWidget(self)
        lower_column = QVBoxLayout(lower)
        lower_column.setContentsMargins(0, 0, 0, 0)
        lower_column.addWidget(self.details)
        lower_column.addWidget(self.balances)
        lower_column.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("wallet.splitter")
        splitter.addWidget(accounts)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.message_banner)
        column.addWidget(self.keychain_banner)
        column.addWidget(splitter, 1)
        self.refresh_accounts()

    def _details_group(self) -> QGroupBox:
        group = QGroupBox("Account", self)
        group.setObjectName("wallet.details_group")
        self.name_label = plain_label("wallet.name_label", "", group)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.address_label = plain_label("wallet.address_label", "", group)
        self.address_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_address_button = _button(
            "wallet.copy_address_button", "Copy address", "Copy the address to the clipboard",
            group,
        )
        self.copy_address_button.clicked.connect(self.copy_address)
        self.kind_label = plain_label("wallet.kind_label", "", group)
        self.set_active_button = _button(
            "wallet.set_active_button", "Use for signing", "Sign new tasks with this account",
            group,
        )
        self.set_active_button.clicked.connect(self.set_active)
        self.backup_button = _button(
            "wallet.backup_button", "Back up key…",
            "Show the key of this new account for its backup", group,
        )
        self.backup_button.clicked.connect(self.back_up)
        self.rename_button = _button("wallet.rename_button", "Rename…", "Rename the account", group)
        self.rename_button.clicked.connect(self.rename_account)
        self.export_button = _button(
            "wallet.export_button", "Export…", "Save the key as an encrypted keystore file", group
        )
        self.export_button.clicked.connect(self.export_account)
        self.remove_button = _button(
            "wallet.remove_button", "Remove…", "Delete the account's key from this computer",
            group,
        )
        self.remove_button.clicked.connect(self.remove_account)
        address_row = QHBoxLayout()
        address_row.addWidget(self.address_label, 1)
        address_row.addWidget(self.copy_address_button)
        actions = QHBoxLayout()
        for button in (
            self.set_active_button, self.backup_button, self.rename_button, self.export_button,
            self.remove_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        column = QVBoxLayout(group)
        column.addWidget(self.name_label)
        column.addLayout(address_row)
        column.addWidget(self.kind_label)
        column.addLayout(actions)
        return group

    # --- showing -------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Show an error at the top of the page (the page's handlers report here)."""
        self.message_banner.show_error(message)

    def selected_account(self) -> Account | None:
        """The account selected in the list, if any."""
        address = self.account_list.selected_address()
        return None if address is None else self.wallet.account(address)

    def refresh_accounts(self) -> None:
        """List the wallet's accounts again."""
        accounts = self.wallet.accounts()
        self.account_list.show_accounts(accounts, self.wallet.active_address)
        self.account_list.setVisible(bool(accounts))
        self.empty_label.setVisible(not accounts)
        self._account_selected(self.account_list.selected_address() or "")
        active = self.wallet.active_address
        if active != self._known_active:
            self._known_active = active
            self.active_account_changed.emit(active or "")

    def _account_selected(self, address: str) -> None:
        account = self.wallet.account(address) if address else None
        self.details.setVisible(account is not None)
        self.balances.set_account(None if account is None else account.address)
        if account is None:
            return
        active = account.address == self.wallet.active_address
        self.name_label.setText(account.label + ("  ● active" if active else ""))
        self.address_label.setText(account.address)
        self.kind_label.setText("Key kept in: " + kind_text(account))
        self.set_active_button.setEnabled(not active)
        self.backup_button.setVisible(not account.backup_confirmed)

    def set_chain_link(self, link: WalletChainLink | None) -> None:
        """Show balances and offer vault actions on ``link``'s network (``None``: not connected)."""
        self.balances.set_link(link)

    def show_keychain_problem(self, message: str) -> None:
        """Say why the keychain cannot be used and offer a session-only account."""
        if not self.session_only:
            self.keychain_banner.show_problem(message)

    def use_session_only(self) -> None:
        """From now on, create and import session-only accounts."""
        self.session_only = True
        self.keychain_banner.show_session_mode()

    # --- actions -------------------------------------------------------------------------

    @async_action()
    async def check_keychain(self) -> None:
        """Ask (without a prompt, off the UI thread) whether the keychain can be used."""
        problem = await run_blocking(self.wallet.keychain_problem)
        if problem is not None and shiboken6.isValid(self.keychain_banner):
            self.show_keychain_problem(problem.message)
        self.keychain_checked = True

    def copy_address(self) -> None:
        """Copy the selected account's address."""
        account = self.selected_account()
        if account is not None:
            QGuiApplication.clipboard().setText(account.address)
            self.balances.status_label.setText(f"Address of {account.label} copied.")

    def create_account(self) -> None:
        """Open the new-account dialog."""
        self._open_new_account(NewAccountDialog(self.wallet, self, session_only=self.session_only))

    def back_up(self) -> None:
        """Show the key of an account whose backup was not confirmed yet."""
        account = self.selected_account()
        if account is not None and not account.backup_confirmed:
            self._open_new_account(NewAccountDialog(
                self.wallet, self, pending=NewAccount(account, self.wallet)
            ))

    def _open_new_account(self, dialog: NewAccountDialog) -> None:
        dialog.account_created.connect(self._account_added)
        dialog.backup_confirmed.connect(lambda _address: self.refresh_accounts())
        dialog.keychain_failed.connect(self.show_keychain_problem)
        dialog.open()

    def import_account(self) -> None:
        """Open the import dialog."""
        dialog = ImportAccountDialog(self.wallet, self, session_only=self.session_only)
        dialog.account_imported.connect(self._account_added)
        dialog.keychain_failed.connect(self.show_keychain_problem)
        dialog.open()

    def _account_added(self, address: str) -> None:
        self.refresh_accounts()
        self.account_list.select_address(address)
        self.accounts_changed.emit()
        if self.wallet.active_address is None:
            self.set_active()

    def rename_account(self) -> None:
        """Open the rename dialog for the selected account."""
        account = self.selected_account()
        if account is not None:
            dialog = RenameAccountDialog(self.wallet, account, self)
            dialog.renamed.connect(lambda _address: self._accounts_edited())
            dialog.open()

    def export_account(self) -> None:
        """Open the export dialog for the selected account."""
        account = self.selected_account()
        if account is not None:
            dialog = ExportKeystoreDialog(self.wallet, account, self)
            dialog.exported.connect(
                lambda path: self.balances.status_label.setText(f"Keystore saved to {path}.")
            )
            dialog.open()

    def remove_account(self) -> None:
        """Open the removal dialog (it offers the export first) for the selected account."""
        account = self.selected_account()
        if account is not None:
            dialog = RemoveAccountDialog(self.wallet, account, self)
            dialog.removed.connect(self._account_removed)
            dialog.open()

    def _account_removed(self, address: str) -> None:
        self._accounts_edited()
        self.message_banner.show_info(f"The account {address} was removed.")

    def _accounts_edited(self) -> None:
        self.refresh_accounts()
        self.accounts_changed.emit()

    @async_action(trigger="set_active_button")
    async def set_active(self) -> None:
        """Sign new tasks with the selected account."""
        account = self.selected_account()
        if account is None:
            return
        await run_blocking(self.wallet.set_active, account.address)
        if shiboken6.isValid(self.account_list):  # the page may have closed meanwhile
            self.refresh_accounts()
