"""Connecting to the chosen network: start or attach the Sandbox, open, recover, track."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ogpu_desktop.chain.errors import ChainError, ChainReplacedError
from ogpu_desktop.chain.networks import (
    MAINNET,
    TESTNET,
    Network,
    NetworkKind,
    custom_network,
    sandbox_network,
)
from ogpu_desktop.errors import UserFacingError, ValidationError
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.chain_run_watch import REPLACEABLE, RunChange, RunWatch
from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.services.recovery import RecoveryReport, recover
from ogpu_desktop.services.sandbox_keeper import SandboxKeeper, SandboxNote
from ogpu_desktop.services.sandbox_process import SandboxInfo, SandboxProcess, attach_sandbox
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackerHealth
from ogpu_desktop.store import ChainIdentity, PreviousRun, RunEndedError, Store, StoreError
from ogpu_desktop.wallet.accounts import Wallet

log = logging.getLogger(__name__)

NETWORK_KINDS = ("sandbox", "testnet", "mainnet", "custom")
ProgressNote = Callable[[str], None]


@dataclass(frozen=True)
class CustomNetworkSpec:
    """A network the user described: RPC endpoint, chain ID and the four contract addresses."""

    rpc_url: str
    chain_id: int
    contracts: Mapping[str, str]
    name: str = "Custom network"


@dataclass(frozen=True)
class NetworkChoice:
    """Which network to connect to, and how.

    Attributes:
        kind: ``sandbox``, ``testnet``, ``mainnet`` or ``custom``.
        rpc_url: Another RPC endpoint for the network (checked by chain ID when connecting).
        sandbox_url: Attach to this running Sandbox instead of starting one.
        custom: The custom network's description (``kind == "custom"``).
        pinning_url: Pinning endpoint instead of the network's own (not for the Sandbox).
        gateway_url: IPFS gateway tried first (not for the Sandbox).
    """

    kind: str = "sandbox"
    rpc_url: str | None = None
    sandbox_url: str | None = None
    custom: CustomNetworkSpec | None = None
    pinning_url: str = ""
    gateway_url: str = ""

    def __post_init__(self) -> None:
        if self.kind not in NETWORK_KINDS:
            raise ValidationError(f"Unknown network {self.kind!r}.", "network")

    @property
    def title(self) -> str:
        """A short name for progress messages."""
        return {
            "sandbox": "the Sandbox", "testnet": "OGPU Testnet", "mainnet": "OGPU Mainnet",
        }.get(self.kind, "the custom network")


@dataclass
class Connection:
    """One open network with the app's services, and its tracker running in the background.

    Attributes:
        services: Everything the windows act through (replaced as a whole on reconnect).
        sandbox: The Sandbox process the app started (``None`` when attached or not a Sandbox).
        sandbox_info: The Sandbox's ``/info`` (started or attached), else ``None``.
        recovery: What the journal check found when connecting.
        previous_run: History set aside because the chain was replaced (a new Sandbox run).
        block: The latest block the tracker has read.
        blocks: Emits each new block height.
        run_changes: Emits when the chain was replaced while connected (a restarted Sandbox):
            the history's new run has begun, the old one is set aside.
        sandbox_notes: What happened to the Sandbox the app started (stopped, restarted).
    """

    services: AppServices
    sandbox: SandboxProcess | None = None
    sandbox_info: SandboxInfo | None = None
    recovery: RecoveryReport | None = None
    previous_run: PreviousRun | None = None
    block: int | None = None
    blocks: EventHub[int] = field(default_factory=EventHub)
    run_changes: EventHub[RunChange] = field(default_factory=EventHub)
    sandbox_notes: EventHub[SandboxNote] = field(default_factory=EventHub)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tracker: asyncio.Task[None] | None = None
    _watch: RunWatch | None = None
    _keeper: SandboxKeeper | None = None

    @property
    def session(self) -> ChainSession:
        """The open session."""
        return self.services.session

    @property
    def network(self) -> Network:
        """The connected network."""
        return self.services.session.network

    @property
    def health(self) -> EventHub[TrackerHealth]:
        """The tracker's health events (failures with a retry delay, then recovery)."""
        return self.services.tracking.health

    @property
    def faucet_url(self) -> str | None:
        """The Sandbox faucet, when connected to a Sandbox."""
        return self.sandbox_info.faucet_url if self.sandbox_info else None

    @property
    def sandbox_note(self) -> SandboxNote | None:
        """The last thing said about the Sandbox the app started (``None``: nothing happened)."""
        return self._keeper.last_note if self._keeper is not None else None

    @classmethod
    async def open(
        cls,
        choice: NetworkChoice,
        store: Store,
        wallet: Wallet,
        *,
        on_progress: ProgressNote | None = None,
        started_sandbox: SandboxProcess | None = None,
    ) -> Connection:
        """Start or attach the Sandbox (or build the public network), connect and recover.

        Args:
            started_sandbox: A Sandbox process already started for this connection (the first
                run starts one while the user is still choosing); it is owned from now on.

        Raises:
            SandboxStartError: The Sandbox could not start or be reached.
            RpcUnreachableError, WrongNetworkError: The RPC endpoint fails or serves another
                chain (expected and returned chain IDs in the message).
            ValidationError: The choice is incomplete (a custom network without description).
        """
        note = on_progress or (lambda _message: None)
        sandbox: SandboxProcess | None = None
        info: SandboxInfo | None = None
        try:
            if choice.kind == "sandbox":
                if choice.sandbox_url:
                    note(f"Reading the Sandbox at {choice.sandbox_url}…")
                    info = await attach_sandbox(choice.sandbox_url)
                elif started_sandbox is not None:
                    sandbox = started_sandbox
                    info = sandbox.info
                else:
                    note("Starting the Sandbox, a local network on this computer…")
                    sandbox = await SandboxProcess.start()
                    info = sandbox.info
                network = sandbox_network(info.raw)
            else:
                network = network_for(choice)
            note(f"Connecting to {network.name} ({network.rpc_url})…")
            session = await ChainSession.open(network, store)
        except BaseException:
            if sandbox is not None:
                await sandbox.stop()
            raise
        connection = cls(AppServices.for_session(session, wallet), sandbox, info)
        try:
            connection.previous_run = await connection._check_identity()
            connection._watch_runs()
            note("Checking transactions sent before…")
            connection.recovery = await recover(session)
            connection.block = int(
                await session.client.run(session.client.w3.eth.block_number, "Reading the block")
            )
        except BaseException:
            await connection.close()
            raise
        note(f"Connected to {network.name}.")
        return connection

    async def _check_identity(self) -> PreviousRun | None:
        # Only networks that can be replaced under the same chain ID: a Sandbox restarts as a
        # new chain every run, and a custom network may be a local development chain.
        kind = self.network.kind
        if kind not in (NetworkKind.SANDBOX, NetworkKind.CUSTOM):
            return None
        genesis = self.sandbox_info.genesis_hash if self.sandbox_info else ""
        run_id = self.sandbox_info.run_id if self.sandbox_info else ""
        if not genesis:
            client = self.session.client
            block = await client.run(client.w3.eth.get_block(0), "Reading the genesis block")
            genesis = "0x" + bytes(block["hash"]).hex()
        previous = self.session.store.runs.check_identity(
            self.session.chain_id, ChainIdentity(genesis, run_id)
        )
        if previous is not None:
            log.info("set aside %d tasks of a previous run (key %d)", previous.task_count,
                     previous.archive_key)
        return previous

    def _watch_runs(self) -> None:
        if self.network.kind in REPLACEABLE:
            info_url = self.network.rpc_url if self.network.kind is NetworkKind.SANDBOX else None
            self._watch = RunWatch(self.session, info_url=info_url)
            self.session.run_guard = self._guard_send
        if self.sandbox is not None:
            self._keeper = SandboxKeeper(self.sandbox, self._sandbox_restarted)
            self._keeper.notes.subscribe(self.sandbox_notes.emit)
            self._keeper.start_watching()

    async def check_run(self) -> RunChange | None:
        """Check that the chain is still the history's run; take a new run in when it is not.

        On a replaced chain the old run is set aside before anything of the new one is read,
        the block shown moves to the new chain and :attr:`run_changes` tells the window.

        Raises:
            ChainError: The chain could not be read.
        """
        if self._watch is None:
            return None
        change = await self._watch.check()
        if change is None:
            return None
        if change.sandbox_info is not None:
            self.sandbox_info = change.sandbox_info
        if change.previous is not None and change.previous.task_count:
            self.previous_run = change.previous
        self.block = change.block
        self.run_changes.emit(change)
        self.blocks.emit(change.block)
        return change

    async def _guard_send(self) -> None:
        change = await self.check_run()
        if change is not None:
            raise ChainReplacedError(
                change.message(self.network.kind)
                + " Nothing was signed: review what you were sending again."
            )

    async def _sandbox_restarted(self, sandbox: SandboxProcess) -> None:
        self.sandbox, self.sandbox_info = sandbox, sandbox.info
        try:
            await self.check_run()
        except ChainError as exc:  # the tracker checks again at its next step
            log.info("the restarted Sandbox could not be checked yet: %s", exc.message)

    async def restart_sandbox(self) -> None:
        """Start the Sandbox the app started again, after it stopped (the user asked)."""
        if self._keeper is not None:
            await self._keeper.restart()

    def start_tracking(self) -> None:
        """Run the tracker's poll loop as a background task (once)."""
        if self._tracker is None:
            self._tracker = asyncio.create_task(self._track(), name="task-tracker")

    async def _track(self) -> None:
        store, chain_id = self.session.store, self.session.chain_id
        nexus = self.network.contracts.nexus
        poll = 0
        while not self._stop.is_set():
            delay = await self._step(poll)
            poll += 1
            block = store.misc.get_cursor(chain_id, nexus)
            if block is not None and block != self.block:
                self.block = block
                self.blocks.emit(block)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=delay)

    async def _step(self, poll: int) -> float:
        """Check the chain's run, poll, then follow the sends still waiting."""
        tracking = self.services.tracking
        try:
            await self.check_run()
        except (ChainError, StoreError) as exc:
            return tracking.failed(exc.message)
        delay = await tracking.step(poll)
        if tracking.failures == 0:
            try:
                await self.services.pending.follow()
            except (ChainError, StoreError) as exc:
                log.info("following the pending transactions failed: %s", exc.message)
        return delay

    async def poll_now(self) -> None:
        """Poll once right away (after a publish, so the list updates without waiting).

        A poll caught by a replaced chain writes nothing; the next one reads the new run.
        """
        with contextlib.suppress(RunEndedError):
            await self.services.tracking.poll_once()

    def notices(self) -> list[str]:
        """What the user should hear about the connection, in plain words."""
        found: list[str] = []
        if self.previous_run is not None and self.previous_run.task_count:
            count = self.previous_run.task_count
            found.append(
                f"{count} task{'s' if count != 1 else ''} from a previous run of this network "
                "were set aside: that chain no longer exists, so they can no longer change or "
                "be answered."
            )
        report = self.recovery
        if report is not None:
            if report.recovered_tasks:
                found.append(
                    f"{len(report.recovered_tasks)} task(s) published while the app was closed "
                    "were added to the task list."
                )
            if report.pending:
                found.append(
                    f"{len(report.pending)} transaction(s) sent before are still waiting to be "
                    "confirmed; they were sent again unchanged."
                )
            if report.dropped:
                found.append(
                    f"{len(report.dropped)} transaction(s) sent before were replaced by others "
                    "and will not happen."
                )
        return found

    async def close(self) -> None:
        """Stop the tracker, close the session and stop the Sandbox the app started."""
        self._stop.set()
        if self._tracker is not None:
            self._tracker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._tracker
            self._tracker = None
        await self.services.tracking.stop()  # the status read the loop started
        try:
            await self.session.close()
        finally:
            if self._keeper is not None:
                await self._keeper.close()
            elif self.sandbox is not None:
                await self.sandbox.stop()


def network_for(choice: NetworkChoice) -> Network:
    """The public or custom network of ``choice``, with its RPC, pinning and gateway overrides.

    Raises:
        ValidationError: A custom network without a description, or a malformed URL.
    """
    if choice.kind == "mainnet":
        network = MAINNET
    elif choice.kind == "testnet":
        network = TESTNET
    elif choice.kind == "custom":
        if choice.custom is None:
            raise ValidationError(
                "No custom network is described yet. Describe it on the Settings page.", "network"
            )
        network = custom_network(
            name=choice.custom.name, rpc_url=choice.custom.rpc_url,
            chain_id=choice.custom.chain_id, contracts=choice.custom.contracts,
        )
    else:
        raise ValidationError("The Sandbox is started, not described.", "network")
    if choice.rpc_url:
        network = network.with_rpc(choice.rpc_url)
    if choice.pinning_url:
        network = replace(network, pinning_url=choice.pinning_url)
    if choice.gateway_url:
        gateways = (choice.gateway_url, *(g for g in network.gateways if g != choice.gateway_url))
        network = replace(network, gateways=gateways)
    return network


def plain_reason(exc: BaseException) -> str:
    """What to tell the user when connecting failed."""
    if isinstance(exc, UserFacingError):
        return exc.message
    return f"Connecting failed unexpectedly ({type(exc).__name__}); the log file has details."
