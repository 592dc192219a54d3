"""The tracker never loses a task's events to the order in which reads and writes happen."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.task_records import record_published_task
from ogpu_desktop.services.tracking import FINALIZED, TaskUpdate, TrackingService
from ogpu_desktop.store import Store
from tests.chain.conftest import fund
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.test_signer import LocalTestSigner

SENTIMENT = {"result": {"output": [{"label": "POSITIVE", "score": 0.98}]}}


async def publish(
    session: ChainSession, protocol: ProtocolEnv, source: str
) -> tuple[LocalTestSigner, tuple[str]]:
    """Publish one task on ``source`` from a new funded account; return it and the task."""
    signer = LocalTestSigner.random(protocol.anvil.chain_id)
    fund(protocol.anvil, signer.address)
    await ActionService(session).deposit(signer, MIN_PAYMENT)
    service = PublishService(session)
    preview = await service.preview([{"function_name": "inference", "data": {"input": "x"}}],
                                    source=source, payment_wei=MIN_PAYMENT, duration_s=900,
                                    sender=signer.address)
    outcome = await service.execute(preview, signer)
    (published,) = outcome.tasks
    assert published.task, published.message
    return signer, (published.task,)


@pytest.mark.asyncio
async def test_a_task_seen_final_by_a_status_read_still_gets_its_response(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    store, chain_id = session.store, session.chain_id
    _, (task,) = await publish(session, protocol, protocol.first_response_source)
    tracking = TrackingService(session)
    tracking.tracker.reorg_margin = 0
    updates: list[TaskUpdate] = []
    tracking.updates.subscribe(updates.append)
    await tracking.poll_once()
    protocol.attempt(task)
    response = protocol.respond(task, json.dumps(SENTIMENT))  # FIRST_RESPONSE: final at once
    # The direct status read comes first and sees the end before any poll read the events.
    assert await tracking.reconcile() == 1
    record = store.tasks.get_task(chain_id, task)
    assert record is not None
    assert record.status == FINALIZED
    assert store.tasks.responses_of(chain_id, task) == []
    summary = await tracking.poll_once()
    assert summary.tracked == 1  # still followed: its events up to the end were not read yet
    assert summary.log_requests == 1
    (recorded,) = store.tasks.responses_of(chain_id, task)
    assert (recorded.address, recorded.status) == (response, 1)
    record = store.tasks.get_task(chain_id, task)
    assert record is not None
    assert (record.status, record.attempt_count) == (FINALIZED, 1)
    assert any(u.task == task and u.new_responses == (response,) for u in updates)
    assert (await tracking.poll_once()).tracked == 0  # read up to its end: no longer followed


@pytest.mark.asyncio
async def test_a_status_read_ahead_of_a_lagging_cursor_keeps_the_task_until_caught_up(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    store, chain_id = session.store, session.chain_id
    _, (task,) = await publish(session, protocol, protocol.first_response_source)
    tracking = TrackingService(session, chunk_blocks=1)
    tracking.tracker.reorg_margin = 0
    tracking.tracker.max_chunks = 1
    for _ in range(10):  # catch up with the head, one block per poll
        await tracking.poll_once()
    protocol.attempt(task)
    response = protocol.respond(task, "late words")
    assert await tracking.reconcile() == 1
    polls = 0
    while not store.tasks.responses_of(chain_id, task):
        summary = await tracking.poll_once()
        assert summary.tracked == 1
        polls += 1
        assert polls < 10, "the response was never read"
    assert polls == 2  # one block per poll: the attempt, then the response
    (recorded,) = store.tasks.responses_of(chain_id, task)
    assert (recorded.address, recorded.status) == (response, 1)


@pytest.mark.asyncio
async def test_a_task_recorded_while_the_logs_are_in_flight_keeps_its_events(
    protocol: ProtocolEnv, store: Store, tmp_path: Path
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store)
    # Another app instance publishes, so the task is mined before this one records it.
    elsewhere_store = Store(tmp_path / "elsewhere.sqlite3")
    elsewhere = await ChainSession.open(protocol.network(), elsewhere_store)
    try:
        chain_id = session.chain_id
        await publish(session, protocol, protocol.manual_source)  # keeps the poll reading logs
        tracking = TrackingService(session)
        tracking.tracker.reorg_margin = 0  # nothing re-read by luck
        await tracking.poll_once()
        signer, (task,) = await publish(elsewhere, protocol, protocol.manual_source)
        record = elsewhere_store.tasks.get_task(elsewhere.chain_id, task)
        assert record is not None
        receipt = protocol.w3.eth.get_transaction_receipt(record.tx_hash)  # type: ignore[arg-type]
        protocol.attempt(task)
        response = protocol.respond(task, "answer")
        proxy.reset_counts()
        proxy.hold_answer_to = {"eth_getLogs"}
        poll = asyncio.ensure_future(tracking.poll_once())
        assert await asyncio.to_thread(proxy.holding.wait, 30)
        # The poll has chosen its tasks and its range (which holds all of this task's events)
        # and waits for the logs: the publish is recorded now.
        record_published_task(session, record.tx_hash, signer.address, dict(receipt),
                              {"expiry_time": record.expiry_time})
        proxy.hold_answer_to = set()
        proxy.release.set()
        await poll
        summary = await tracking.poll_once()
        seen = store.tasks.get_task(chain_id, task)
        assert seen is not None
        assert (seen.status, seen.attempt_count) == (2, 1)
        assert [r.address for r in store.tasks.responses_of(chain_id, task)] == [response]
        assert summary.log_requests == 1  # the re-read rides in the poll's one query
        assert proxy.methods["eth_getLogs"] == 2
    finally:
        proxy.release.set()
        await elsewhere.close()
        elsewhere_store.close()
        await session.close()
        proxy.stop()
