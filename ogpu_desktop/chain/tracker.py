"""Follow many tasks with one ``eth_getLogs`` per poll over the Nexus, plus batched status reads."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from eth_utils.crypto import keccak
from web3.types import RPCEndpoint

from ogpu_desktop.chain.errors import ChainError, RpcUnreachableError
from ogpu_desktop.chain.nexus_events import (
    EVENT_BY_TOPIC,
    TOPICS,
    TRACKED_EVENTS,
    NexusEvent,
    decode_event,
    log_data,
    log_topic0,
)
from ogpu_desktop.chain.rpc import RpcClient, rpc_errors

log = logging.getLogger(__name__)

CHUNK_BLOCKS = 2_000
MAX_CHUNKS_PER_POLL = 25  # catching up after a long pause is spread over several polls
REORG_MARGIN = 6
STATUS_BATCH = 100  # calls per JSON-RPC batch: a common cap of public endpoints


@dataclass(frozen=True)
class TaskEvent:
    """One decoded Nexus event about a tracked task.

    Attributes:
        kind: Which event.
        task: The task it concerns.
        status: New task status (TaskStatusChanged) or response status (ResponseStatusChanged).
        provider: The attempting provider (Attempted).
        response: The response contract (ResponseSubmitted, ResponseStatusChanged).
        suggested_payment: The provider's suggested payment in wei (Attempted).
    """

    kind: NexusEvent
    task: str
    block_number: int
    log_index: int
    status: int | None = None
    provider: str | None = None
    response: str | None = None
    suggested_payment: int | None = None


@dataclass(frozen=True)
class PollResult:
    """What one poll found, and the block the cursor may move to."""

    events: Sequence[TaskEvent]
    cursor: int
    head: int
    log_requests: int


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def _decode(
    entry: Mapping[str, Any],
    tracked: Collection[str],
    responses: MutableMapping[str, str],
) -> TaskEvent | None:
    kind = EVENT_BY_TOPIC.get(log_topic0(entry) or "")
    if kind is None:
        return None
    values = decode_event(kind, log_data(entry))
    block, index = _int(entry["blockNumber"]), _int(entry["logIndex"])
    event: TaskEvent | None = None
    if kind is NexusEvent.TASK_STATUS_CHANGED:
        event = TaskEvent(kind, values[0], block, index, status=int(values[1]))
    elif kind is NexusEvent.ATTEMPTED:
        event = TaskEvent(
            kind, values[0], block, index, provider=values[1], suggested_payment=int(values[2])
        )
    elif kind is NexusEvent.RESPONSE_SUBMITTED:
        event = TaskEvent(kind, values[1], block, index, response=values[0])
        if event.task in tracked:
            responses[values[0]] = event.task
    elif kind is NexusEvent.RESPONSE_STATUS_CHANGED and values[0] in responses:
        event = TaskEvent(
            kind, responses[values[0]], block, index, status=int(values[1]), response=values[0]
        )
    if event is None or event.task not in tracked:
        return None
    return event


def high_needed(reached: int, cursor: int | None) -> bool:
    """True while a poll has not yet read past the previous cursor."""
    return cursor is not None and reached <= cursor


class LogTracker:
    """Reads Nexus logs in chunks and decodes those about tracked tasks.

    No Nexus event is indexed, so the node can only filter by emitter and topic0: the logs of every
    task on the network arrive, and those of the tracked tasks are picked out locally. The cost per
    poll depends on network activity, never on how many tasks are tracked.

    Args:
        client: Connection to the network.
        chunk_blocks: Largest block range asked in one ``eth_getLogs``.
        reorg_margin: Blocks re-read at every poll so a short reorg cannot hide an event.
    """

    def __init__(
        self,
        client: RpcClient,
        *,
        chunk_blocks: int = CHUNK_BLOCKS,
        reorg_margin: int = REORG_MARGIN,
        max_chunks: int = MAX_CHUNKS_PER_POLL,
    ) -> None:
        self.client = client
        self.chunk_blocks = chunk_blocks
        self.max_chunks = max_chunks
        self.reorg_margin = reorg_margin
        self.nexus = client.network.contracts.nexus

    async def head(self) -> int:
        """The latest block number."""
        return int(await self.client.run(self.client.w3.eth.block_number, "Reading the block"))

    async def poll(
        self,
        cursor: int | None,
        tracked: Collection[str],
        responses: MutableMapping[str, str],
        *,
        start_block: int | None = None,
    ) -> PollResult:
        """Read everything after ``cursor`` (minus the reorg margin) up to the head.

        Args:
            cursor: Last block fully processed for every task in ``tracked``, or ``None`` on
                the first poll. It may be below the stored cursor: a task whose events were
                not read yet is read from its publish block.
            tracked: Checksummed addresses of the tracked tasks.
            responses: response -> task map; filled from ResponseSubmitted as it goes.
            start_block: Where to start when there is no cursor (e.g. the oldest publish block).

        Returns:
            The events in chain order; ``cursor`` is the last block read (the head, unless
            more than ``max_chunks`` chunks were needed: the next poll goes on from there).
            When a chunk fails the error propagates and the caller keeps its old cursor.
        """
        head = await self.head()
        if cursor is None:
            first = start_block if start_block is not None else head
        else:
            first = max(0, min(cursor + 1, head + 1) - self.reorg_margin)
        events: list[TaskEvent] = []
        requests = 0
        low = first
        reached = first - 1 if cursor is None else max(cursor, first - 1)
        # The re-read of the reorg margin never uses up the budget: a poll always gets past
        # the old cursor when there are new blocks, so the cursor only moves forward.
        while low <= head and (requests < self.max_chunks or high_needed(reached, cursor)):
            high = min(head, low + self.chunk_blocks - 1)
            logs = await self.get_logs(low, high)
            requests += 1
            for entry in logs:
                event = _decode(entry, tracked, responses)
                if event is not None:
                    events.append(event)
            reached = max(reached, high)
            low = high + 1
        return PollResult(events, reached, head, requests)

    async def get_logs(self, low: int, high: int) -> list[Mapping[str, Any]]:
        """One ``eth_getLogs`` over the Nexus for the four tracked events in [low, high]."""
        params = {
            "address": self.nexus,
            "fromBlock": hex(low),
            "toBlock": hex(high),
            "topics": [[TOPICS[e] for e in TRACKED_EVENTS]],
        }
        result = await self.client.request("eth_getLogs", [params], "Reading task events")
        return list(result or [])


GET_STATUS = "0x" + keccak(text="getStatus()")[:4].hex()


class BatchRefusedError(Exception):
    """The endpoint answered a batch with something other than one answer per call."""


class StatusReader:
    """Reads many tasks' ``getStatus()`` with batched JSON-RPC ``eth_call`` requests.

    Public endpoints cap how many calls one batch may hold (often 100, sometimes fewer) and say
    so in different ways: an HTTP error, one error object instead of a list, an error for every
    call. Any of those halves the batch size, which is kept for later reads: the same tasks are
    asked again in smaller batches and the reading goes on. A batch of one is a plain request.
    A task whose own call fails is left out (read again next time); a connection that cannot be
    made at all ends the read with :class:`~ogpu_desktop.chain.errors.RpcUnreachableError`.

    Only the status is read: the expiry is in the history already (it is what was signed).

    Args:
        client: Connection to the network.
        batch: Largest number of calls per batch (halved on refusal, never grown back).
    """

    def __init__(self, client: RpcClient, *, batch: int = STATUS_BATCH) -> None:
        self.client = client
        self.batch = max(1, batch)
        self.requests = 0

    async def read(self, tasks: Sequence[str], block: int) -> dict[str, int]:
        """Return task -> status at ``block`` for every task whose call was answered."""
        statuses: dict[str, int] = {}
        start = 0
        while start < len(tasks):
            part = tasks[start : start + self.batch]
            try:
                statuses.update(await self._read_part(part, block))
            except BatchRefusedError as exc:
                if len(part) > 1:
                    self.batch = max(1, len(part) // 2)
                    log.info("status batch of %d refused (%s); now %d", len(part), exc,
                             self.batch)
                    continue
                log.warning("status read of %s refused: %s", part[0], exc)
            start += len(part)
        return statuses

    async def _read_part(self, part: Sequence[str], block: int) -> dict[str, int]:
        at = hex(block)
        self.requests += 1
        if len(part) == 1:
            try:
                result = await self.client.request(
                    "eth_call", [{"to": part[0], "data": GET_STATUS}, at], READING
                )
            except RpcUnreachableError as exc:
                if _http_status(exc) is None:
                    raise
                raise BatchRefusedError(exc.reason) from exc
            except ChainError as exc:
                raise BatchRefusedError(exc.message) from exc
            status = _status_word(result)
            return {} if status is None else {part[0]: status}
        calls = [(RPCEndpoint("eth_call"), [{"to": task, "data": GET_STATUS}, at])
                 for task in part]
        try:
            async with rpc_errors(self.client.url, READING):
                answers = await self.client.w3.provider.make_batch_request(calls)
        except RpcUnreachableError as exc:
            if _http_status(exc) is None:
                raise
            raise BatchRefusedError(exc.reason) from exc
        except ChainError as exc:
            raise BatchRefusedError(exc.message) from exc
        if not isinstance(answers, list):
            raise BatchRefusedError(str(answers.get("error", answers)))
        return _statuses_of(part, answers)


READING = "Reading task statuses"


def _statuses_of(part: Sequence[str], answers: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    # web3 numbers a batch's calls with consecutive ids from its own counter and sorts the
    # answers by id, so a whole answer lines up with the calls; a partial one cannot be matched.
    ids = [a.get("id") for a in answers]
    first = ids[0] if ids and isinstance(ids[0], int) else None
    if first is None or ids != list(range(first, first + len(part))):
        raise BatchRefusedError(f"{len(answers)} answers to {len(part)} calls")
    statuses: dict[str, int] = {}
    errors: list[str] = []
    for index, answer in enumerate(answers):
        if "error" in answer:
            errors.append(str(answer["error"]))
            continue
        status = _status_word(answer.get("result"))
        if status is not None:
            statuses[part[index]] = status
    if errors and not statuses:
        raise BatchRefusedError(errors[0])
    for message in errors[:1]:
        log.warning("%d status calls failed, e.g.: %s", len(errors), message)
    return statuses


def _status_word(result: Any) -> int | None:
    if not isinstance(result, str) or not result.startswith("0x") or len(result) != 66:
        return None
    return int(result, 16)


def _http_status(exc: RpcUnreachableError) -> int | None:
    cause = exc.__cause__
    return cause.response.status_code if isinstance(cause, httpx.HTTPStatusError) else None


async def block_timestamp(client: RpcClient, block: int) -> int:
    """The timestamp of block ``block``."""
    header = await client.request("eth_getBlockByNumber", [hex(block), False], "Reading a block")
    if not isinstance(header, Mapping) or "timestamp" not in header:
        raise ChainError(f"The network did not describe block {block}.")
    return _int(header["timestamp"])
