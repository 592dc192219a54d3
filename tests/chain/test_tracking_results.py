"""Tracking many tasks with one log query per poll, RPC faults, results with caps and fallbacks."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from ogpu_desktop.chain.errors import FetchError, RpcUnreachableError
from ogpu_desktop.domain.result_views import LabelScoresView, PlainTextView
from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.results import ResultsService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService
from ogpu_desktop.services.tracking import (
    TaskUpdate,
    TrackerHealth,
    TrackingService,
    display_status,
)
from ogpu_desktop.store import Store
from tests.chain.anvil_node import rpc
from tests.chain.conftest import fund
from tests.chain.ipfs_server import IpfsServer
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.test_signer import LocalTestSigner

SENTIMENT = {"result": {"output": [{"label": "POSITIVE", "score": 0.98}]}}


async def publish(
    session: ChainSession, protocol: ProtocolEnv, source: str, count: int = 1
) -> tuple[LocalTestSigner, list[str]]:
    signer = LocalTestSigner.random(protocol.anvil.chain_id)
    fund(protocol.anvil, signer.address)
    await ActionService(session).deposit(signer, MIN_PAYMENT * count)
    service = PublishService(session)
    configs = [{"function_name": "inference", "data": {"input": f"x{i}"}} for i in range(count)]
    preview = await service.preview(configs, source=source, payment_wei=MIN_PAYMENT,
                                    duration_s=900, sender=signer.address)
    outcome = await service.execute(preview, signer)
    assert outcome.all_published, [t.message for t in outcome.tasks]
    return signer, [t.task or "" for t in outcome.tasks]


@pytest.mark.asyncio
async def test_tracker_follows_the_whole_lifecycle_with_one_log_query_per_poll(
    protocol: ProtocolEnv, store: Store
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store)
    try:
        signer, (manual,) = await publish(session, protocol, protocol.manual_source)
        _, (first,) = await publish(session, protocol, protocol.first_response_source)
        tracking = TrackingService(session)
        updates: list[TaskUpdate] = []
        tracking.updates.subscribe(updates.append)
        await tracking.poll_once()
        protocol.attempt(manual)
        response = protocol.respond(manual, json.dumps(SENTIMENT))
        protocol.attempt(first)
        protocol.respond(first, "done")
        proxy.reset_counts()
        summary = await tracking.poll_once()
        assert proxy.methods["eth_getLogs"] == 1
        assert summary.log_requests == 1
        assert summary.tracked == 2
        m = store.tasks.get_task(session.chain_id, manual)
        f = store.tasks.get_task(session.chain_id, first)
        assert m is not None
        assert f is not None
        assert (m.status, m.attempt_count) == (2, 1)
        assert f.status == 5  # FIRST_RESPONSE finalizes at once
        assert [r.address for r in store.tasks.responses_of(session.chain_id, manual)] == [
            response
        ]
        assert any(u.task == manual and u.new_responses == (response,) for u in updates)
        await tracking.poll_once()  # the reorg margin re-reads blocks: nothing doubles
        m2 = store.tasks.get_task(session.chain_id, manual)
        assert m2 is not None
        assert m2.attempt_count == 1
        await ActionService(session).confirm(signer, response)
        await tracking.poll_once()
        m3 = store.tasks.get_task(session.chain_id, manual)
        assert m3 is not None
        assert m3.status == 5
        (resp,) = store.tasks.responses_of(session.chain_id, manual)
        assert resp.status == 1
    finally:
        await session.close()
        proxy.stop()


@pytest.mark.asyncio
async def test_small_chunks_give_the_same_answer(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    _, (task,) = await publish(session, protocol, protocol.manual_source)
    protocol.attempt(task)
    tracking = TrackingService(session, chunk_blocks=1)
    summary = await tracking.poll_once()
    assert summary.log_requests > 1
    record = session.store.tasks.get_task(session.chain_id, task)
    assert record is not None
    assert (record.status, record.attempt_count) == (1, 1)


@pytest.mark.asyncio
async def test_catching_up_is_spread_over_several_polls(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    _, (task,) = await publish(session, protocol, protocol.manual_source)
    protocol.attempt(task)
    rpc(protocol.anvil.url, "anvil_mine", [hex(8)])
    protocol.respond(task, "late answer")
    tracking = TrackingService(session, chunk_blocks=2)
    tracking.tracker.max_chunks = 2
    tracking.tracker.reorg_margin = 1
    nexus = session.network.contracts.nexus
    cursors = []
    for _ in range(40):
        summary = await tracking.poll_once()
        assert summary.log_requests <= 2
        cursors.append(session.store.misc.get_cursor(session.chain_id, nexus))
        record = session.store.tasks.get_task(session.chain_id, task)
        assert record is not None
        if record.status == 2:
            break
    assert cursors == sorted(cursors)
    assert len(set(cursors)) >= 3
    record = session.store.tasks.get_task(session.chain_id, task)
    assert record is not None
    assert (record.status, record.attempt_count) == (2, 1)


@pytest.mark.asyncio
async def test_rpc_down_mid_poll_backs_off_and_catches_up(
    protocol: ProtocolEnv, store: Store
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store, timeout=3)
    try:
        _, (task,) = await publish(session, protocol, protocol.manual_source)
        tracking = TrackingService(session, base_backoff_s=1, max_backoff_s=4)
        health: list[TrackerHealth] = []
        tracking.health.subscribe(health.append)
        assert await tracking.step(1) == tracking.poll_interval_s
        cursor = store.misc.get_cursor(session.chain_id, session.network.contracts.nexus)
        proxy.down = True
        protocol.attempt(task)  # happens while the app cannot see the chain
        delays = [await tracking.step(n) for n in range(2, 6)]
        assert delays == [1, 2, 4, 4]
        assert not health[-1].ok
        assert "Cannot reach" in health[-1].message
        assert store.misc.get_cursor(session.chain_id, session.network.contracts.nexus) == cursor
        proxy.down = False
        assert await tracking.step(7) == tracking.poll_interval_s
        assert health[-1].ok
        assert tracking.failures == 0
        record = store.tasks.get_task(session.chain_id, task)
        assert record is not None
        assert record.status == 1
    finally:
        await session.close()
        proxy.stop()


@pytest.mark.asyncio
async def test_rpc_down_at_start_is_a_plain_error(protocol: ProtocolEnv, store: Store) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    proxy.down = True
    try:
        with pytest.raises(RpcUnreachableError, match="Cannot reach"):
            await ChainSession.open(protocol.network(proxy.url), store, timeout=3)
    finally:
        proxy.stop()


@pytest.mark.asyncio
async def test_reconciliation_reads_statuses_in_one_batched_request(
    protocol: ProtocolEnv, store: Store
) -> None:
    proxy = RpcProxy(protocol.anvil.url).start()
    session = await ChainSession.open(protocol.network(proxy.url), store)
    try:
        _, tasks = await publish(session, protocol, protocol.first_response_source, count=30)
        protocol.attempt(tasks[0])
        protocol.respond(tasks[0], "ok")
        tracking = TrackingService(session)
        head = await tracking.tracker.head()  # the poll loop passes its poll's head
        proxy.reset_counts()
        changed = await tracking.reconcile(at_block=head)
        assert changed == 1
        assert proxy.http_requests == 1
        # One getStatus per task: the expiry is in the history already (it was signed).
        assert proxy.methods["eth_call"] == 30
        assert proxy.batch_sizes == [30]
        record = store.tasks.get_task(session.chain_id, tasks[0])
        assert record is not None
        assert record.status == 5
    finally:
        await session.close()
        proxy.stop()


def test_a_task_past_expiry_shows_as_expired_before_settlement() -> None:
    assert display_status(1, expiry_time=1000, now=1001) is TaskState.EXPIRED_UNSETTLED
    assert display_status(0, expiry_time=1000, now=999) is TaskState.NEW
    assert display_status(5, expiry_time=1000, now=5000) is TaskState.FINALIZED


@pytest.mark.asyncio
async def test_cancel_only_while_new(session: ChainSession, protocol: ProtocolEnv) -> None:
    signer, (a, b) = await publish(session, protocol, protocol.manual_source, count=2)
    actions = ActionService(session)
    before = await actions.balances(signer.address)
    await actions.cancel(signer, a)
    assert await actions.task_status(a) == 3
    after = await actions.balances(signer.address)
    assert after.vault_available == before.vault_available + MIN_PAYMENT
    protocol.attempt(b)
    with pytest.raises(Exception, match="can no longer be cancelled: it is being worked on"):
        await actions.cancel(signer, b)


@pytest.mark.asyncio
async def test_vault_deposit_withdraw_and_balances(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = LocalTestSigner.random(protocol.anvil.chain_id)
    fund(protocol.anvil, signer.address, 10**19)
    actions = ActionService(session)
    await actions.deposit(signer, 3 * 10**18)
    bal = await actions.balances(signer.address)
    assert (bal.vault_available, bal.escrowed) == (3 * 10**18, 0)
    assert 6 * 10**18 < bal.wallet < 7 * 10**18
    with pytest.raises(Exception, match="vault has 3 ETH available; this withdrawal needs 4 ETH"):
        await actions.withdraw(signer, 4 * 10**18)
    await actions.withdraw(signer, 10**18)
    assert (await actions.balances(signer.address)).vault_available == 2 * 10**18


@pytest.mark.asyncio
async def test_source_discovery_reads_terms_names_and_pipelines(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    found = {s.address: s for s in await SourceService(session).discover()}
    manual = found[protocol.manual_source]
    assert (manual.name, manual.pipeline_task, manual.delivery_method) == (
        "Test text-classification", "text-classification", 0,
    )
    assert found[protocol.first_response_source].pipeline_model == "openai-community/gpt2"
    assert manual.min_payment_wei == MIN_PAYMENT
    cached = session.store.misc.cached_source_info(session.chain_id, protocol.manual_source)
    assert cached is not None


@pytest.mark.asyncio
async def test_results_from_url_inline_and_text_are_cached_and_normalised(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    _, (a, b, c) = await publish(session, protocol, protocol.manual_source, count=3)
    link = protocol.ipfs.link(json.dumps(SENTIMENT).encode())
    for task in (a, b, c):
        protocol.attempt(task)
    by_url = protocol.respond(a, link)
    inline = protocol.respond(b, json.dumps(SENTIMENT))
    text = protocol.respond(c, "just words")
    results = ResultsService(session)
    first = await results.fetch(by_url)
    assert isinstance(first.view, LabelScoresView)
    assert first.view.items[0].label == "POSITIVE"
    assert (first.origin, first.from_cache, first.fetched_from) == ("url", False, link)
    gets = protocol.ipfs.gets
    again = await results.fetch(by_url)
    assert again.from_cache
    assert protocol.ipfs.gets == gets
    assert isinstance((await results.fetch(inline)).view, LabelScoresView)
    plain = (await results.fetch(text)).view
    assert isinstance(plain, PlainTextView)
    assert plain.text == "just words"


@pytest.mark.asyncio
async def test_gateway_fallback_huge_and_malformed_payloads(
    session: ChainSession, protocol: ProtocolEnv, store: Store
) -> None:
    backup = IpfsServer().start()
    fallback_session = await ChainSession.open(
        replace(protocol.network(), gateways=(backup.url + "/ipfs/",)), store
    )
    try:
        _, tasks = await publish(session, protocol, protocol.manual_source, count=3)
        for task in tasks:
            protocol.attempt(task)
        body = json.dumps(SENTIMENT).encode()
        cid = protocol.ipfs.add(body)
        backup.add(body)
        protocol.ipfs.broken_gets.add(cid)
        moved = protocol.respond(tasks[0], f"{protocol.ipfs.url}/ipfs/{cid}")
        huge = protocol.respond(tasks[1], f"{protocol.ipfs.url}/ipfs/huge")
        bad = protocol.respond(tasks[2], protocol.ipfs.link(b'{"result": [ {"label": oops'))
        results = ResultsService(fallback_session)
        got = await results.fetch(moved)
        assert got.fetched_from == f"{backup.url}/ipfs/{cid}"
        assert isinstance(got.view, LabelScoresView)
        with pytest.raises(FetchError, match="larger than 5 MB"):
            await results.fetch(huge)
        assert store.misc.get_result(session.chain_id, huge) is None
        malformed = await results.fetch(bad)
        assert isinstance(malformed.view, PlainTextView)
        assert "oops" in malformed.raw
    finally:
        await fallback_session.close()
        backup.stop()
