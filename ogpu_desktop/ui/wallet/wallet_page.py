"""The Wallet page: a light shell that shows the accounts once the app has opened the wallet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ogpu_desktop.services.wallet_link import WalletChainLink

if TYPE_CHECKING:
    from ogpu_desktop.services.accounts import Wallet
    from ogpu_desktop.ui.wallet.wallet_view import WalletView

LOADING_TEXT = "The wallet opens once the window has loaded."


class WalletPage(QWidget):
    """Holds the wallet view, built by :meth:`set_wallet` after the first paint.

    The view pulls in eth-account and qasync, which must not load before the window paints;
    this shell only needs Qt. The app wiring calls :meth:`set_wallet` and, when a network is
    connected, :meth:`set_chain_link`.

    Args:
        parent: Parent widget.
    """

    active_account_changed = Signal(str)  # address, "" for none
    accounts_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("walletPage")
        self._view: WalletView | None = None
        self._link: WalletChainLink | None = None
        heading = QLabel("Wallet", self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.loading_label = QLabel(LOADING_TEXT, self)
        self.loading_label.setObjectName("wallet.loading_label")
        self.loading_label.setTextFormat(Qt.TextFormat.PlainText)
        self.loading_label.setWordWrap(True)
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.loading_label)
        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addWidget(self.stack, 1)

    @property
    def view(self) -> WalletView | None:
        """The wallet view, once :meth:`set_wallet` was called."""
        return self._view

    def set_wallet(self, wallet: Wallet) -> WalletView:
        """Show ``wallet``'s accounts (replacing any wallet shown before) and return the view."""
        # Imported here: the view needs eth-account and qasync, loaded after the first paint.
        from ogpu_desktop.ui.wallet.wallet_view import WalletView  # noqa: PLC0415

        if self._view is not None:
            self.stack.removeWidget(self._view)
            self._view.deleteLater()
        view = WalletView(wallet, self)
        view.active_account_changed.connect(self.active_account_changed)
        view.accounts_changed.connect(self.accounts_changed)
        view.set_chain_link(self._link)
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self._view = view
        view.check_keychain()
        return view

    def set_chain_link(self, link: WalletChainLink | None) -> None:
        """Show balances on ``link``'s network (``None`` when not connected)."""
        self._link = link
        if self._view is not None:
            self._view.set_chain_link(link)

    def balances_changed(self) -> None:
        """A block or a transaction moved money: read the balances shown again, quietly."""
        if self._view is not None:
            self._view.balances.balances_changed()
