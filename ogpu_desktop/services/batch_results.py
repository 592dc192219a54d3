"""A batch after publishing: follow its tasks, read their results, retry, cancel and export.

Usage (window or command)::

    results = BatchResults(session)
    counts = await results.refresh(batch_id)       # statuses and headlines from the history
    await results.follow(batch_id, tracking)       # poll until every published input is final
    results.items(batch_id, BatchFilter.FAILED)    # the rows of a filter
    results.retry(batch_id)                        # failed/expired -> pending: publish again
    await results.cancel_waiting(batch_id, signer) # cancel the tasks no provider took yet
    await results.export_csv(batch_id, path)       # input, status, task, headline, score, error

Statuses come from the tasks the tracker keeps up to date (``TrackingService``), judged now
(:func:`~ogpu_desktop.domain.task_status.state_at`: an open task past its expiry is expired); an
answered task's result is downloaded once (``ResultsService`` caches it) and summed up in its
headline; a provider's failure makes the input failed with the provider's message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.domain.batch_export import (
    CSV_ENCODING,
    BatchResultRow,
    write_batch_csv,
    write_batch_json,
)
from ogpu_desktop.domain.batch_headlines import result_headline
from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus, item_status
from ogpu_desktop.domain.result_views import ResultView
from ogpu_desktop.domain.results import normalise
from ogpu_desktop.domain.signing import TransactionSigner
from ogpu_desktop.domain.task_status import state_at
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.batch_models import (
    BatchInfo,
    BatchProgress,
    BatchStage,
    BatchSummary,
    CancelReport,
)
from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.services.results import ResultsService, read_failure
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import BatchItemRecord, ResponseRecord, RunEndedError

log = logging.getLogger(__name__)

FETCH_CONCURRENCY = 8
CONFIRMED = 1
_Change = tuple[int, BatchItemStatus, str | None, str | None, float | None]


class BatchResults:
    """Statuses, results, retries, cancels and exports of batches on one network.

    Args:
        session: The open network.
        results: Where results are downloaded and cached (one is made when omitted).
        actions: Where cancels are signed (one is made when omitted).
    """

    def __init__(
        self,
        session: ChainSession,
        results: ResultsService | None = None,
        actions: ActionService | None = None,
    ) -> None:
        self.session = session
        self.results = results or ResultsService(session)
        self.actions = actions or ActionService(session)
        self.progress: EventHub[BatchProgress] = EventHub()

    # -- reading ---------------------------------------------------------------------------

    def items(
        self, batch_id: int, view: BatchFilter = BatchFilter.ALL
    ) -> list[BatchItemRecord]:
        """The inputs of a batch in order, those ``view`` shows."""
        every = self.session.store.batches.items(batch_id)
        return every if view is BatchFilter.ALL else [i for i in every if view.matches(i.status)]

    def batch(self, batch_id: int) -> BatchInfo | None:
        """One batch of this history (``None``: no such batch)."""
        return self.session.store.batches.get_batch(batch_id)

    def batches(self) -> list[BatchSummary]:
        """Every batch of this network's current run, newest first, with its counts."""
        store = self.session.store.batches
        return [BatchSummary(info, store.counts(info.batch_id))
                for info in store.list_batches(self.session.chain_id)]

    def task_addresses(self) -> frozenset[str]:
        """The tasks published for this run's batches (lower case), retried ones included:
        the task list leaves them to their batch pages."""
        return self.session.store.batches.task_addresses(self.session.chain_id)

    def counts(self, batch_id: int) -> dict[BatchItemStatus, int]:
        """How many inputs have each status."""
        return self.session.store.batches.counts(batch_id)

    async def refresh(
        self, batch_id: int, *, now: float | None = None
    ) -> dict[BatchItemStatus, int]:
        """Bring the statuses of a batch's waiting inputs up to date from the history.

        An answered input's result is downloaded (once, a few at a time) for its headline.

        Returns:
            The counts by status afterwards.
        """
        store, chain_id = self.session.store, self.session.chain_id
        now = time.time() if now is None else now
        changes: list[_Change] = []
        answered: list[tuple[BatchItemRecord, ResponseRecord, str | None]] = []
        for item in store.batches.items(batch_id, [BatchItemStatus.WAITING]):
            record = store.tasks.get_task(chain_id, item.task) if item.task else None
            if record is None:
                continue
            status = item_status(state_at(record.status, record.expiry_time, now))
            if status is BatchItemStatus.FINISHED:
                response = _answer(store.tasks.responses_of(chain_id, record.address))
                if response is not None:
                    answered.append((item, response, record.pipeline))
            elif status is not BatchItemStatus.WAITING:
                changes.append((item.index, status, _ended_words(status), None, None))
        changes += await self._headlines(answered)
        if changes:
            store.batches.set_statuses(batch_id, changes)
        return self.counts(batch_id)

    async def _headlines(
        self, answered: list[tuple[BatchItemRecord, ResponseRecord, str | None]]
    ) -> list[_Change]:
        gate = asyncio.Semaphore(FETCH_CONCURRENCY)

        async def one(item: BatchItemRecord, response: ResponseRecord) -> _Change:
            async with gate:
                try:
                    fetched = await self.results.fetch(response.address)
                except (UserFacingError, RunEndedError) as exc:
                    words, _again = read_failure(exc)
                    return (item.index, BatchItemStatus.FINISHED, words, None, None)
            headline = result_headline(fetched.view)
            if headline.failed:
                return (item.index, BatchItemStatus.FAILED, headline.text, None, None)
            return (item.index, BatchItemStatus.FINISHED, None, headline.text, headline.score)

        return list(await asyncio.gather(*(one(i, r) for i, r, _p in answered)))

    async def follow(
        self,
        batch_id: int,
        tracking: TrackingService,
        *,
        stop: asyncio.Event | None = None,
        poll_interval_s: float = 2.0,
        reconcile_every: int = 30,
        before_poll: Callable[[], Awaitable[object]] | None = None,
    ) -> dict[BatchItemStatus, int]:
        """Poll the chain until no published input of the batch is waiting (or ``stop`` is set).

        Args:
            batch_id: The batch.
            tracking: The network's tracker (polled here; its background loop may run too).
            stop: Set to end following early.
            poll_interval_s: Pause between polls.
            reconcile_every: Polls between direct status reads (they catch what events miss).
            before_poll: Awaited before each poll (the command settles in-flight publishes).

        Returns:
            The counts by status at the end.
        """
        stop = stop or asyncio.Event()
        poll = 0
        while True:
            if before_poll is not None:
                await before_poll()
            try:
                await tracking.poll_once()
                if poll % reconcile_every == reconcile_every - 1:
                    await tracking.reconcile()
            except (ChainError, RunEndedError) as exc:
                log.warning("batch %d: following failed this time: %s", batch_id, exc.message)
            poll += 1
            counts = await self.refresh(batch_id)
            waiting = counts.get(BatchItemStatus.WAITING, 0) + self._in_flight(batch_id)
            self.progress.emit(BatchProgress(batch_id, BatchStage.FOLLOWING, counts,
                                             f"{waiting:,} task(s) waiting for an answer."))
            if not waiting or stop.is_set():
                return counts
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_interval_s)

    def _in_flight(self, batch_id: int) -> int:
        return sum(1 for i in self.session.store.batches.items(batch_id, [BatchItemStatus.PENDING])
                   if i.tx_hash is not None)

    # -- acting ----------------------------------------------------------------------------

    def retry(self, batch_id: int, indexes: Iterable[int] | None = None) -> list[int]:
        """Make failed and expired inputs pending again: each gets a new task when the batch is
        published again, with the same settings (review it again first).

        Args:
            indexes: The inputs to retry; every failed or expired one when ``None``.

        Returns:
            The inputs made pending.
        """
        store = self.session.store.batches
        if indexes is None:
            indexes = [i.index for i in store.items(
                batch_id, [s for s in BatchItemStatus if s.can_retry])]
        return store.reset_for_retry(batch_id, indexes)

    async def cancel_waiting(
        self,
        batch_id: int,
        signer: TransactionSigner,
        indexes: Iterable[int] | None = None,
    ) -> CancelReport:
        """Cancel the waiting tasks of a batch, one transaction each (their payment comes back).

        A task a provider has already taken can't be canceled: it is reported, not an error.

        Args:
            indexes: The inputs whose task to cancel; every waiting one when ``None``.
        """
        store = self.session.store.batches
        wanted = None if indexes is None else set(indexes)
        canceled: list[int] = []
        refused: list[tuple[int, str]] = []
        for item in store.items(batch_id, [BatchItemStatus.WAITING]):
            if item.task is None or (wanted is not None and item.index not in wanted):
                continue
            try:
                await self.actions.cancel(signer, item.task)
            except UserFacingError as exc:
                refused.append((item.index, exc.message))
                continue
            store.set_status(batch_id, item.index, BatchItemStatus.CANCELED,
                             error="Canceled; its payment went back to the vault.")
            canceled.append(item.index)
        return CancelReport(tuple(canceled), tuple(refused))

    # -- exporting -------------------------------------------------------------------------

    async def result_rows(self, batch_id: int) -> list[BatchResultRow]:
        """Every input of the batch with its status and result, for the table and exports."""
        store, chain_id = self.session.store, self.session.chain_id
        items = store.batches.items(batch_id)
        raws: dict[int, tuple[str, str | None]] = {}
        for item in items:
            if item.task is None or item.status not in (BatchItemStatus.FINISHED,
                                                        BatchItemStatus.FAILED):
                continue
            response = _answer(store.tasks.responses_of(chain_id, item.task))
            cached = None if response is None else store.misc.get_result(chain_id,
                                                                         response.address)
            if cached is not None:
                record = store.tasks.get_task(chain_id, item.task)
                raws[item.index] = (cached.raw, None if record is None else record.pipeline)

        def build() -> list[BatchResultRow]:
            views: dict[int, ResultView] = {i: normalise(raw, p) for i, (raw, p) in raws.items()}
            return [BatchResultRow(item.entry, item.status, item.task, views.get(item.index),
                                   item.error) for item in items]

        return await asyncio.get_running_loop().run_in_executor(None, build)

    async def export_csv(self, batch_id: int, path: Path, *, include_text: bool = False) -> int:
        """Write the batch's CSV (``input, status, task, headline, score, error``) to ``path``.

        The file is replaced whole once written, so a reader never sees half of it.

        Returns:
            The number of rows written.
        """
        rows = await self.result_rows(batch_id)
        return await _write_atomic(
            path, lambda stream: write_batch_csv(rows, stream, include_text=include_text),
            CSV_ENCODING, newline="",
        )

    async def export_json(self, batch_id: int, path: Path) -> int:
        """Write the batch's JSON export (each input beside its result) to ``path``."""
        batch = self.session.store.batches.get_batch(batch_id)
        task_type = batch.task_type if batch is not None else ""
        rows = await self.result_rows(batch_id)
        return await _write_atomic(
            path, lambda stream: write_batch_json(rows, stream, task_type=task_type), "utf-8"
        )


def _answer(responses: Iterable[ResponseRecord]) -> ResponseRecord | None:
    """The response that answers a task: the confirmed one, else the first."""
    listed = list(responses)
    confirmed = [r for r in listed if r.status == CONFIRMED]
    chosen = confirmed or listed
    return chosen[0] if chosen else None


def _ended_words(status: BatchItemStatus) -> str | None:
    if status is BatchItemStatus.EXPIRED:
        return "No provider answered before the task expired."
    return None


async def _write_atomic(
    path: Path, write: Callable[..., int], encoding: str, *, newline: str | None = None
) -> int:
    def run() -> int:
        folder = path.parent if str(path.parent) else Path()
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding=encoding, newline=newline) as stream:
                count = write(stream)
            Path(temp).replace(path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return count

    return await asyncio.get_running_loop().run_in_executor(None, run)
