"""Publishing against the Sandbox contracts on anvil: preview, pin, sign, journal, send, record."""

from __future__ import annotations

import json

import pytest

from ogpu_desktop.chain.errors import ChainError, PinError, TransactionRevertedError
from ogpu_desktop.chain.ipfs import pin_json
from ogpu_desktop.chain.transactions import dry_run
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.progress import PublishProgress, PublishStage
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from tests.chain.conftest import fund, funded_signer, preview_manual
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv
from tests.helpers.test_signer import LocalTestSigner

CONFIG = {"function_name": "inference", "data": {"input": "I love it", "args": {}}}


@pytest.mark.asyncio
async def test_preview_shows_exact_config_terms_pipeline_fees_and_balances(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = await funded_signer(session, protocol, MIN_PAYMENT)
    preview = await PublishService(session).preview(
        [CONFIG], source=protocol.manual_source, payment_wei=MIN_PAYMENT, duration_s=600,
        sender=signer.address, task_type="text-classification",
    )
    assert preview.can_publish, preview.problems
    assert preview.config_texts == (json.dumps(CONFIG),)
    assert preview.source.pipeline_task == "text-classification"
    assert preview.source.name == "Test text-classification"
    assert preview.source.delivery_method == 0
    assert preview.vault_available_wei == MIN_PAYMENT
    assert preview.fees.is_eip1559
    assert 50_000 < preview.gas_per_task < 5_000_000
    assert preview.max_fee_wei == preview.gas_per_task * preview.fees.price_cap
    assert any("confirm" in n for n in preview.notices)
    with pytest.raises(AttributeError):
        preview.payment_wei = 1  # type: ignore[misc]


@pytest.mark.asyncio
async def test_preview_lists_what_blocks_publishing(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = LocalTestSigner.random(protocol.anvil.chain_id)
    fund(protocol.anvil, signer.address)
    preview = await PublishService(session).preview(
        [CONFIG], source=protocol.manual_source, payment_wei=MIN_PAYMENT // 2, duration_s=600,
        sender=signer.address,
    )
    assert not preview.can_publish
    text = " ".join(preview.problems)
    assert "asks at least" in text
    assert "Deposit at least" in text
    with pytest.raises(Exception, match="asks at least"):
        await PublishService(session).execute(preview, signer)
    assert signer.signed_count == 0


@pytest.mark.asyncio
async def test_dry_run_shows_the_contract_revert_reason(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    call = session.contracts.publish_task(
        source=protocol.manual_source, config_url="https://x/ipfs/Qm", expiry_time=2**40,
        payment=0,
    )
    with pytest.raises(TransactionRevertedError) as info:
        await dry_run(session.client, call, protocol.provider)
    assert "The payment must be more than zero" in info.value.message
    assert info.value.message.startswith("Publishing the task was refused by the contract")


@pytest.mark.asyncio
async def test_publish_pins_journals_sends_and_records_the_task(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = await funded_signer(session, protocol, MIN_PAYMENT)
    service = PublishService(session)
    preview = await preview_manual(service, protocol, signer, [CONFIG])
    events: list[PublishProgress] = []
    outcome = await service.execute(preview, signer, events.append)
    (task,) = outcome.tasks
    assert task.state == "published", task.message
    assert [e.stage for e in events] == [
        PublishStage.PIN, PublishStage.SIGN, PublishStage.SEND, PublishStage.CONFIRMED,
    ]
    assert events[-1].task == task.task
    record = session.store.tasks.get_task(session.chain_id, task.task or "")
    assert record is not None
    assert record.config_json == json.dumps(CONFIG)
    assert record.payment_wei == MIN_PAYMENT
    assert record.source == protocol.manual_source
    cid = record.config_url.rsplit("/", 1)[1]
    assert protocol.ipfs.files[cid] == json.dumps(CONFIG).encode()
    entry = session.store.journal.journal_get(task.tx_hash or "")
    assert entry is not None
    assert entry.state == "mined"
    assert entry.kind == "publish"
    params = await session.contracts.task(task.task or "").functions.taskParams().call()
    assert params[1] == record.config_url
    balances = await ActionService(session).balances(signer.address)
    assert (balances.vault_available, balances.escrowed) == (0, MIN_PAYMENT)


@pytest.mark.asyncio
async def test_batch_of_twenty_uses_consecutive_nonces(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = await funded_signer(session, protocol, 20 * MIN_PAYMENT)
    service = PublishService(session)
    configs = [{"function_name": "inference", "data": {"input": f"text {i}"}} for i in range(20)]
    preview = await service.preview(
        configs, source=protocol.first_response_source, payment_wei=MIN_PAYMENT,
        duration_s=900, sender=signer.address,
    )
    assert preview.count == 20
    assert preview.total_payment_wei == 20 * MIN_PAYMENT
    assert preview.max_fee_wei == 20 * preview.gas_per_task * preview.fees.price_cap
    stages: dict[int, list[PublishStage]] = {}
    outcome = await service.execute(
        preview, signer, lambda e: stages.setdefault(e.index, []).append(e.stage)
    )
    assert outcome.all_published, [t.message for t in outcome.tasks]
    assert len({t.task for t in outcome.tasks}) == 20
    assert all(stages[i][-1] is PublishStage.CONFIRMED for i in range(20))
    entries = [session.store.journal.journal_get(t.tx_hash or "") for t in outcome.tasks]
    nonces = [e.nonce for e in entries if e is not None]
    assert nonces == list(range(nonces[0], nonces[0] + 20))
    assert session.store.tasks.count_tasks(session.chain_id) >= 20


@pytest.mark.asyncio
async def test_a_batch_pins_its_configurations_in_parallel(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = await funded_signer(session, protocol, 6 * MIN_PAYMENT)
    service = PublishService(session)
    configs = [{"function_name": "inference", "data": {"input": f"p{i}"}} for i in range(6)]
    preview = await preview_manual(service, protocol, signer, configs)
    protocol.ipfs.most_pins_at_once = 0
    protocol.ipfs.pin_gathering = 3
    try:
        outcome = await service.execute(preview, signer)
    finally:
        protocol.ipfs.pin_gathering = 0
    assert outcome.all_published, [t.message for t in outcome.tasks]
    assert protocol.ipfs.most_pins_at_once >= 3
    links = [session.store.tasks.get_task(session.chain_id, t.task or "") for t in outcome.tasks]
    # Each task carries the link of its own configuration, whatever order the pins finished in.
    for record, text in zip(links, preview.config_texts, strict=True):
        assert record is not None
        assert record.config_json == text
        cid = record.config_url.rsplit("/", 1)[-1]
        assert protocol.ipfs.files[cid].decode() == text


@pytest.mark.asyncio
async def test_batch_failing_midway_reports_which_tasks_succeeded(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = await funded_signer(session, protocol, 5 * MIN_PAYMENT)
    service = PublishService(session)
    configs = [{"function_name": "inference", "data": {"input": f"t{i}"}} for i in range(5)]
    preview = await preview_manual(service, protocol, signer, configs)
    protocol.ipfs.pin_faults_for = {b'"t2"': 413}
    try:
        outcome = await service.execute(preview, signer)
    finally:
        protocol.ipfs.pin_faults_for = {}
    assert [t.state for t in outcome.tasks] == [
        "published", "published", "failed", "skipped", "skipped",
    ]
    assert "HTTP 413" in outcome.tasks[2].message
    assert "task 3 failed" in outcome.tasks[3].message
    assert signer.signed_count == 3  # the deposit and the two published tasks


@pytest.mark.asyncio
async def test_pinning_5xx_is_retried_and_4xx_or_malformed_is_a_clear_error(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    signer = await funded_signer(session, protocol, MIN_PAYMENT)
    service = PublishService(session)
    preview = await preview_manual(service, protocol, signer, [CONFIG])
    for fault, text in ((400, "refused the task configuration (HTTP 400)"),
                        ("malformed", "without a usable link")):
        protocol.ipfs.pin_faults = [fault]
        outcome = await service.execute(preview, signer)
        assert outcome.tasks[0].state == "failed"
        assert text in outcome.tasks[0].message
    assert signer.signed_count == 1  # only the deposit: nothing signed after a failed pin
    pins_before = protocol.ipfs.pins
    protocol.ipfs.pin_faults = [503]
    outcome = await service.execute(preview, signer)
    assert outcome.all_published
    assert protocol.ipfs.pins == pins_before + 2


@pytest.mark.asyncio
async def test_pin_error_after_every_attempt_fails(session: ChainSession) -> None:
    with pytest.raises(PinError, match="after 2 tries"):
        await pin_json(session.http, "http://127.0.0.1:9/file/create", "{}", backoff=0.01)


@pytest.mark.asyncio
async def test_preview_explains_a_wrong_source_address(
    session: ChainSession, protocol: ProtocolEnv
) -> None:
    service = PublishService(session)
    with pytest.raises(ValidationError, match="not a valid source address"):
        await service.preview([CONFIG], source="0x1234", payment_wei=MIN_PAYMENT,
                              duration_s=600, sender=protocol.provider)
    with pytest.raises(ChainError, match="does not look like a source"):
        await service.preview([CONFIG], source="0x" + "77" * 20, payment_wei=MIN_PAYMENT,
                              duration_s=600, sender=protocol.provider)
