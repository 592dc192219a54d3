"""What the composition root builds once per window: the history, the wallet, the connector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ogpu_desktop.services.connection import Connection, NetworkChoice, ProgressNote
from ogpu_desktop.services.task_history import TaskHistory
from ogpu_desktop.store import Store
from ogpu_desktop.wallet.accounts import Wallet

if TYPE_CHECKING:
    from ogpu_desktop.services.sandbox_process import SandboxProcess


class ConnectionOpener:
    """Opens a connection to a network over the parts' history and wallet."""

    def __init__(self, store: Store, wallet: Wallet) -> None:
        self._store, self._wallet = store, wallet

    async def __call__(
        self, choice: NetworkChoice, *, on_progress: ProgressNote | None = None,
        started_sandbox: SandboxProcess | None = None,
    ) -> Connection:
        """Connect to ``choice`` (see :meth:`Connection.open`)."""
        return await Connection.open(choice, self._store, self._wallet,
                                     on_progress=on_progress, started_sandbox=started_sandbox)


@dataclass
class AppParts:
    """The long-lived services of one window, built by ``ogpu_desktop.app``.

    Attributes:
        store: The history database (closed with the window).
        wallet: The accounts and the keychain-backed keys.
        history: Reads of the history for the pages.
        open_connection: Connects to a network; the connection builds the per-network
            services (tracking, publishing, results, actions).
    """

    store: Store
    wallet: Wallet
    history: TaskHistory
    open_connection: ConnectionOpener

    @classmethod
    def build(cls, store: Store, wallet: Wallet) -> AppParts:
        """Wire the parts over ``store`` and ``wallet``."""
        return cls(store=store, wallet=wallet, history=TaskHistory(store),
                   open_connection=ConnectionOpener(store, wallet))

    def close(self) -> None:
        """Close the history database."""
        self.store.close()
