"""The accounts as a list: name, address, where the key is kept, and which one is active."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ogpu_desktop.services.accounts import Account

ACTIVE_MARK = "●"
COLUMNS = ("Active", "Name", "Address", "Key kept in")
ADDRESS_ROLE = Qt.ItemDataRole.UserRole


def kind_text(account: Account) -> str:
    """Where the account's key is kept, in words."""
    text = "Session only (forgotten when the app quits)" if account.is_session_only else "Keychain"
    if not account.backup_confirmed:
        text += " · backup not confirmed"
    return text


class AccountListWidget(QTreeWidget):
    """One row per account; emits the address of the row chosen."""

    account_selected = Signal(str)  # address, "" for none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallet.account_list")
        self.setAccessibleName("Accounts")
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHeaderLabels(list(COLUMNS))
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.itemSelectionChanged.connect(self._selection_changed)

    def show_accounts(self, accounts: tuple[Account, ...], active: str | None) -> None:
        """List ``accounts``, marking ``active``; keeps the selection when it still exists."""
        selected = self.selected_address()
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.blockSignals(True)
        self.clear()
        for account in accounts:
            is_active = account.address == active
            item = QTreeWidgetItem([
                ACTIVE_MARK if is_active else "", account.label, account.address,
                kind_text(account),
            ])
            item.setData(0, ADDRESS_ROLE, account.address)
            item.setFont(2, fixed)
            item.setToolTip(0, "Signs your tasks" if is_active else "")
            if is_active:
                font = item.font(1)
                font.setBold(True)
                item.setFont(1, font)
            self.addTopLevelItem(item)
        self.blockSignals(False)
        wanted = selected or active
        rows = self._rows()
        match = next((r for r in rows if r.data(0, ADDRESS_ROLE) == wanted), None)
        if match is None and rows:
            match = rows[0]
        if match is not None:
            self.setCurrentItem(match)
        self._selection_changed()

    def selected_address(self) -> str | None:
        """The address of the selected row, if any."""
        items = self.selectedItems()
        return str(items[0].data(0, ADDRESS_ROLE)) if items else None

    def select_address(self, address: str) -> None:
        """Select the row of ``address``."""
        for item in self._rows():
            if item.data(0, ADDRESS_ROLE) == address:
                self.setCurrentItem(item)
                return

    def _rows(self) -> list[QTreeWidgetItem]:
        rows = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [row for row in rows if row is not None]

    def _selection_changed(self) -> None:
        self.account_selected.emit(self.selected_address() or "")
