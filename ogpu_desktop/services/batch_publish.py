"""Publish a batch in chunks through the journal, so a crash or a quit never sends an input twice.

Usage (window or command; ``publisher.progress`` emits :class:`BatchProgress` events)::

    publisher = BatchPublisher(session)
    batch_id = publisher.create(listing, settings, resume_key="results.csv")
    outcome = await publisher.publish(batch_id, signer)   # BatchRunOutcome
    publisher.pause(); publisher.resume(); publisher.stop()   # from a button, between chunks

How an input is never published twice:

1. Each chunk of pending inputs goes through :meth:`PublishService.execute` (pins in parallel,
   nonces sent without waiting, receipts gathered). Right before the journal records an input's
   signed publish, the input's row notes its transaction hash (``BatchRepo.mark_signed``): no
   publish can be sent that its input does not point to.
2. An input with a hash but no task is *in flight*: it is never signed again. Before publishing,
   and whenever a batch is resumed, :meth:`BatchPublisher.reconcile` asks the journal and the
   chain about each: mined -> its task is recorded; never journaled, dropped (another
   transaction took its nonce) or refused by the node -> pending again (it never reached the
   chain); still waiting -> its same signed bytes are sent again and it stays in flight.

Pausing and stopping act between chunks: the chunk being sent finishes (its nonces are
consecutive: stopping inside it would leave a gap). What is not published stays pending, and
publishing the batch again continues from there.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.chain.transactions import TxState, check_transaction, get_receipt
from ogpu_desktop.domain.batch_configs import BatchPlan, BatchTask
from ogpu_desktop.domain.batch_entries import BatchListing, RefusedEntry
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.domain.image_decoding import ImageError
from ogpu_desktop.domain.images import DEFAULT_OPTIONS, EncodeOptions
from ogpu_desktop.domain.payload import PayloadValidationError
from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner
from ogpu_desktop.errors import UserFacingError, ValidationError
from ogpu_desktop.services.batch_models import (
    BatchProgress,
    BatchRunOutcome,
    BatchSettings,
    BatchStage,
    ResumeReport,
    RunEnd,
)
from ogpu_desktop.services.batch_review import plan_for
from ogpu_desktop.services.progress import EventHub, PublishProgress, PublishStage
from ogpu_desktop.services.publish import MAX_BATCH, PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService
from ogpu_desktop.services.task_records import record_mined_publish
from ogpu_desktop.store import BatchItemRecord, JournalEntry
from ogpu_desktop.store.journal import OPEN_STATES

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 50
"""Inputs published together: a pause or a stop waits for at most one chunk."""
NOT_SENT = ("dropped",)


@dataclass
class _Chunk:
    """One chunk being published: its inputs and their built tasks, in order."""

    items: list[BatchItemRecord]
    tasks: list[BatchTask]


@dataclass
class _NextChunk:
    """The next chunk to send (``None``: nothing left), and how many inputs failed to build."""

    chunk: _Chunk | None
    failed: int = 0


class BatchPublisher:
    """Publishes the pending inputs of batches; one batch at a time per publisher.

    Args:
        session: The open network.
        chunk_size: Inputs per chunk (at most ``publish.MAX_BATCH``).
        receipt_timeout: Seconds to wait for a publish to be mined before leaving it in flight.
        image_options: The limits images are encoded with.
    """

    def __init__(
        self,
        session: ChainSession,
        *,
        chunk_size: int = DEFAULT_CHUNK,
        receipt_timeout: float = 120.0,
        image_options: EncodeOptions = DEFAULT_OPTIONS,
    ) -> None:
        if not 1 <= chunk_size <= MAX_BATCH:
            raise ValueError(f"chunk_size must be between 1 and {MAX_BATCH}")
        self.session = session
        self.chunk_size = chunk_size
        self.receipt_timeout = receipt_timeout
        self.image_options = image_options
        self.progress: EventHub[BatchProgress] = EventHub()
        self._publish = PublishService(session)
        self._unpaused = asyncio.Event()
        self._unpaused.set()
        self._stopping = False
        self._running: int | None = None

    # -- creating --------------------------------------------------------------------------

    def create(
        self, listing: BatchListing, settings: BatchSettings, *, resume_key: str | None = None
    ) -> int:
        """Record a new batch: every input of ``listing`` in order, refused ones included.

        Returns:
            The batch's number; nothing is published yet.
        """
        return self.session.store.batches.create_batch(
            self.session.chain_id, settings.task_type, settings.to_json(), listing.entries,
            resume_key=resume_key,
        )

    # -- control ---------------------------------------------------------------------------

    @property
    def running_batch(self) -> int | None:
        """The batch being published now, if any."""
        return self._running

    @property
    def paused(self) -> bool:
        """Whether publishing waits after the current chunk."""
        return not self._unpaused.is_set()

    def pause(self) -> None:
        """Wait after the chunk being sent, until :meth:`resume` or :meth:`stop`."""
        self._unpaused.clear()

    def resume(self) -> None:
        """Go on after :meth:`pause`."""
        self._unpaused.set()

    def stop(self) -> None:
        """End the run after the chunk being sent; the rest stays pending for later."""
        self._stopping = True
        self._unpaused.set()

    # -- publishing ------------------------------------------------------------------------

    async def publish(self, batch_id: int, signer: TransactionSigner) -> BatchRunOutcome:
        """Publish every pending input of a batch, chunk by chunk, with ``signer``.

        In-flight inputs are reconciled first (see the module docstring). Inputs that cannot
        be built (an image changed or damaged since it was listed) are marked failed with the
        reason; the others go on.

        Returns:
            How the run ended: done, paused or stopped (the rest stays pending), or failed with
            the reason (a network or funds problem; the rest stays pending).

        Raises:
            ValidationError: No such batch, or this publisher is already running one.
            ChainError: The source or the chain could not be read before anything was sent.
        """
        batch = self.session.store.batches.get_batch(batch_id)
        if batch is None:
            raise ValidationError(f"There is no batch {batch_id} in the history.")
        if self._running is not None:
            raise ValidationError("A batch is already being published; wait for it to end.")
        self._running, self._stopping = batch_id, False
        try:
            settings = BatchSettings.from_json(batch.settings)
            info = await SourceService(self.session).get(settings.source)
            plan = plan_for(settings, info.pipeline_task)
            await self.reconcile(batch_id)
            return await self._run(batch_id, settings, plan, signer)
        finally:
            self._running = None

    async def _run(
        self, batch_id: int, settings: BatchSettings, plan: BatchPlan, signer: TransactionSigner
    ) -> BatchRunOutcome:
        published = failed = 0
        while True:
            if self.paused and not self._stopping:
                self._emit(batch_id, BatchStage.PAUSED, "Paused; resume to publish the rest.")
                await self._unpaused.wait()
            if self._stopping:
                self._emit(batch_id, BatchStage.STOPPED, "Stopped; the rest was not published.")
                return BatchRunOutcome(RunEnd.STOPPED, published, failed, self._in_flight(batch_id),
                                       "Stopped before every input was published.")
            chunk = await self._next_chunk(batch_id, plan)
            failed += chunk.failed
            if chunk.chunk is None:
                break
            if not chunk.chunk.tasks:
                continue
            done, stop_reason = await self._send_chunk(batch_id, settings, chunk.chunk, signer)
            published += done
            if stop_reason:
                self._emit(batch_id, BatchStage.FAILED, stop_reason)
                return BatchRunOutcome(RunEnd.FAILED, published, failed,
                                       self._in_flight(batch_id), stop_reason)
        in_flight = self._in_flight(batch_id)
        self._emit(batch_id, BatchStage.FOLLOWING, "Published; waiting for the answers.")
        message = "" if not in_flight else (
            f"{in_flight} publish(es) were sent but not seen mined yet; they are followed and "
            "never sent twice."
        )
        return BatchRunOutcome(RunEnd.DONE, published, failed, in_flight, message)

    async def _next_chunk(self, batch_id: int, plan: BatchPlan) -> _NextChunk:
        """The next pending inputs not in flight, with their configs built (in a thread)."""
        store = self.session.store.batches
        waiting = [i for i in store.items(batch_id, [BatchItemStatus.PENDING])
                   if i.tx_hash is None][: self.chunk_size]
        if not waiting:
            return _NextChunk(None)
        options = self.image_options

        def build() -> list[BatchTask | str]:
            built: list[BatchTask | str] = []
            for item in waiting:
                entry = item.entry
                if isinstance(entry, RefusedEntry):  # never pending; kept out all the same
                    built.append(entry.reason)
                    continue
                try:
                    built.append(plan.task_for(entry, options))
                except (ImageError, PayloadValidationError) as exc:
                    built.append(exc.message)
            return built

        built = await asyncio.get_running_loop().run_in_executor(None, build)
        items: list[BatchItemRecord] = []
        tasks: list[BatchTask] = []
        refused: list[tuple[int, BatchItemStatus, str | None, str | None, float | None]] = []
        for item, result in zip(waiting, built, strict=True):
            if isinstance(result, str):
                refused.append((item.index, BatchItemStatus.FAILED, result, None, None))
            else:
                items.append(item)
                tasks.append(result)
        if refused:
            store.set_statuses(batch_id, refused)
        return _NextChunk(_Chunk(items, tasks), len(refused))

    async def _send_chunk(
        self, batch_id: int, settings: BatchSettings, chunk: _Chunk, signer: TransactionSigner
    ) -> tuple[int, str]:
        """Publish one chunk; return the tasks published and why to stop (``""``: go on)."""
        store = self.session.store.batches
        configs = [json.loads(task.config_text) for task in chunk.tasks]
        preview = await self._publish.preview(
            configs, source=settings.source, payment_wei=settings.payment_wei,
            duration_s=settings.duration_s, sender=signer.address, task_type=settings.task_type,
        )
        if not preview.can_publish:
            return 0, preview.problems[0]
        self._emit(batch_id, BatchStage.PUBLISHING,
                   f"Publishing {len(configs)} task(s) of batch {batch_id}…")

        def note_signed(index: int, signed: SignedTransaction) -> None:
            store.mark_signed(batch_id, chunk.items[index].index, signed.tx_hash)

        def on_progress(event: PublishProgress) -> None:
            if event.stage is PublishStage.CONFIRMED and event.task and event.tx_hash:
                store.mark_published(batch_id, chunk.items[event.index].index, event.task,
                                     event.tx_hash)
                if event.index % 10 == 9:
                    self._emit(batch_id, BatchStage.PUBLISHING, "Publishing…")

        try:
            outcome = await self._publish.execute(
                preview, signer, on_progress, receipt_timeout=self.receipt_timeout,
                before_journal=note_signed,
            )
        except UserFacingError as exc:
            return 0, exc.message
        published = 0
        stop_reason = ""
        failures: list[tuple[int, BatchItemStatus, str | None, str | None, float | None]] = []
        for task_outcome, item in zip(outcome.tasks, chunk.items, strict=True):
            if task_outcome.state == "published":
                published += 1
            elif task_outcome.state == "failed" and task_outcome.tx_hash is not None:
                failures.append((item.index, BatchItemStatus.FAILED, task_outcome.message,
                                 None, None))  # mined but refused by the contract
            elif task_outcome.state in ("failed", "pending", "skipped"):
                self._unsend_if_refused(batch_id, item.index)
                if task_outcome.state != "skipped" and not stop_reason:
                    stop_reason = task_outcome.message
        if failures:
            store.set_statuses(batch_id, failures)
        self._emit(batch_id, BatchStage.PUBLISHING, f"Chunk of {len(configs)} sent.")
        return published, stop_reason

    def _unsend_if_refused(self, batch_id: int, index: int) -> None:
        """Make an input pending again if its publish never reached the chain."""
        item = self.session.store.batches.item(batch_id, index)
        if item is None or item.tx_hash is None or item.task is not None:
            return
        entry = self.session.store.journal.journal_get(item.tx_hash)
        if entry is None or (entry.state in ("failed", *NOT_SENT) and entry.block_number is None):
            self.session.store.batches.clear_signed(batch_id, index)

    # -- resuming ----------------------------------------------------------------------------

    async def reconcile(self, batch_id: int) -> ResumeReport:
        """Settle every in-flight input of a batch against the journal and the chain.

        Nothing new is signed here. See the module docstring for what each case becomes.

        Raises:
            ChainError: The chain could not be read (what was settled stays settled).
        """
        store = self.session.store
        counts = {"published": 0, "unsent": 0, "failed": 0, "in_flight": 0}
        for item in store.batches.items(batch_id, [BatchItemStatus.PENDING]):
            if item.tx_hash is None:
                continue
            counts[await self._settle(item)] += 1
        if any(counts.values()):
            log.info("batch %d reconciled: %s", batch_id, counts)
        return ResumeReport(**counts)

    async def _settle(self, item: BatchItemRecord) -> str:
        store, session = self.session.store, self.session
        tx_hash = item.tx_hash
        assert tx_hash is not None
        entry = store.journal.journal_get(tx_hash)
        if entry is None:  # noted, never journaled: it can't have been sent
            store.batches.clear_signed(item.batch_id, item.index)
            return "unsent"
        task = store.tasks.task_by_tx(tx_hash, session.chain_id)
        if task is not None:
            store.batches.mark_published(item.batch_id, item.index, task.address, tx_hash)
            return "published"
        if entry.state in OPEN_STATES:
            return await self._settle_open(item, entry)
        if entry.state == "mined":
            receipt = await get_receipt(session.client, tx_hash)
            return "in_flight" if receipt is None else self._mined(item, entry, receipt)
        if entry.state == "failed" and entry.block_number is not None:
            store.batches.set_status(item.batch_id, item.index, BatchItemStatus.FAILED,
                                     error=entry.note or "The publish was refused by the contract.")
            return "failed"
        store.batches.clear_signed(item.batch_id, item.index)  # refused or dropped: not on chain
        return "unsent"

    async def _settle_open(self, item: BatchItemRecord, entry: JournalEntry) -> str:
        """An in-flight input whose publish the journal holds as signed or sent."""
        store, session = self.session.store, self.session
        tx_hash = entry.tx_hash
        check = await check_transaction(session.client, tx_hash, entry.sender, entry.nonce)
        if check.state is TxState.MINED and check.receipt is not None:
            session.journal.mark_mined(tx_hash, check.receipt)
            return self._mined(item, entry, check.receipt)
        if check.state is TxState.DROPPED:
            store.journal.journal_set_state(tx_hash, "dropped",
                                            note="another transaction used its nonce")
            store.batches.clear_signed(item.batch_id, item.index)
            return "unsent"
        try:  # waiting, or unknown to the node with its nonce free: the same bytes again
            await session.journal.rebroadcast(entry)
        except ChainError as exc:
            log.info("re-broadcast of %s failed: %s", tx_hash, exc.message)
            fresh = store.journal.journal_get(tx_hash)
            if fresh is not None and fresh.state in ("failed", *NOT_SENT):
                store.batches.clear_signed(item.batch_id, item.index)
                return "unsent"
        return "in_flight"

    def _mined(
        self, item: BatchItemRecord, entry: JournalEntry, receipt: Mapping[str, Any]
    ) -> str:
        store, session = self.session.store, self.session
        tx_hash = entry.tx_hash
        record_mined_publish(session, entry, receipt)
        task = store.tasks.task_by_tx(tx_hash, session.chain_id)
        if task is None:
            store.batches.set_status(item.batch_id, item.index, BatchItemStatus.FAILED,
                                     error="The publish was mined but created no task.")
            return "failed"
        store.batches.mark_published(item.batch_id, item.index, task.address, tx_hash)
        return "published"

    # -- helpers -----------------------------------------------------------------------------

    def _in_flight(self, batch_id: int) -> int:
        return sum(1 for i in self.session.store.batches.items(batch_id, [BatchItemStatus.PENDING])
                   if i.tx_hash is not None)

    def _emit(self, batch_id: int, stage: BatchStage, message: str) -> None:
        counts = self.session.store.batches.counts(batch_id)
        self.progress.emit(BatchProgress(batch_id, stage, counts, message))


def pending_count(items: Sequence[BatchItemRecord]) -> int:
    """How many of ``items`` are still to publish (pending and not in flight)."""
    return sum(1 for i in items if i.status is BatchItemStatus.PENDING and i.tx_hash is None)
