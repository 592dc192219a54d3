"""The chain client against a real Sandbox node process (EVM, pinning, faucet, provider)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from ogpu_desktop.chain.networks import NetworkKind, sandbox_network
from ogpu_desktop.domain.result_views import LabelScoresView
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.results import ResultsService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import Store
from tests.helpers.sandbox import running_sandbox, source_address
from tests.helpers.test_signer import LocalTestSigner


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, Any]]:
    with running_sandbox() as info:
        yield info


@pytest_asyncio.fixture
async def sbx_session(sandbox: dict[str, Any], store: Store) -> AsyncIterator[ChainSession]:
    session = await ChainSession.open(sandbox_network(sandbox), store)
    yield session
    await session.close()


async def funded(session: ChainSession, info: dict[str, Any], deposit: int) -> LocalTestSigner:
    signer = LocalTestSigner.random(session.chain_id)
    async with httpx.AsyncClient() as http:
        answer = await http.post(info["faucet_url"], json={"address": signer.address},
                                 timeout=60)
    assert answer.status_code == 200, answer.text
    for _ in range(100):
        if await session.client.w3.eth.get_balance(signer.address) > 0:  # type: ignore[arg-type]
            break
        await asyncio.sleep(0.1)
    await ActionService(session).deposit(signer, deposit)
    return signer


async def wait_for_status(tracking: TrackingService, session: ChainSession, task: str,
                          wanted: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await tracking.poll_once()
        record = session.store.tasks.get_task(session.chain_id, task)
        if record is not None and record.status == wanted:
            return
        await asyncio.sleep(0.3)
    pytest.fail(f"task {task} never reached status {wanted}")


@pytest.mark.asyncio
async def test_connecting_through_the_info_document(
    sandbox: dict[str, Any], store: Store
) -> None:
    session = await ChainSession.open_sandbox(sandbox["rpc_url"] + "/info", store)
    try:
        assert session.chain_id == sandbox["chain_id"]
        assert session.network.contracts.nexus == sandbox["contracts"]["nexus"]
        assert session.network.pinning_url == sandbox["pinning_url"]
    finally:
        await session.close()


@pytest.mark.asyncio
async def test_sandbox_description_and_source_discovery(
    sandbox: dict[str, Any], sbx_session: ChainSession
) -> None:
    assert sbx_session.network.kind is NetworkKind.SANDBOX
    found = await SourceService(sbx_session).discover()
    assert {s.address for s in found} == {s["address"] for s in sandbox["sources"]}
    pipelines = {s.pipeline_task for s in found}
    assert {"text-classification", "translation", "visual-question-answering"} <= pipelines
    assert all(s.name for s in found)


@pytest.mark.asyncio
async def test_publish_track_and_fetch_the_result_on_the_sandbox(
    sandbox: dict[str, Any], sbx_session: ChainSession
) -> None:
    source = source_address(sandbox, "text-classification", "FIRST_RESPONSE")
    info = await SourceService(sbx_session).get(source)
    signer = await funded(sbx_session, sandbox, info.min_payment_wei * 2)
    service = PublishService(sbx_session)
    config = {"function_name": "inference", "data": {"input": "What a lovely day", "args": {}}}
    preview = await service.preview([config], source=source, payment_wei=info.min_payment_wei,
                                    duration_s=600, sender=signer.address,
                                    task_type="text-classification")
    assert preview.can_publish, preview.problems
    outcome = await service.execute(preview, signer)
    (published,) = outcome.published
    tracking = TrackingService(sbx_session)
    await wait_for_status(tracking, sbx_session, published.task or "", 5)
    (response,) = sbx_session.store.tasks.responses_of(sbx_session.chain_id, published.task or "")
    result = await ResultsService(sbx_session).fetch(response.address)
    assert isinstance(result.view, LabelScoresView)
    assert result.view.items


@pytest.mark.asyncio
async def test_manual_confirmation_on_the_sandbox(
    sandbox: dict[str, Any], sbx_session: ChainSession
) -> None:
    source = source_address(sandbox, "text-classification", "MANUAL_CONFIRMATION")
    info = await SourceService(sbx_session).get(source)
    signer = await funded(sbx_session, sandbox, info.min_payment_wei)
    service = PublishService(sbx_session)
    config = {"function_name": "inference", "data": {"input": "Meh", "args": {}}}
    preview = await service.preview([config], source=source, payment_wei=info.min_payment_wei,
                                    duration_s=600, sender=signer.address)
    (published,) = (await service.execute(preview, signer)).published
    task = published.task or ""
    tracking = TrackingService(sbx_session)
    await wait_for_status(tracking, sbx_session, task, 2)
    (response,) = sbx_session.store.tasks.responses_of(sbx_session.chain_id, task)
    await ActionService(sbx_session).confirm(signer, response.address)
    await wait_for_status(tracking, sbx_session, task, 5)
    balances = await ActionService(sbx_session).balances(signer.address)
    assert balances.escrowed == 0


@pytest.mark.asyncio
async def test_batch_of_twenty_on_the_sandbox(
    sandbox: dict[str, Any], sbx_session: ChainSession
) -> None:
    source = source_address(sandbox, "translation", "FIRST_RESPONSE")
    info = await SourceService(sbx_session).get(source)
    signer = await funded(sbx_session, sandbox, info.min_payment_wei * 20)
    service = PublishService(sbx_session)
    configs = [{"function_name": "inference", "data": {"input": f"Hello {i}", "args": {}}}
               for i in range(20)]
    preview = await service.preview(configs, source=source, payment_wei=info.min_payment_wei,
                                    duration_s=900, sender=signer.address)
    assert preview.total_payment_wei == 20 * info.min_payment_wei
    outcome = await service.execute(preview, signer)
    assert outcome.all_published, [t.message for t in outcome.tasks]
    assert len({t.task for t in outcome.tasks}) == 20
