"""One open connection to a network: RPC, contracts, HTTP for IPFS, the store and the journal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from ogpu_desktop.chain.contracts import Contracts
from ogpu_desktop.chain.errors import RpcUnreachableError
from ogpu_desktop.chain.journal import TxJournal
from ogpu_desktop.chain.networks import Network, sandbox_network
from ogpu_desktop.chain.rpc import DEFAULT_TIMEOUT_S, RpcClient
from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.services.app_events import BalanceChanged, PendingChanged, TaskRecorded
from ogpu_desktop.services.journal_events import AnnouncingJournal
from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.store import Store


@dataclass
class ChainSession:
    """Everything a service needs to act on one network. Open with :meth:`open`.

    Attributes:
        send_lock: Held from choosing a nonce until the transaction is broadcast, so two
            actions started at once never pick the same nonce.
        task_recorded: Announces each task the history records (a publish mined, followed or
            recovered), so the window lists it without reading the database for changes.
        pending_changed: Announces each write of the transaction journal (through
            :class:`AnnouncingJournal`), so the pending list never polls it.
        balance_changed: Announces an account whose send settled, so the balances shown are
            read again.
        run_guard: Checks, before anything is signed, that the chain is still the run the
            history is written for (set by the connection on networks that can be replaced;
            it raises ``ChainReplacedError`` when the chain was replaced).
    """

    network: Network
    client: RpcClient
    contracts: Contracts
    store: Store
    http: httpx.AsyncClient
    journal: TxJournal
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    owns_http: bool = True
    run_guard: Callable[[], Awaitable[None]] | None = None
    task_recorded: EventHub[TaskRecorded] = field(default_factory=EventHub)
    pending_changed: EventHub[PendingChanged] = field(default_factory=EventHub)
    balance_changed: EventHub[BalanceChanged] = field(default_factory=EventHub)

    @classmethod
    async def open(
        cls,
        network: Network,
        store: Store,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> ChainSession:
        """Connect (checking the chain ID) and bind the contracts.

        Raises:
            RpcUnreachableError: The RPC endpoint does not answer.
            WrongNetworkError: It serves another chain.
        """
        own_http = http is None
        http = httpx.AsyncClient() if http is None else http
        try:
            client = await RpcClient.connect(network, timeout=timeout, http=http)
        except BaseException:
            if own_http:
                await http.aclose()
            raise
        pending_changed: EventHub[PendingChanged] = EventHub()
        balance_changed: EventHub[BalanceChanged] = EventHub()
        return cls(
            network=network,
            client=client,
            contracts=Contracts(network, client.w3),
            store=store,
            http=http,
            journal=TxJournal(
                client, AnnouncingJournal(store.journal, pending_changed, balance_changed)),
            owns_http=own_http,
            pending_changed=pending_changed,
            balance_changed=balance_changed,
        )

    @classmethod
    async def open_sandbox(cls, info_url: str, store: Store) -> ChainSession:
        """Connect to a running Sandbox through its ``/info`` document.

        Raises:
            RpcUnreachableError: The Sandbox does not answer.
            ValidationError: Its description is incomplete.
        """
        async with httpx.AsyncClient() as http:
            try:
                answer = await http.get(info_url, timeout=10.0)
                answer.raise_for_status()
                info = loads_bounded(answer.content)
            except (httpx.HTTPError, ValueError) as exc:
                raise RpcUnreachableError(info_url, f"no Sandbox description ({exc})") from exc
        if not isinstance(info, dict):
            raise RpcUnreachableError(info_url, "the Sandbox description is not a JSON object")
        return await cls.open(sandbox_network(info), store)

    @property
    def chain_id(self) -> int:
        """The network's chain ID (store calls with it read and write the current run)."""
        return self.network.chain_id

    @property
    def history_key(self) -> int:
        """The store key of the chain run this session writes now.

        A reader that writes later (a tracker poll, a result download) takes the key first:
        if the chain is replaced meanwhile, its write is refused (``RunEndedError``) instead of
        landing in the new run.
        """
        return self.store.runs.current_key(self.chain_id)

    async def check_run(self) -> None:
        """Make sure the chain is still the run the history is written for (before signing).

        Raises:
            ChainReplacedError: The chain was replaced (a restarted Sandbox).
            ChainError: The check could not read the chain.
        """
        if self.run_guard is not None:
            await self.run_guard()

    async def close(self) -> None:
        """Close the RPC connection and, if this session made it, the HTTP client.

        The store stays open: the app owns it.
        """
        await self.client.close()
        if self.owns_http:
            await self.http.aclose()
