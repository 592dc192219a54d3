"""Follow every open task live: one log query per poll, periodic batched reconciliation."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.chain.nexus_events import NexusEvent
from ogpu_desktop.chain.tracker import LogTracker, StatusReader, TaskEvent, block_timestamp
from ogpu_desktop.domain.task_status import TaskState, state_at
from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.task_timeline import ChainHistory, chain_timeline
from ogpu_desktop.store import ResponseRecord, RunEndedError, TaskRecord

log = logging.getLogger(__name__)

NEW, ATTEMPTED, RESPONDED, CANCELED, EXPIRED, FINALIZED = range(6)
TERMINAL = frozenset({CANCELED, EXPIRED, FINALIZED})


def display_status(status: int, expiry_time: int, now: float | None = None) -> TaskState:
    """The state to show for a task now: :func:`~ogpu_desktop.domain.task_status.state_at`."""
    return state_at(status, expiry_time, time.time() if now is None else now)


@dataclass(frozen=True)
class TaskUpdate:
    """A task whose state changed."""

    task: str
    status: int
    display: TaskState
    attempt_count: int
    new_responses: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskRow:
    """A stored task with the status to display now."""

    record: TaskRecord
    display: TaskState


@dataclass(frozen=True)
class TrackerHealth:
    """Whether polling works; ``retry_in_s`` is set while backing off after a failure."""

    ok: bool
    message: str = ""
    retry_in_s: float | None = None


@dataclass(frozen=True)
class PollSummary:
    """One poll's numbers."""

    tracked: int
    events: int
    log_requests: int
    cursor: int | None
    head: int | None = None


class TrackingService:
    """Polls the Nexus for all open tasks at once and keeps the store up to date.

    Store writes happen on the event-loop thread: one small transaction per poll (see
    ``ogpu_desktop.store.database`` for why that is cheaper than a thread hop).

    Every poll is still one ``eth_getLogs`` over one block range; two rules decide which tasks
    it follows and where the range starts, so no task loses an event:

    * **A task is read from its publish block.** A task recorded while a poll waits for its logs
      is not in that poll's set: its events in the range are dropped, and the cursor moves past
      them. So each task keeps ``events_read`` (false when recorded) next to its publish block,
      and a poll starts at ``min(cursor + 1, publish block of every unread task)`` (minus the
      reorg margin). Only a completed poll that had the task in its set and read its publish
      block marks it read, in the transaction that moves the cursor. A re-read costs nothing
      but blocks: every update is idempotent.
    * **A task stays followed until its end has been read.** The periodic direct status read
      can see a task final before any poll read the events that led there (its responses among
      them). The read is pinned to a known block (the head of the poll just made), and the task
      keeps being followed, though final, until the cursor reaches that block
      (``final_seen_block``). The alternative, reading each such task's responses directly in
      the status batch, would add calls per task and a second source for responses; this way
      the events stay the only one.

    Polls run one at a time (a publish asks for a poll while the loop may be polling): each
    then sees the cursor and the tasks the previous one left.

    The direct status read (:meth:`reconcile`) runs beside the polls, never under their lock
    (with a thousand open tasks it takes ten batched requests; polls that waited for it saw
    answers many seconds late). The two meet only in the store, on the event-loop thread: a
    status read at one block and events read up to another are both true of the chain, and
    statuses only move forward, so the further one is kept (``MAX``); what each emits is read
    back from the store, so a shown status never goes back. ``final_seen_block`` covers a task
    the read saw final first: a poll already past that block read its end, a later one will.

    **A task past its expiry is read once more, then left to the polls.** Expiry is lazy on
    chain (an unattempted task stays NEW until someone touches it), so such a task would be
    read at every check, forever. Read once at a block dated after its expiry and still open,
    that block is noted (``expiry_read_block``) and the checks leave it; it shows as expired
    from its expiry time (:func:`display_status`, the task list). Polls still follow it, so an
    event that ends it later (the lazy EXPIRED, a confirmed response) is still seen.

    Args:
        session: The open network session.
        poll_interval_s: Pause between successful polls.
        reconcile_every: Polls between the starts of two direct status reads (batched JSON-RPC);
            one still running when the next is due is not doubled.
        max_backoff_s: Longest pause after repeated failures.
    """

    def __init__(
        self,
        session: ChainSession,
        *,
        poll_interval_s: float = 2.0,
        reconcile_every: int = 15,
        base_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        chunk_blocks: int = 2_000,
    ) -> None:
        self.session = session
        self.tracker = LogTracker(session.client, chunk_blocks=chunk_blocks)
        self.poll_interval_s = poll_interval_s
        self.reconcile_every = reconcile_every
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s
        self.updates: EventHub[TaskUpdate] = EventHub()
        self.health: EventHub[TrackerHealth] = EventHub()
        self.failures = 0
        self.status_reader = StatusReader(session.client)
        self._busy = asyncio.Lock()
        self._reconciling = asyncio.Lock()
        self._reconcile_task: asyncio.Task[int] | None = None

    @property
    def _nexus(self) -> str:
        return self.session.network.contracts.nexus

    async def poll_once(self) -> PollSummary:
        """Read new Nexus events for every followed task and store them (one transaction).

        Raises:
            ChainError: When the RPC fails; nothing is written and the cursor stays put.
        """
        async with self._busy:
            return await self._poll()

    async def _poll(self) -> PollSummary:
        # The run is taken once: if the chain is replaced while this poll reads, its write is
        # refused (RunEndedError) rather than mixed into the new run.
        store, chain_id = self.session.store, self.session.history_key
        cursor = store.misc.get_cursor(chain_id, self._nexus)
        followed = {t.address: t for t in store.tasks.followed_tasks(chain_id, cursor)}
        if not followed:
            head = await self.tracker.head()
            store.tasks.apply_tracking(chain_id, statuses={}, cursor=(self._nexus, head))
            return PollSummary(0, 0, 0, head, head)
        unread = [t for t in followed.values() if not t.events_read]
        read_from, start_block = _read_from(cursor, followed.values(), unread)
        responses = store.tasks.response_map(chain_id)
        known = set(responses)  # before the poll adds the new ones
        result = await self.tracker.poll(
            read_from, followed.keys(), responses, start_block=start_block
        )
        # Read from its publish block on: the poll started at or before it and got past it.
        read = [t.address for t in unread
                if t.block_number is None or t.block_number <= result.cursor]
        updates = self._apply(chain_id, followed, result.events, known_responses=known,
                              cursor=result.cursor, read=read)
        for update in updates:
            self.updates.emit(update)
        return PollSummary(len(followed), len(result.events), result.log_requests,
                           result.cursor, result.head)

    def _apply(
        self,
        chain_id: int,
        tasks: Mapping[str, TaskRecord],
        events: Sequence[TaskEvent],
        *,
        known_responses: Collection[str],
        cursor: int | None,
        read: Collection[str] = (),
    ) -> list[TaskUpdate]:
        """Fold events into the stored state; every update is idempotent (see apply_tracking)."""
        status = {a: t.status for a, t in tasks.items()}
        attempts: list[tuple[str, str, int]] = []
        providers: dict[str, set[str]] = {}
        new_responses: dict[str, list[str]] = {}
        records: list[ResponseRecord] = []
        for ev in events:
            if ev.kind is NexusEvent.TASK_STATUS_CHANGED and ev.status is not None:
                status[ev.task] = max(status[ev.task], ev.status)
            elif ev.kind is NexusEvent.ATTEMPTED and ev.provider is not None:
                attempts.append((ev.task, ev.provider, ev.block_number))
                providers.setdefault(ev.task, set()).add(ev.provider)
                status[ev.task] = max(status[ev.task], ATTEMPTED)
            elif ev.kind is NexusEvent.RESPONSE_SUBMITTED and ev.response is not None:
                records.append(ResponseRecord(chain_id, ev.response, ev.task, None, None, 0,
                                              None, ev.block_number))
                if ev.response not in known_responses:
                    new_responses.setdefault(ev.task, []).append(ev.response)
                status[ev.task] = max(status[ev.task], RESPONDED)
            elif ev.kind is NexusEvent.RESPONSE_STATUS_CHANGED and ev.response is not None:
                records.append(ResponseRecord(chain_id, ev.response, ev.task, None, None,
                                              ev.status or 0, None, ev.block_number))
        changed_status = {a: s for a, s in status.items() if s != tasks[a].status}
        store = self.session.store.tasks
        store.apply_tracking(
            chain_id, statuses=changed_status, attempts=attempts, responses=records,
            cursor=(self._nexus, cursor) if cursor is not None else None, read=read,
        )
        # The store may be ahead of these events (a status read landed): say what it holds.
        fresh = {a: store.get_task(chain_id, a)
                 for a in set(changed_status) | set(new_responses) | set(providers)}
        updates: list[TaskUpdate] = []
        for address, record in sorted(fresh.items()):
            old = tasks[address]
            if record is None or not (
                record.status != old.status or record.attempt_count != old.attempt_count
                or address in new_responses
            ):
                continue
            updates.append(TaskUpdate(
                task=address, status=record.status,
                display=display_status(record.status, record.expiry_time),
                attempt_count=record.attempt_count,
                new_responses=tuple(new_responses.get(address, ())),
            ))
        return updates

    def task_rows(self, now: float | None = None) -> list[TaskRow]:
        """Every stored task on this network, newest first, with its display status."""
        return [
            TaskRow(record, display_status(record.status, record.expiry_time, now))
            for record in self.session.store.tasks.list_tasks(self.session.chain_id)
        ]

    async def chain_history(self, record: TaskRecord) -> ChainHistory:
        """The task's events read from the Nexus, with block times and transaction hashes.

        Raises:
            ChainError: The network could not be read.
        """
        return await chain_timeline(self.tracker, self.session.client, record)

    async def reconcile(self, at_block: int | None = None, *, now: float | None = None) -> int:
        """Read the status of every open task directly (batched) and fix the store.

        Catches what events may not announce (lazy expiry, statuses set without an event).
        Runs beside polls (see the class notes); two reads never run at once. A task seen
        final stays followed until the poll cursor reaches the block read at, so the events
        that led there (its responses) are still read. A task still open at a block dated after
        its expiry is not read directly again.

        Args:
            at_block: The block to read at; the poll loop passes the head its last poll read
                (no extra request). ``None`` reads the head first.
            now: The wall-clock time deciding which tasks may be past their expiry (tests).

        Returns:
            The number of tasks whose stored status changed.

        Raises:
            ChainError: When the network cannot be reached; nothing is written.
        """
        async with self._reconciling:
            store, chain_id = self.session.store, self.session.history_key
            tasks = {t.address: t for t in store.tasks.tasks_to_read_directly(chain_id)}
            if not tasks:
                return 0
            block = at_block if at_block is not None else await self.tracker.head()
            now = time.time() if now is None else now
            expiring = [t for t in tasks.values() if t.expiry_time < now]
            block_time = (await block_timestamp(self.session.client, block)) if expiring else 0
            statuses = await self.status_reader.read(list(tasks), block)
            # No await from here: the merge sees the store as the polls left it.
            stored = store.tasks.open_statuses(chain_id)
            changed = {a: s for a, s in statuses.items() if a in stored and s > stored[a]}
            checked = [t.address for t in expiring
                       if t.expiry_time < block_time and t.address in statuses
                       and statuses[t.address] not in TERMINAL]
            if changed or checked:
                store.tasks.apply_tracking(chain_id, statuses=changed, seen_at=block,
                                           expiry_checked=checked)
        for address in sorted(changed):
            record = store.tasks.get_task(chain_id, address)
            if record is not None:
                self.updates.emit(TaskUpdate(
                    address, record.status, display_status(record.status, record.expiry_time),
                    record.attempt_count,
                ))
        return len(changed)

    def backoff_delay(self) -> float:
        """The pause after ``self.failures`` consecutive failures (exponential, capped)."""
        return float(min(self.max_backoff_s, self.base_backoff_s * 2 ** max(0, self.failures - 1)))

    async def step(self, poll_number: int) -> float:
        """One loop step: poll (and start a status read when due); return how long to wait."""
        try:
            summary = await self.poll_once()
        except (ChainError, RunEndedError) as exc:
            # RunEndedError: the chain was replaced while the poll read; the next one reads
            # the new run.
            return self.failed(exc.message)
        if self.failures:
            self.health.emit(TrackerHealth(True))
        self.failures = 0
        if poll_number % self.reconcile_every == 0:
            self.start_reconcile(summary.head)
        return self.poll_interval_s

    def failed(self, message: str) -> float:
        """Count a failure to reach the chain, say so, and return the pause before retrying."""
        self.failures += 1
        delay = self.backoff_delay()
        log.warning("tracker poll failed (%d in a row): %s", self.failures, message)
        self.health.emit(TrackerHealth(False, message, delay))
        return delay

    @property
    def running_reconcile(self) -> asyncio.Task[int] | None:
        """The direct status read started by the loop, while it runs."""
        task = self._reconcile_task
        return None if task is None or task.done() else task

    def start_reconcile(self, at_block: int | None) -> asyncio.Task[int] | None:
        """Start a direct status read beside the polls; ``None`` when one is still running."""
        if self.running_reconcile is not None:
            return None
        self._reconcile_task = asyncio.ensure_future(self._reconcile_logged(at_block))
        return self._reconcile_task

    async def _reconcile_logged(self, at_block: int | None) -> int:
        try:
            return await self.reconcile(at_block)
        except (ChainError, RunEndedError) as exc:  # the polls report these too
            log.warning("status read failed (the next one tries again): %s", exc.message)
            return 0

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; failures back off and never end the loop.

        A status read still running when ``stop`` is set is cancelled (see :meth:`stop`).
        """
        poll_number = 0
        try:
            while not stop.is_set():
                delay = await self.step(poll_number)
                poll_number += 1
                # asyncio.timeout checks for a running loop before the wait is created, so a
                # loop stopped under this task leaves no un-awaited coroutine behind.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await stop.wait()
        finally:
            await self.stop()

    async def stop(self) -> None:
        """Cancel the status read the loop started, if it still runs, and wait for its end.

        Whoever runs :meth:`step` calls this before closing the session: a read writes nothing
        until its answers are all in, so cancelling it loses nothing.
        """
        task, self._reconcile_task = self._reconcile_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _read_from(
    cursor: int | None, followed: Iterable[TaskRecord], unread: Iterable[TaskRecord]
) -> tuple[int | None, int | None]:
    """Where a poll starts: (cursor to read after, first block when there is no cursor).

    After the stored cursor, unless a task not read yet was published at or before it: then
    from just before that task's publish block.
    """
    if cursor is None:
        blocks = [t.block_number for t in followed if t.block_number is not None]
        return None, (min(blocks) if blocks else None)
    blocks = [t.block_number for t in unread if t.block_number is not None]
    return (min(cursor, min(blocks) - 1) if blocks else cursor), None
