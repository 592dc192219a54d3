"""A Sandbox replaced under an open connection: nothing is signed for it unseen, no long waits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ogpu_desktop.chain.networks import NetworkKind
from ogpu_desktop.chain.nexus_events import TOPICS, NexusEvent
from ogpu_desktop.services.chain_run_watch import RunChange
from ogpu_desktop.services.connection import Connection, NetworkChoice
from ogpu_desktop.store import PreviousRun, Store
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.key_store import SessionKeyStore
from tests.helpers.sandbox import fund, restartable_sandbox, source_address
from tests.helpers.test_signer import LocalTestSigner

PAYMENT = 10**15
CONFIG = {"function_name": "inference", "data": {"input": "reviewed on the old chain"}}


@pytest.mark.asyncio
async def test_a_publish_reviewed_before_the_sandbox_restarted_is_not_signed(
    tmp_path: Path,
) -> None:
    with restartable_sandbox() as sandbox:
        store = Store(tmp_path / "history.sqlite3")
        wallet = Wallet(tmp_path / "wallet.json", keychain=SessionKeyStore())
        connection = await Connection.open(
            NetworkChoice("sandbox", sandbox_url=sandbox.info["rpc_url"]), store, wallet
        )
        try:
            services = connection.services
            signer = LocalTestSigner.random(connection.network.chain_id)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, fund, sandbox.info, signer.address)
            await services.actions.deposit(signer, PAYMENT)
            preview = await services.publish.preview(
                [CONFIG], source=source_address(sandbox.info, "text-classification"),
                payment_wei=PAYMENT, duration_s=600, sender=signer.address,
                task_type="text-classification",
            )

            await loop.run_in_executor(None, sandbox.restart)
            outcome = await services.publish.execute(preview, signer)

            (task,) = outcome.tasks
            assert task.state == "failed"
            assert task.message.startswith("The Sandbox was restarted: it is a new chain")
            assert "Nothing was signed" in task.message
            # The deposit stays in the earlier run; the new run has no send and no task.
            (earlier,) = store.runs.previous_runs(1337)
            assert connection.previous_run is None  # it held no task: nothing to announce
            assert [e.kind for e in store.journal.journal_all(earlier.archive_key)] == [
                "deposit"]
            assert store.journal.journal_all(1337) == []
            assert store.tasks.count_tasks(1337) == 0
            nexus = sandbox.info["contracts"]["nexus"]
            logs = await connection.session.client.request("eth_getLogs", [{
                "address": nexus, "fromBlock": "0x0", "toBlock": "latest",
                "topics": [TOPICS[NexusEvent.TASK_PUBLISHED]],
            }], "Counting the tasks")
            assert logs == []
            assert connection.block is not None
            assert connection.block == await connection.session.client.w3.eth.block_number
        finally:
            await connection.close()
            store.close()


@pytest.mark.asyncio
async def test_the_app_tries_the_local_sandbox_again_within_two_seconds(tmp_path: Path) -> None:
    with restartable_sandbox() as sandbox:
        store = Store(tmp_path / "history.sqlite3")
        wallet = Wallet(tmp_path / "wallet.json", keychain=SessionKeyStore())
        connection = await Connection.open(
            NetworkChoice("sandbox", sandbox_url=sandbox.info["rpc_url"]), store, wallet
        )
        try:
            sandbox.kill()
            tracking = connection.services.tracking
            delays = [await tracking.step(poll) for poll in range(8)]
            assert tracking.failures == 8
            # A minute of back-off would leave the user waiting long after the Sandbox is back.
            assert max(delays) <= 2.0
            assert delays[:2] == [1.0, 2.0]
        finally:
            await connection.close()
            store.close()


def test_the_window_is_told_what_a_replaced_chain_means_in_plain_words() -> None:
    earlier = PreviousRun(-3, 1337, "0xold", "run", task_count=3, archived_at=1)
    told = RunChange(earlier, 12, None, dropped=2).message(NetworkKind.SANDBOX)
    assert told == (
        "The Sandbox was restarted: it is a new chain, with new blocks. The 3 tasks of the "
        "earlier run were set aside, marked “(earlier Sandbox run)” in the task list: that chain "
        "no longer exists, so they can no longer change or be answered. 2 transactions of the "
        "earlier run still waiting will not happen: they were for the chain that is gone."
    )
    quiet = RunChange(None, 12).message(NetworkKind.CUSTOM)
    assert quiet.startswith("The network's chain was replaced by a new one")
    assert "set aside" not in quiet
    assert "will not happen" not in quiet
