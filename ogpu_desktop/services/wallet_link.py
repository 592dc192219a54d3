"""What the Wallet page needs from a connected network; the app wiring plugs the services in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the page is built before the first paint; the chain libraries load after
    from ogpu_desktop.services.tx_plans import TxPlan


class BalancesLike(Protocol):
    """Where an account's money is, in wei (``services.actions.Balances`` has this shape)."""

    @property
    def wallet(self) -> int:
        """Native balance of the account."""

    @property
    def vault_available(self) -> int:
        """Vault balance that new tasks can use and that can be withdrawn."""

    @property
    def escrowed(self) -> int:
        """Vault balance held for published tasks not yet settled."""


BalancesReader = Callable[[str], Awaitable[BalancesLike]]
"""Reads the balances of an address."""

VaultTransfer = Callable[[str, int], Awaitable["TxPlan"]]
"""Plans a deposit into, or a withdrawal from, the vault: (account address, amount in wei).

The plan says the transaction's fee and total; nothing is signed until it is sent.
"""

PlanSender = Callable[["TxPlan"], Awaitable[Any]]
"""Signs and sends a plan the user confirmed; returns once it is mined."""

FaucetRequest = Callable[[str], Awaitable[str]]
"""Asks the Sandbox faucet for test tokens for an address; returns the transaction hash."""

BalanceChanges = Callable[[Callable[[str], None]], Callable[[], None]]
"""Subscribes to the accounts whose balances moved (a send settled); returns the unsubscribe."""


@dataclass(frozen=True)
class WalletChainLink:
    """The network the Wallet page shows balances of, and the actions it can take there.

    Attributes:
        network_name: Shown above the balances ("Sandbox (this computer)").
        symbol: The network's token symbol, for amounts typed and shown.
        balances: Reads the balances of an account.
        plan_deposit: Plans moving an amount from the account into its vault balance.
        plan_withdraw: Plans moving an amount of the available vault balance back.
        send: Signs and sends a confirmed plan.
        faucet: Test tokens (the Sandbox only); ``None`` hides the button.
        balance_changes: Tells which account's balances moved, wherever the send came from
            (a publish on the Compose page, a cancel on the Tasks page).
    """

    network_name: str
    symbol: str
    balances: BalancesReader
    plan_deposit: VaultTransfer
    plan_withdraw: VaultTransfer
    send: PlanSender
    faucet: FaucetRequest | None = None
    balance_changes: BalanceChanges | None = None
