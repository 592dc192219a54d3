"""Follow many tasks with one ``eth_getLogs`` per poll over the Nexus, plus batched status reads."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from web3.types import BlockIdentifier

from ogpu_desktop.chain.contracts import Contracts
from ogpu_desktop.chain.nexus_events import (
    EVENT_BY_TOPIC,
    TOPICS,
    TRACKED_EVENTS,
    NexusEvent,
    decode_event,
    log_data,
    log_topic0,
)
from ogpu_desktop.chain.rpc import RpcClient

log = logging.getLogger(__name__)

CHUNK_BLOCKS = 2_000
MAX_CHUNKS_PER_POLL = 25  # catching up after a long pause is spread over several polls
REORG_MARGIN = 6
STATUS_BATCH = 200


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


@dataclass(frozen=True)
class TaskState:
    """A task's status and expiry read directly from its contract."""

    status: int
    expiry_time: int


async def read_task_states(
    client: RpcClient,
    contracts: Contracts,
    tasks: Sequence[str],
    *,
    block: int | None = None,
    batch: int = STATUS_BATCH,
) -> dict[str, TaskState]:
    """Read ``getStatus`` and ``getExpiryTime`` of many tasks with batched JSON-RPC requests.

    Each HTTP request carries up to ``batch`` tasks (two calls each). A batch that fails is
    skipped (logged); its tasks are read again on the next reconciliation.

    Args:
        block: Read the state at this block (the latest when ``None``). Naming the block lets
            the caller know which events have to be read to explain what it saw.
    """
    at: BlockIdentifier = "latest" if block is None else block
    states: dict[str, TaskState] = {}
    for start in range(0, len(tasks), batch):
        part = tasks[start : start + batch]
        try:
            async with client.w3.batch_requests() as requests:
                for task in part:
                    contract = contracts.task(task)
                    requests.add(contract.functions.getStatus().call(block_identifier=at))
                    requests.add(
                        contract.functions.getExpiryTime().call(block_identifier=at)
                    )
                answers = await client.run(requests.async_execute(), "Reading task statuses")
        except Exception as exc:  # one failed batch must not stop the others
            log.warning("status batch of %d tasks failed: %s", len(part), exc)
            continue
        for index, task in enumerate(part):
            status, expiry = answers[2 * index], answers[2 * index + 1]
            states[task] = TaskState(int(status), int(expiry))  # type: ignore[call-overload]
    return states
