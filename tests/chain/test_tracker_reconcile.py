"""The direct status read runs beside the polls and reads in batches the endpoint accepts."""

from __future__ import annotations

import asyncio

import pytest

from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import ATTEMPTED, FINALIZED, TaskUpdate, TrackingService
from ogpu_desktop.store import Store
from tests.chain.conftest import fund
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv
from tests.chain.rpc_proxy import RpcProxy
from tests.chain.test_tracker_races import publish
from tests.helpers.test_signer import LocalTestSigner


@pytest.mark.asyncio
async def test_a_status_read_held_by_the_network_does_not_hold_up_polls(
    protocol: ProtocolEnv, store: Store
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store)
    try:
        chain_id = session.chain_id
        _, (task,) = await publish(session, protocol, protocol.first_response_source)
        tracking = TrackingService(session)
        updates: list[TaskUpdate] = []
        tracking.updates.subscribe(updates.append)
        proxy.hold_answer_to = {"eth_call"}
        # The first step polls, then starts a status read at the head that poll read.
        await asyncio.wait_for(tracking.step(0), 30)
        assert await asyncio.to_thread(proxy.holding.wait, 30)
        reading = tracking.running_reconcile
        assert reading is not None
        protocol.attempt(task)
        response = protocol.respond(task, "words")  # FIRST_RESPONSE: final at once
        # The read waits for the network; the next poll goes on and reads the task's end.
        await asyncio.wait_for(tracking.step(1), 30)
        assert tracking.running_reconcile is reading
        record = store.tasks.get_task(chain_id, task)
        assert record is not None
        assert record.status == FINALIZED
        assert [r.address for r in store.tasks.responses_of(chain_id, task)] == [response]
        proxy.hold_answer_to = set()
        proxy.release.set()
        # It read the task as NEW at its older block: nothing moves back.
        assert await reading == 0
        record = store.tasks.get_task(chain_id, task)
        assert record is not None
        assert record.status == FINALIZED
        shown = [u.status for u in updates if u.task == task]
        assert shown == sorted(shown)
        assert shown[-1] == FINALIZED
    finally:
        proxy.release.set()
        await session.close()
        proxy.stop()


@pytest.mark.asyncio
@pytest.mark.parametrize("refusal", ["error-object", "http-413", "truncated"])
async def test_status_reads_halve_their_batches_when_the_endpoint_refuses_them(
    protocol: ProtocolEnv, store: Store, refusal: str
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store)
    try:
        signer = LocalTestSigner.random(protocol.anvil.chain_id)
        fund(protocol.anvil, signer.address)
        service = PublishService(session)
        await ActionService(session).deposit(signer, MIN_PAYMENT * 12)
        preview = await service.preview(
            [{"function_name": "inference", "data": {"input": f"t{i}"}} for i in range(12)],
            source=protocol.manual_source, payment_wei=MIN_PAYMENT, duration_s=900,
            sender=signer.address,
        )
        tasks = [t.task for t in (await service.execute(preview, signer)).published]
        assert len(tasks) == 12
        for task in tasks[:5]:
            protocol.attempt(task or "")
        tracking = TrackingService(session)
        tracking.status_reader.batch = 8
        proxy.max_batch = 6
        proxy.batch_refusal = refusal
        proxy.reset_counts()
        assert await tracking.reconcile() == 5
        # Eight calls refused; the same tasks again in fours, and the rest in fours too.
        assert proxy.refused_batches == 1
        assert proxy.batch_sizes == [8, 4, 4, 4]
        assert tracking.status_reader.batch == 4
        stored = {a: s for a, s in store.tasks.open_statuses(session.chain_id).items()
                  if a in tasks}
        assert sorted(stored.values()) == [0] * 7 + [ATTEMPTED] * 5
        proxy.reset_counts()
        assert await tracking.reconcile() == 0
        assert proxy.batch_sizes == [4, 4, 4]  # the smaller size is kept
    finally:
        await session.close()
        proxy.stop()


@pytest.mark.asyncio
async def test_stopping_the_tracker_ends_a_status_read_in_flight(
    protocol: ProtocolEnv, store: Store
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store)
    try:
        _, (task,) = await publish(session, protocol, protocol.manual_source)
        tracking = TrackingService(session)
        proxy.hold_answer_to = {"eth_call"}
        await asyncio.wait_for(tracking.step(0), 30)
        assert await asyncio.to_thread(proxy.holding.wait, 30)
        reading = tracking.running_reconcile
        assert reading is not None
        protocol.attempt(task)
        await tracking.stop()  # as the app does before it closes the session
        assert reading.cancelled()
        assert tracking.running_reconcile is None
        record = store.tasks.get_task(session.chain_id, task)
        assert record is not None
        assert record.status == 0  # nothing written by the cancelled read
    finally:
        proxy.hold_answer_to = set()
        proxy.release.set()
        await session.close()
        proxy.stop()
