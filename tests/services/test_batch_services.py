"""The batch services on a real Sandbox whose provider never answers: tasks wait until acted on.

Pause and stop between chunks, retry of expired inputs (a new task each), cancel of the waiting
ones, and a publish interrupted between the journal and the send, resumed without a second task.
Every transaction is real (signed locally, mined by the Sandbox's EVM).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.domain.batch_entries import BatchListing
from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus
from ogpu_desktop.domain.signing import SignedTransaction
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.batch_models import BatchProgress, BatchSettings, BatchStage, RunEnd
from ogpu_desktop.services.batch_publish import BatchPublisher
from ogpu_desktop.services.batch_results import BatchResults
from ogpu_desktop.services.batch_review import list_inputs, review_batch
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import Store
from tests.helpers.batch_files import lines_txt
from tests.helpers.sandbox import ETHER, fund, silent_sandbox_info, source_address
from tests.helpers.test_signer import LocalTestSigner

__all__ = ["silent_sandbox_info"]

PAYMENT = 10**15
TYPE = "text-classification"


class _Crash(BaseException):
    """Stands for the process dying: nothing in the app catches it."""


@pytest_asyncio.fixture
async def session(
    silent_sandbox_info: dict[str, Any], tmp_path: Path
) -> AsyncIterator[ChainSession]:
    store = Store(tmp_path / "history.sqlite3")
    opened = await ChainSession.open(sandbox_network(silent_sandbox_info), store)
    yield opened
    await opened.close()
    store.close()


@pytest_asyncio.fixture
async def signer(silent_sandbox_info: dict[str, Any], session: ChainSession) -> LocalTestSigner:
    made = LocalTestSigner.random(session.chain_id)
    await asyncio.to_thread(fund, silent_sandbox_info, made.address, 100 * ETHER)
    await ActionService(session).deposit(made, 50 * PAYMENT)
    return made


async def _batch(
    session: ChainSession, info: dict[str, Any], folder: Path, count: int
) -> tuple[int, BatchListing]:
    listing = await list_inputs([lines_txt(folder / "prompts.txt", count)], TYPE)
    settings = BatchSettings(TYPE, source_address(info, TYPE), PAYMENT, 600)
    return BatchPublisher(session).create(listing, settings), listing


def _tasks(session: ChainSession, batch_id: int) -> list[str | None]:
    return [i.task for i in session.store.batches.items(batch_id)]


@pytest.mark.asyncio
async def test_review_prices_every_task_and_names_the_refusals(
    session: ChainSession, signer: LocalTestSigner, silent_sandbox_info: dict[str, Any],
    tmp_path: Path,
) -> None:
    prompts = lines_txt(tmp_path / "p.txt", 4)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG not really")
    listing = await list_inputs([prompts, tmp_path / "photo.png"], TYPE)
    settings = BatchSettings(TYPE, source_address(silent_sandbox_info, TYPE), 2 * PAYMENT, 600)
    review = await review_batch(session, listing, settings, signer.address)
    assert review.task_count == 4
    assert review.total_payment_wei == 8 * PAYMENT
    assert review.deposit_needed_wei == 0  # 50 tasks' worth is in the vault
    assert 0 < review.likely_fee_wei <= review.max_fee_wei
    assert review.likely_fee_wei % (review.gas_per_task * 4) == 0  # one estimate, four tasks
    assert review.can_publish
    assert [r.label for r in review.refused] == ["photo.png"]
    text = "\n".join(review.lines())
    assert "0.002 OGPU each, 0.008 OGPU for 4 tasks" in text
    assert "Refused: photo.png:" in text
    poor = LocalTestSigner.random(session.chain_id)
    await asyncio.to_thread(fund, silent_sandbox_info, poor.address, ETHER)
    short = await review_batch(session, listing, settings, poor.address)
    assert short.deposit_needed_wei == 8 * PAYMENT
    assert short.can_publish  # a deposit is offered, not a problem


@pytest.mark.asyncio
async def test_pause_waits_after_a_chunk_and_resume_publishes_the_rest(
    session: ChainSession, signer: LocalTestSigner, silent_sandbox_info: dict[str, Any],
    tmp_path: Path,
) -> None:
    batch_id, _listing = await _batch(session, silent_sandbox_info, tmp_path, 6)
    publisher = BatchPublisher(session, chunk_size=2)
    events: list[BatchProgress] = []

    def on_progress(event: BatchProgress) -> None:
        events.append(event)
        if event.message.startswith("Chunk of") and not publisher.paused and len(events) < 5:
            publisher.pause()

    publisher.progress.subscribe(on_progress)
    run = asyncio.ensure_future(publisher.publish(batch_id, signer))
    while not any(e.stage is BatchStage.PAUSED for e in events):
        assert not run.done(), run.result()
        await asyncio.sleep(0.05)
    counts = session.store.batches.counts(batch_id)
    assert counts == {BatchItemStatus.WAITING: 2, BatchItemStatus.PENDING: 4}
    publisher.resume()
    outcome = await run
    assert outcome.end is RunEnd.DONE
    assert outcome.published == 6  # before the pause and after it, in one run
    tasks = _tasks(session, batch_id)
    assert None not in tasks
    assert len(set(tasks)) == 6


@pytest.mark.asyncio
async def test_stop_leaves_the_rest_pending_and_a_new_run_continues(
    session: ChainSession, signer: LocalTestSigner, silent_sandbox_info: dict[str, Any],
    tmp_path: Path,
) -> None:
    batch_id, _listing = await _batch(session, silent_sandbox_info, tmp_path, 5)
    publisher = BatchPublisher(session, chunk_size=2)
    publisher.progress.subscribe(
        lambda e: publisher.stop() if e.message.startswith("Chunk of") else None
    )
    outcome = await publisher.publish(batch_id, signer)
    assert outcome.end is RunEnd.STOPPED
    assert session.store.batches.counts(batch_id) == {
        BatchItemStatus.WAITING: 2, BatchItemStatus.PENDING: 3
    }
    again = await BatchPublisher(session, chunk_size=2).publish(batch_id, signer)
    assert (again.end, again.published) == (RunEnd.DONE, 3)
    tasks = _tasks(session, batch_id)
    assert len(set(tasks)) == 5
    assert session.store.tasks.count_tasks(session.chain_id) == 5  # nothing twice
    (summary,) = BatchResults(session).batches()
    assert (summary.info.batch_id, summary.accepted, summary.final) == (batch_id, 5, 0)


@pytest.mark.asyncio
async def test_expired_inputs_are_retried_as_new_tasks_with_the_same_settings(
    session: ChainSession, signer: LocalTestSigner, silent_sandbox_info: dict[str, Any],
    tmp_path: Path,
) -> None:
    batch_id, _listing = await _batch(session, silent_sandbox_info, tmp_path, 3)
    publisher = BatchPublisher(session)
    await publisher.publish(batch_id, signer)
    results = BatchResults(session)
    first = _tasks(session, batch_id)
    # Judged an hour on, the unanswered tasks are past their expiry: expired.
    counts = await results.refresh(batch_id, now=time.time() + 3600)
    assert counts == {BatchItemStatus.EXPIRED: 3}
    assert [i.index for i in results.items(batch_id, BatchFilter.EXPIRED)] == [0, 1, 2]
    assert results.retry(batch_id, [0, 2]) == [0, 2]
    assert results.items(batch_id, BatchFilter.WAITING)[0].earlier_tasks == (first[0],)
    outcome = await publisher.publish(batch_id, signer)
    assert outcome.published == 2
    second = _tasks(session, batch_id)
    assert second[1] == first[1]
    assert second[0] not in first
    assert second[2] not in first
    for old, new in ((first[0], second[0]), (first[2], second[2])):
        assert old is not None
        assert new is not None
        old_task = session.store.tasks.get_task(session.chain_id, old)
        new_task = session.store.tasks.get_task(session.chain_id, new)
        assert old_task is not None
        assert new_task is not None
        assert new_task.config_json == old_task.config_json
        assert new_task.payment_wei == old_task.payment_wei == PAYMENT


@pytest.mark.asyncio
async def test_cancel_ends_the_waiting_tasks_and_returns_their_payment(
    session: ChainSession, signer: LocalTestSigner, silent_sandbox_info: dict[str, Any],
    tmp_path: Path,
) -> None:
    batch_id, _listing = await _batch(session, silent_sandbox_info, tmp_path, 3)
    await BatchPublisher(session).publish(batch_id, signer)
    actions = ActionService(session)
    before = await actions.balances(signer.address)
    results = BatchResults(session)
    report = await results.cancel_waiting(batch_id, signer, [0, 1])
    assert report.canceled == (0, 1)
    assert report.not_cancelable == ()
    after = await actions.balances(signer.address)
    assert after.vault_available == before.vault_available + 2 * PAYMENT
    tracking = TrackingService(session)
    await tracking.poll_once()
    counts = await results.refresh(batch_id)
    assert counts == {BatchItemStatus.CANCELED: 2, BatchItemStatus.WAITING: 1}
    for task in _tasks(session, batch_id)[:2]:
        assert task is not None
        assert await actions.task_status(task) == 3  # CANCELED on chain
    assert await results.export_csv(batch_id, tmp_path / "out" / "batch.csv") == 3
    table = (tmp_path / "out" / "batch.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table[0] == "input,status,task,headline,score,error"
    assert [line.split(",")[:2] for line in table[1:]] == [
        ["prompts.txt:1", "canceled"], ["prompts.txt:2", "canceled"],
        ["prompts.txt:3", "waiting"],
    ]
    assert await results.export_json(batch_id, tmp_path / "batch.json") == 3
    exported = json.loads((tmp_path / "batch.json").read_text(encoding="utf-8"))
    assert exported["task_type"] == TYPE
    assert [(i["line"], i["status"], i["text"]) for i in exported["items"]] == [
        (1, "canceled", "Prompt number 1"), (2, "canceled", "Prompt number 2"),
        (3, "waiting", "Prompt number 3"),
    ]


@pytest.mark.asyncio
async def test_a_publish_journaled_but_never_sent_is_sent_once_on_resume(
    session: ChainSession, signer: LocalTestSigner, silent_sandbox_info: dict[str, Any],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch_id, _listing = await _batch(session, silent_sandbox_info, tmp_path, 3)

    async def die(signed: SignedTransaction, *, claim: bool = True) -> None:
        raise _Crash(signed.tx_hash)

    monkeypatch.setattr(session.journal, "broadcast", die)
    with pytest.raises(_Crash):
        await BatchPublisher(session).publish(batch_id, signer)
    monkeypatch.undo()
    first = session.store.batches.item(batch_id, 0)
    assert first is not None
    assert first.tx_hash is not None
    assert first.task is None
    entry = session.store.journal.journal_get(first.tx_hash)
    assert entry is not None
    assert entry.state == "signed"  # journaled, never sent

    publisher = BatchPublisher(session)
    outcome = await publisher.publish(batch_id, signer)
    assert outcome.end is RunEnd.DONE
    for _ in range(200):  # the re-sent publish is in flight until it is seen mined
        report = await publisher.reconcile(batch_id)
        if None not in _tasks(session, batch_id):
            break
        assert report.unsent == 0
        await asyncio.sleep(0.1)
    tasks = _tasks(session, batch_id)
    assert None not in tasks
    assert len(set(tasks)) == 3
    item = session.store.batches.item(batch_id, 0)
    assert item is not None
    assert item.tx_hash == first.tx_hash  # the journaled bytes were sent, not a second task
    assert session.store.tasks.count_tasks(session.chain_id) == 3
