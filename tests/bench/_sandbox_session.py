"""A Sandbox child process with an open app session and a funded signer, for the chain benches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import Store
from tests.helpers.sandbox import fund, source_address
from tests.helpers.test_signer import LocalTestSigner

ETHER = 10**18
PAYMENT = 10**15  # the demo sources' minimum payment


@dataclass
class BenchSession:
    """The app's session on a running Sandbox, with a signer that holds funds in the vault."""

    info: dict[str, Any]
    session: ChainSession
    store: Store
    signer: LocalTestSigner

    @property
    def first_response_source(self) -> str:
        """The FIRST_RESPONSE text-classification demo source (answered at once)."""
        return source_address(self.info, "text-classification")


@asynccontextmanager
async def bench_session(
    info: dict[str, Any], folder: Path, *, deposit_tasks: int
) -> AsyncIterator[BenchSession]:
    """Open a session on the Sandbox of ``info`` with a new signer able to pay for tasks.

    Args:
        deposit_tasks: How many tasks at the minimum payment the vault deposit covers.
    """
    store = Store(folder / "bench.sqlite3")
    session = await ChainSession.open(sandbox_network(info), store)
    try:
        signer = LocalTestSigner.random(int(info["chain_id"]))
        fund(info, signer.address, 1_000 * ETHER)
        await ActionService(session).deposit(signer, PAYMENT * deposit_tasks)
        yield BenchSession(info, session, store, signer)
    finally:
        await session.close()
        store.close()
