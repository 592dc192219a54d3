"""A task's history as timeline entries: from the store at once, then from the chain's events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.chain.nexus_events import EVENT_BY_TOPIC, NexusEvent, decode_event, log_data
from ogpu_desktop.chain.nexus_events import log_topic0 as topic0
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.chain.tracker import LogTracker
from ogpu_desktop.domain.records import JournalEntry, ResponseRecord, TaskRecord

MAX_LOG_CHUNKS = 25
"""Most ``eth_getLogs`` calls one timeline read makes (chunks of the tracker's size)."""
# The words of the task list's status column (domain/task_status.py), so one step reads the same
# everywhere; the chain's names (Attempted, Finalized…) stay in the event definitions.
STATUS_EVENTS = {
    1: "Now being worked on",
    2: "Answered",
    3: "Canceled",
    4: "Expired",
    5: "Done",
}
PROVIDER_TOOK_IT = "A provider took the task"
ANSWER_SENT = "Answer sent"
ANSWER_RECEIVED = "Answer received"
RESPONSE_STATUS_EVENTS = {1: "Answer accepted"}


@dataclass(frozen=True)
class TimelineEntry:
    """One step of a task's life.

    Attributes:
        when: Unix seconds, or ``None`` when not known yet.
        event: What happened, in plain words.
        detail: Who or what it concerns (provider, response), may be empty.
        tx_hash: The transaction that did it, when known.
        block: Its block number, when known.
    """

    when: int | None
    event: str
    detail: str = ""
    tx_hash: str | None = None
    block: int | None = None

    def sort_key(self) -> tuple[int, int]:
        """Chain order first (block), then time; unknown blocks after the known ones."""
        return (self.block if self.block is not None else 1 << 62, self.when or 0)


def store_timeline(
    record: TaskRecord, responses: Sequence[ResponseRecord], journal: Iterable[JournalEntry]
) -> list[TimelineEntry]:
    """What the history database knows: the publish, responses, and our cancel/confirm sends."""
    entries = [
        TimelineEntry(record.published_at, "Published", f"source {record.source}",
                      record.tx_hash, record.block_number)
    ]
    for response in responses:
        who = f"by {response.provider}" if response.provider else response.address
        entries.append(TimelineEntry(None, ANSWER_RECEIVED, who, None, response.block_number))
    ours = {record.address.lower()} | {r.address.lower() for r in responses}
    for entry in journal:
        target = str(entry.meta.get("task") or entry.meta.get("response") or "").lower()
        if entry.kind in ("cancel", "confirm") and target in ours:
            verb = "Cancel" if entry.kind == "cancel" else "Confirm"
            entries.append(TimelineEntry(entry.created_at, f"{verb} sent ({entry.state})", "",
                                         entry.tx_hash, entry.block_number))
    return sorted(entries, key=TimelineEntry.sort_key)


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def _mentions(data: bytes, addresses: Iterable[str]) -> bool:
    """Whether one of ``addresses`` (0x-hex) is among the ABI words of ``data``."""
    return any(bytes.fromhex(address[2:]) in data for address in addresses)


def _event_entry(
    log: Mapping[str, Any], task: str, responses: dict[str, tuple[str, int, int]]
) -> TimelineEntry | None:
    kind = EVENT_BY_TOPIC.get(topic0(log) or "")
    if kind is None:
        return None
    values = decode_event(kind, log_data(log))
    tx_hash, block = str(log.get("transactionHash", "")) or None, _int(log["blockNumber"])
    if kind is NexusEvent.TASK_STATUS_CHANGED and values[0].lower() == task:
        name = STATUS_EVENTS.get(int(values[1]))
        return TimelineEntry(None, name, "", tx_hash, block) if name else None
    if kind is NexusEvent.ATTEMPTED and values[0].lower() == task:
        return TimelineEntry(None, PROVIDER_TOOK_IT, f"by {values[1]}", tx_hash, block)
    if kind is NexusEvent.RESPONSE_SUBMITTED and values[1].lower() == task:
        responses[values[0].lower()] = (values[0], block, 0)
        return TimelineEntry(None, ANSWER_SENT, f"response {values[0]}", tx_hash, block)
    if kind is NexusEvent.RESPONSE_STATUS_CHANGED and values[0].lower() in responses:
        address, first_block, _ = responses[values[0].lower()]
        responses[values[0].lower()] = (address, first_block, int(values[1]))
        name = RESPONSE_STATUS_EVENTS.get(int(values[1]))
        return TimelineEntry(None, name, f"response {values[0]}", tx_hash, block) if name else None
    return None


@dataclass(frozen=True)
class ChainHistory:
    """What the Nexus logs say about one task.

    Attributes:
        entries: The timeline, in chain order, with block times.
        responses: The task's responses as (address, block, status), status 1 = confirmed.
    """

    entries: list[TimelineEntry]
    responses: list[tuple[str, int, int]]


async def chain_timeline(
    tracker: LogTracker, client: RpcClient, record: TaskRecord
) -> ChainHistory:
    """The task's events read from the Nexus, with block times and transaction hashes.

    Reads from the publish block on, in the tracker's chunk size, at most
    :data:`MAX_LOG_CHUNKS` requests.

    Raises:
        ChainError: The network could not be read.
    """
    head = await tracker.head()
    low = record.block_number if record.block_number is not None else max(0, head - 10_000)
    task = record.address.lower()
    responses: dict[str, tuple[str, int, int]] = {}
    entries = [TimelineEntry(record.published_at, "Published", f"source {record.source}",
                             record.tx_hash, record.block_number)]
    chunks = 0
    while low <= head and chunks < MAX_LOG_CHUNKS:
        high = min(head, low + tracker.chunk_blocks - 1)
        for log in await tracker.get_logs(low, high):
            # The logs are every task's (no event field is indexed) and decoding one takes
            # about a third of a millisecond of the window's thread: only the logs naming this
            # task or one of its responses are decoded.
            if not _mentions(log_data(log), (task, *responses)):
                continue
            entry = _event_entry(log, task, responses)
            if entry is not None:
                entries.append(entry)
        chunks += 1
        low = high + 1
    times: dict[int, int] = {}
    for block in sorted({e.block for e in entries if e.block is not None}):
        found = await client.request("eth_getBlockByNumber", [hex(block), False],
                                     "Reading block times")
        if isinstance(found, Mapping) and "timestamp" in found:
            times[block] = _int(found["timestamp"])
    dated = [
        TimelineEntry(times.get(e.block, e.when) if e.block is not None else e.when,
                      e.event, e.detail, e.tx_hash, e.block)
        for e in entries
    ]
    return ChainHistory(sorted(dated, key=TimelineEntry.sort_key), list(responses.values()))
