"""Publishing through faults: a lost answer to the send, and a crash before the receipt."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from ogpu_desktop.chain.nexus_events import task_published_in
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.progress import PublishProgress, PublishStage
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.recovery import recover
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import Store
from tests.chain.anvil_node import rpc
from tests.chain.conftest import funded_signer, preview_manual
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv
from tests.chain.rpc_proxy import RpcProxy

CONFIG = {"function_name": "inference", "data": {"input": "fault"}}


async def source_task_count(session: ChainSession, source: str) -> int:
    return int(await session.contracts.source(source).functions.getTaskCount().call())


@pytest.fixture
def proxy(protocol: ProtocolEnv) -> Iterator[RpcProxy]:
    p = RpcProxy(protocol.anvil.url).start()
    yield p
    p.stop()


@pytest_asyncio.fixture
async def session(
    protocol: ProtocolEnv, store: Store, proxy: RpcProxy
) -> AsyncIterator[ChainSession]:
    """In this module the session's RPC goes through the fault-injecting proxy (5 s timeout)."""
    opened = await ChainSession.open(protocol.network(proxy.url), store, timeout=5)
    yield opened
    await opened.close()


@pytest.mark.asyncio
async def test_send_answered_by_a_lost_connection_publishes_exactly_one_task(
    protocol: ProtocolEnv, store: Store, proxy: RpcProxy, session: ChainSession
) -> None:
    signer = await funded_signer(session, protocol, 2 * MIN_PAYMENT)
    service = PublishService(session)
    preview = await preview_manual(service, protocol, signer, [CONFIG])
    before = await source_task_count(session, protocol.manual_source)
    proxy.drop_response_to = {"eth_sendRawTransaction"}
    proxy.reset_counts()
    outcome = await service.execute(preview, signer)
    proxy.drop_response_to = set()
    assert outcome.all_published, outcome.tasks[0].message
    assert proxy.dropped == 1
    assert proxy.methods["eth_sendRawTransaction"] == 1
    assert await source_task_count(session, protocol.manual_source) == before + 1
    balances = await ActionService(session).balances(signer.address)
    assert balances.escrowed == MIN_PAYMENT  # one payment locked, not two
    assert store.tasks.count_tasks(session.chain_id) == 1


@pytest.mark.asyncio
async def test_killed_between_send_and_receipt_records_the_task_on_next_start(
    protocol: ProtocolEnv, store: Store
) -> None:
    first = await ChainSession.open(protocol.network(), store)
    signer = await funded_signer(first, protocol, MIN_PAYMENT)
    service = PublishService(first)
    preview = await preview_manual(service, protocol, signer, [CONFIG])
    rpc(protocol.anvil.url, "evm_setAutomine", [False])
    try:
        outcome = await service.execute(preview, signer, receipt_timeout=1)
        (task,) = outcome.tasks
        assert task.state == "pending"
        assert store.tasks.count_tasks(first.chain_id) == 0
        entry = store.journal.journal_get(task.tx_hash or "")
        assert entry is not None
        assert entry.state == "sent"
        await first.close()  # the app is gone; the transaction sits in the node's pool

        second = await ChainSession.open(protocol.network(), store)
        try:
            report = await recover(second)
            assert report.pending == (task.tx_hash,)
            assert report.recovered_tasks == ()
            rpc(protocol.anvil.url, "evm_mine")
            rpc(protocol.anvil.url, "evm_setAutomine", [True])
            receipt = await second.client.w3.eth.get_transaction_receipt(task.tx_hash)  # type: ignore[arg-type]
            published = task_published_in(receipt, second.network.contracts.nexus)[0][0]
            protocol.attempt(published)  # a provider starts before the app is back
            tracking = TrackingService(second)
            await tracking.poll_once()  # no task known yet: the cursor moves past all this
            report = await recover(second)
            assert report.mined == (task.tx_hash,)
            (address,) = report.recovered_tasks
            assert address == published
            await tracking.poll_once()  # the cursor was rewound: the attempt is seen
            seen = store.tasks.get_task(second.chain_id, address)
            assert seen is not None
            assert (seen.status, seen.attempt_count) == (1, 1)
            record = store.tasks.get_task(second.chain_id, address)
            assert record is not None
            assert record.config_json == preview.config_texts[0]
            assert record.tx_hash == task.tx_hash
            assert (await recover(second)).mined == ()  # nothing left open, nothing doubled
            assert store.tasks.count_tasks(second.chain_id) == 1
        finally:
            await second.close()
    finally:
        rpc(protocol.anvil.url, "evm_setAutomine", [True])


@pytest.mark.asyncio
async def test_send_that_cannot_be_confirmed_is_kept_pending_and_recovered(
    protocol: ProtocolEnv, proxy: RpcProxy, session: ChainSession
) -> None:
    signer = await funded_signer(session, protocol, 2 * MIN_PAYMENT)
    service = PublishService(session)
    configs = [CONFIG, {"function_name": "inference", "data": {"input": "second"}}]
    preview = await preview_manual(service, protocol, signer, configs)
    before = await source_task_count(session, protocol.manual_source)
    proxy.drop_response_to = {"eth_sendRawTransaction"}
    proxy.fail_methods = {"eth_getTransactionByHash"}
    outcome = await service.execute(preview, signer)
    proxy.drop_response_to = set()
    proxy.fail_methods = set()
    assert [t.state for t in outcome.tasks] == ["pending", "skipped"]
    assert "never sent as a second task" in outcome.tasks[0].message
    report = await recover(session)
    assert report.mined == (outcome.tasks[0].tx_hash,)
    assert len(report.recovered_tasks) == 1
    assert await source_task_count(session, protocol.manual_source) == before + 1
    assert (await ActionService(session).balances(signer.address)).escrowed == MIN_PAYMENT


@pytest.mark.asyncio
async def test_a_batch_killed_midway_keeps_what_was_sent_and_never_signs_again(
    protocol: ProtocolEnv, store: Store, proxy: RpcProxy, session: ChainSession
) -> None:
    signer = await funded_signer(session, protocol, 5 * MIN_PAYMENT)
    service = PublishService(session)
    configs = [{"function_name": "inference", "data": {"input": f"kill {i}"}} for i in range(5)]
    preview = await preview_manual(service, protocol, signer, configs)
    before = await source_task_count(session, protocol.manual_source)
    signed_before = signer.signed_count

    def on_progress(event: PublishProgress) -> None:
        if event.stage is PublishStage.SEND and event.index == 1:
            proxy.hold_answer_to = {"eth_sendRawTransaction"}  # the third send hangs

    run = asyncio.ensure_future(service.execute(preview, signer, on_progress))
    try:
        assert await asyncio.to_thread(proxy.holding.wait, 30)
        run.cancel()  # the app is killed while the third send waits for its answer
        with pytest.raises(asyncio.CancelledError):
            await run
    finally:
        proxy.hold_answer_to = set()
        proxy.release.set()
    # The fourth may have been signed while the third was sent; it was never journaled.
    signed_then = signer.signed_count
    assert signed_then in (signed_before + 3, signed_before + 4)
    journaled = [e for e in store.journal.journal_open(session.chain_id) if e.kind == "publish"]
    first_nonce = min(e.nonce for e in journaled)
    assert sorted(e.nonce for e in journaled) == [first_nonce, first_nonce + 1, first_nonce + 2]
    raws = {e.tx_hash: e.raw for e in journaled}
    report = await recover(session)  # the next start
    assert sorted(report.mined) == sorted(raws)
    assert len(report.recovered_tasks) == 3
    assert signer.signed_count == signed_then  # recovery signs nothing new
    sent = await session.client.w3.eth.get_transaction_count(signer.address, "pending")  # type: ignore[arg-type]
    assert sent == first_nonce + 3  # nothing past the third reached the node
    for tx_hash, raw in raws.items():  # what was mined is the journaled bytes
        mined = await session.client.w3.eth.get_raw_transaction(tx_hash)  # type: ignore[arg-type]
        assert bytes(mined) == raw
    assert await source_task_count(session, protocol.manual_source) == before + 3
    assert (await ActionService(session).balances(signer.address)).escrowed == 3 * MIN_PAYMENT
    assert (await recover(session)).mined == ()


@pytest.mark.asyncio
async def test_the_receipts_of_a_batch_are_read_together(
    protocol: ProtocolEnv, proxy: RpcProxy, session: ChainSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    signer = await funded_signer(session, protocol, 5 * MIN_PAYMENT)
    service = PublishService(session)
    configs = [{"function_name": "inference", "data": {"input": f"r{i}"}} for i in range(5)]
    preview = await preview_manual(service, protocol, signer, configs)
    proxy.reset_counts()
    with caplog.at_level(logging.INFO, logger="ogpu_desktop.chain.transactions"):
        outcome = await service.execute(preview, signer)
    assert outcome.all_published, [t.message for t in outcome.tasks]
    assert proxy.batch_sizes == [5]  # all in one request
    # On a loaded machine the batched read can time out (the session allows 5 s); each
    # receipt is then read once more on its own, and said in the log. Never polled for.
    fell_back = any("left to single reads" in r.getMessage() for r in caplog.records)
    assert proxy.methods["eth_getTransactionReceipt"] == (10 if fell_back else 5)
    states = {session.store.journal.journal_get(t.tx_hash or "").state  # type: ignore[union-attr]
              for t in outcome.tasks}
    assert states == {"mined"}


@pytest.mark.asyncio
async def test_a_task_lost_to_a_power_cut_after_its_publish_was_mined_is_recorded_at_start(
    protocol: ProtocolEnv, store: Store, session: ChainSession
) -> None:
    """A recorded task is not flushed to disk (its journal entry is): a power cut can keep the
    entry's "mined" and lose the task; the next start records it again from the journal."""
    signer = await funded_signer(session, protocol, 2 * MIN_PAYMENT)
    service = PublishService(session)
    preview = await preview_manual(service, protocol, signer, [CONFIG])
    (published,) = (await service.execute(preview, signer)).tasks
    assert published.state == "published"
    assert published.task is not None
    entry = store.journal.journal_get(published.tx_hash or "")
    assert entry is not None
    assert entry.state == "mined"
    # What the disk lost: the task row, not its journal entry.
    store.db.conn.execute("DELETE FROM tasks WHERE tx_hash=?", (published.tx_hash,))
    assert store.tasks.task_by_tx(published.tx_hash or "", session.chain_id) is None
    assert [e.tx_hash for e in store.journal.mined_publishes_without_task(session.chain_id)] == [
        published.tx_hash]

    report = await recover(session)
    assert report.recovered_tasks == (published.task,)
    again = store.tasks.task_by_tx(published.tx_hash or "", session.chain_id)
    assert again is not None
    assert again.address == published.task
    assert again.config_json == preview.config_texts[0]
    assert store.journal.mined_publishes_without_task(session.chain_id) == []
    assert (await recover(session)).recovered_tasks == ()
