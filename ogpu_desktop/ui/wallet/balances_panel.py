"""Wallet and vault balances of the selected account, deposit and withdraw, and the faucet."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import parse_amount, short_amount
from ogpu_desktop.errors import UserFacingError, ValidationError
from ogpu_desktop.services.wallet_link import VaultTransfer, WalletChainLink
from ogpu_desktop.ui.amount_label import AmountLabel
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import review_transaction
from ogpu_desktop.ui.wallet.dialog_base import field_row, line_edit, plain_label, push_button
from ogpu_desktop.ui.wallet.field_error import FieldError

_log = logging.getLogger(__name__)

NOT_CONNECTED = "Not connected"
NO_ACCOUNT = "Choose an account to see its balances."
BLANK = "—"


class BalancesPanel(QGroupBox):
    """Shows real balances only: "Not connected" until the app wiring provides a network."""

    funds_moved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Balances", parent)
        self.setObjectName("wallet.balances_group")
        self._link: WalletChainLink | None = None
        self._address: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._reread_due = False
        self._quiet_read: asyncio.Future[None] | None = None
        self._read_again = False
        self.network_label = plain_label("wallet.network_label", NOT_CONNECTED, self)
        self.wallet_balance_label = self._value_label("wallet.wallet_balance_label")
        self.vault_available_label = self._value_label("wallet.vault_available_label")
        self.escrowed_label = self._value_label("wallet.escrowed_label")
        self.refresh_button = push_button(
            "Refresh", "wallet.refresh_balances_button", self, self.refresh
        )
        self.refresh_button.setToolTip("Read the balances from the network again")
        self.faucet_button = push_button(
            "Get test tokens", "wallet.faucet_button", self, self.request_test_tokens
        )
        self.faucet_button.setToolTip("Ask the Sandbox faucet for free test tokens")

        self.status_label = plain_label("wallet.balances_status_label", "", self)

        figures = QFormLayout()
        for title, label, tip in (
            ("In the wallet:", self.wallet_balance_label,
             "Your account's own balance; network fees are paid from it."),
            ("Ready to pay tasks:", self.vault_available_label,
             "Set aside in your vault: each new task's payment is taken from here. Withdraw "
             "it back to the wallet any time."),
            ("Held by running tasks:", self.escrowed_label,
             "Payments of tasks still running, held by the network (in escrow) until the task "
             "ends; what no provider earns comes back."),
        ):
            row_label = QLabel(title, self)
            row_label.setToolTip(tip)
            row_label.setBuddy(label)
            figures.addRow(row_label, label)
        top = QHBoxLayout()
        top.addWidget(self.network_label, 1)
        top.addWidget(self.faucet_button)
        top.addWidget(self.refresh_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addLayout(figures)
        column.addLayout(self._transfer_row())
        column.addWidget(self.status_label)
        self._update_controls()

    def _transfer_row(self) -> QHBoxLayout:
        self.amount_edit = line_edit(
            "wallet.amount_edit", "Amount", self, placeholder="Amount, such as 1.5"
        )
        self.amount_edit.setToolTip(
            "Amount in whole tokens to deposit into or withdraw from the vault"
        )
        self.amount_error = FieldError("wallet.amount_error", self)
        self.deposit_button = push_button("Deposit", "wallet.deposit_button", self, self.deposit)
        self.deposit_button.setToolTip(
            "Move the amount from the wallet into the vault, where tasks are paid from")
        self.withdraw_button = push_button(
            "Withdraw", "wallet.withdraw_button", self, self.withdraw
        )
        self.withdraw_button.setToolTip("Move the amount from the vault back to the wallet")
        transfer = QHBoxLayout()
        self.amount_edit.setMinimumWidth(200)
        transfer.addWidget(field_row(self.amount_edit, self.amount_error, self), 1)
        transfer.addWidget(self.deposit_button, 0, Qt.AlignmentFlag.AlignTop)
        transfer.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignTop)
        transfer.addStretch(1)
        return transfer

    def _value_label(self, name: str) -> AmountLabel:
        label = AmountLabel(self)
        label.setObjectName(name)
        label.setText(BLANK)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setAccessibleName(name.rsplit(".", 1)[-1].replace("_label", "").replace("_", " "))
        return label

    # --- state ---------------------------------------------------------------------------

    @property
    def link(self) -> WalletChainLink | None:
        """The network connection in use, if any."""
        return self._link

    def set_link(self, link: WalletChainLink | None) -> None:
        """Use ``link`` for balances and actions (``None``: not connected)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._link = link
        if link is not None and link.balance_changes is not None:
            self._unsubscribe = link.balance_changes(self._balance_changed)
        self.status_label.clear()
        self._update_controls()
        self._reload()

    def set_account(self, address: str | None) -> None:
        """Show the balances of ``address``."""
        if address != self._address:
            self._address = address
            self.status_label.clear()
            self.amount_error.clear_message()
            self._update_controls()
            self._reload()

    def _update_controls(self) -> None:
        link, address = self._link, self._address
        usable = link is not None and address is not None
        self.network_label.setText(
            NOT_CONNECTED if link is None else f"Network: {link.network_name}"
        )
        self.faucet_button.setVisible(link is not None and link.faucet is not None)
        for widget in (
            self.refresh_button, self.faucet_button, self.amount_edit, self.deposit_button,
            self.withdraw_button,
        ):
            widget.setEnabled(usable)
        if link is None:
            self._show_figures(None)
        elif address is None:
            self._show_figures(None)
            self.status_label.setText(NO_ACCOUNT)

    def _show_figures(self, values: tuple[int, int, int] | None) -> None:
        labels = (self.wallet_balance_label, self.vault_available_label, self.escrowed_label)
        if values is None:
            text = NOT_CONNECTED if self._link is None else BLANK
            for label in labels:
                label.clear_amount(text)
            return
        symbol = self._link.symbol if self._link is not None else None
        for label, wei in zip(labels, values, strict=True):
            label.set_amount(wei, symbol)  # a balance: rounded down, exact in the tooltip

    def _balance_changed(self, account: str) -> None:
        """A send of ``account`` settled: read its balances again if it is the one shown."""
        if self._address is None or account.lower() != self._address.lower():
            return
        if not self._reread_due:
            # Several sends may settle at once (a batch): read the balances once for them.
            self._reread_due = True
            QTimer.singleShot(0, self, self._reread)

    @async_action()
    async def _reread(self) -> None:
        # Quietly: the status line keeps what the panel's own action said ("Deposited …").
        self._reread_due = False
        await self._read_balances()

    def _reload(self) -> None:
        if self._link is not None and self._address is not None:
            self._show_figures(None)
            self.refresh()

    # --- actions -------------------------------------------------------------------------

    @contextmanager
    def _status(self, text: str) -> Iterator[None]:
        """Show ``text`` while the block runs; clear it if the block fails."""
        self.status_label.setText(text)
        try:
            yield
        except BaseException:
            self.status_label.clear()
            raise

    @async_action(trigger="refresh_button")
    async def refresh(self) -> None:
        """Read the balances of the account shown."""
        with self._status("Reading the balances…"):
            await self._read_balances()
        self.status_label.clear()

    def balances_changed(self) -> None:
        """Read the balances again in the background: a block or a transaction moved them.

        Quiet: no status text and no error banner (a failed read leaves the last figures and
        the next block tries again); reads never overlap, and one that is asked for while
        another runs follows it, so the last change is always shown.
        """
        if self._link is None or self._address is None:
            return
        if self._quiet_read is not None and not self._quiet_read.done():
            self._read_again = True
            return
        self._read_again = False
        self._quiet_read = asyncio.ensure_future(self._read_quietly())

    async def _read_quietly(self) -> None:
        try:
            await self._read_balances()
        except UserFacingError as error:
            _log.info("background balance read failed: %s", error.message)
        except Exception:
            _log.warning("background balance read failed", exc_info=True)
        if self._read_again:
            self._read_again = False
            self._quiet_read = asyncio.ensure_future(self._read_quietly())

    async def _read_balances(self) -> None:
        link, address = self._link, self._address
        if link is None or address is None:
            return
        balances = await link.balances(address)
        if not shiboken6.isValid(self):
            return  # the page closed while the balances were read (a background re-read)
        if (link, address) != (self._link, self._address):
            return  # the account or network changed meanwhile: this answer is stale
        self._show_figures((balances.wallet, balances.vault_available, balances.escrowed))

    @async_action(trigger="faucet_button")
    async def request_test_tokens(self) -> None:
        """Ask the Sandbox faucet for test tokens for the account shown."""
        link, address = self._link, self._address
        if link is None or link.faucet is None or address is None:
            return
        with self._status("Asking the Sandbox faucet for test tokens…"):
            tx_hash = await link.faucet(address)
        self.status_label.setText(f"Test tokens sent (transaction {tx_hash}).")
        self.funds_moved.emit()
        await self._read_balances()

    @async_action(trigger="deposit_button")
    async def deposit(self) -> None:
        """Move the amount typed from the wallet into the vault, once its fee is confirmed."""
        if self._link is not None:
            await self._transfer(self._link.plan_deposit, "Deposited {} into the vault.",
                                 self.withdraw_button)

    @async_action(trigger="withdraw_button")
    async def withdraw(self) -> None:
        """Move the amount typed from the vault back to the wallet, once its fee is confirmed."""
        if self._link is not None:
            await self._transfer(self._link.plan_withdraw, "Withdrew {} from the vault.",
                                 self.deposit_button)

    async def _transfer(self, planner: VaultTransfer, done: str, other: QWidget) -> None:
        link, address = self._link, self._address
        if link is None or address is None:
            return
        self.amount_error.clear_message()
        try:
            wei = parse_amount(self.amount_edit.text(), symbol=link.symbol, field="amount")
        except ValidationError as error:
            self.amount_error.show_message(error.message)
            return
        other.setEnabled(False)
        try:
            try:
                with self._status("Working out the network fee…"):
                    plan = await planner(address, wei)
            except ValidationError as error:
                # Too little in the wallet or the vault is said beside the amount, with numbers.
                if error.field != "amount":
                    raise
                self.amount_error.show_message(error.message)
                return
            self.status_label.setText("Check the fee and the total, then sign.")
            if not await review_transaction(plan, self):
                self.status_label.setText("Nothing was sent.")
                return
            try:
                with self._status("Sending the transaction…"):
                    await link.send(plan)
            except ValidationError as error:
                if error.field != "amount":  # the wallet ran short while the dialog was open
                    raise
                self.amount_error.show_message(error.message)
                return
        finally:
            other.setEnabled(self._link is not None and self._address is not None)
        self.amount_edit.clear()
        self.status_label.setText(done.format(short_amount(wei, link.symbol)))
        self.funds_moved.emit()
        await self._read_balances()
