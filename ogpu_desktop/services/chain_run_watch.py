"""Noticing at once that the chain behind a connection was replaced (a restarted Sandbox)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from ogpu_desktop.chain.networks import NetworkKind
from ogpu_desktop.services.sandbox_process import SandboxInfo, SandboxStartError, attach_sandbox
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import ChainIdentity, PreviousRun

log = logging.getLogger(__name__)

REPLACEABLE = (NetworkKind.SANDBOX, NetworkKind.CUSTOM)
"""Networks whose chain can be replaced under the same chain ID: a Sandbox is a new chain
every run, and a custom network may be a local development chain."""


@dataclass(frozen=True)
class RunChange:
    """The chain behind the connection was replaced: a new run began, with no history.

    Attributes:
        previous: The run that ended (its tasks are kept under ``previous.archive_key``).
        block: The new chain's latest block.
        sandbox_info: The Sandbox's new ``/info``, when it is a Sandbox and answered.
        dropped: Sends of the earlier run that were still waiting (now dropped: never sent to
            the new chain).
    """

    previous: PreviousRun | None
    block: int
    sandbox_info: SandboxInfo | None = None
    dropped: int = 0

    def message(self, kind: NetworkKind) -> str:
        """What to tell the user, in plain words."""
        if kind is NetworkKind.SANDBOX:
            said = "The Sandbox was restarted: it is a new chain, with new blocks."
        else:
            said = (
                "The network's chain was replaced by a new one (its first block changed), as "
                "happens when a local development chain restarts."
            )
        count = self.previous.task_count if self.previous is not None else 0
        if count:
            tasks = f"{count} task{'s' if count != 1 else ''}"
            said += (
                f" The {tasks} of the earlier run {'were' if count != 1 else 'was'} set aside, "
                "marked “(earlier Sandbox run)” in the task list: that chain no longer exists, "
                "so they can no longer change or be answered."
            )
        if self.dropped:
            sends = f"{self.dropped} transaction{'s' if self.dropped != 1 else ''}"
            said += (
                f" {sends} of the earlier run still waiting will not happen: they were for the "
                "chain that is gone."
            )
        return said


class RunWatch:
    """Tells whether the connected chain is still the run the history is written for.

    One ``eth_getBlockByNumber(0)`` per check: the genesis hash names the chain. When it
    differs from the current run's, the store ends that run in one transaction (its open
    journal entries are dropped, never sent to the new chain) and starts a new one, before
    anything of the new chain is read into the history.

    Args:
        session: The open session (its store records the runs).
        info_url: Where the Sandbox describes itself, to learn a new run's ID and sources.
    """

    def __init__(self, session: ChainSession, *, info_url: str | None = None) -> None:
        self.session = session
        self.info_url = info_url
        self._lock = asyncio.Lock()

    async def genesis_hash(self) -> str:
        """The hash of the chain's block 0.

        Raises:
            ChainError: The chain could not be read.
        """
        client = self.session.client
        block = await client.run(client.w3.eth.get_block(0), "Checking which chain answers")
        return ("0x" + bytes(block["hash"]).hex()).lower()

    async def check(self) -> RunChange | None:
        """Compare the chain with the current run; start a new run when it was replaced.

        Raises:
            ChainError: The chain could not be read (nothing changed).
        """
        async with self._lock:
            genesis = await self.genesis_hash()
            store, chain_id = self.session.store, self.session.chain_id
            known = store.runs.identity(chain_id)
            if known is not None and known.genesis_hash.lower() == genesis:
                return None
            waiting = len(store.journal.journal_open(chain_id))
            info = await self._sandbox_info()
            same = info is not None and info.genesis_hash.lower() == genesis
            run_id = info.run_id if info is not None and same else ""
            previous = store.runs.check_identity(chain_id, ChainIdentity(genesis, run_id))
            client = self.session.client
            head = int(await client.run(client.w3.eth.block_number, "Reading the block"))
            log.warning("the chain of %s was replaced (genesis %s); %s", self.session.network.name,
                        genesis, f"run {previous.archive_key} set aside" if previous else "")
            return RunChange(previous, head, info, waiting if previous is not None else 0)

    async def _sandbox_info(self) -> SandboxInfo | None:
        if self.info_url is None:
            return None
        try:
            return await attach_sandbox(self.info_url)
        except SandboxStartError as exc:
            log.info("the new Sandbox run did not describe itself: %s", exc.message)
            return None
