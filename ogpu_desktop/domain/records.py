"""What the history keeps of a task, a response and a journaled transaction, as plain values.

The store writes and reads them; the services and the window pass them around without
touching the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["JournalEntry", "ResponseRecord", "TaskRecord"]


@dataclass(frozen=True)
class TaskRecord:
    """A task this app published.

    Attributes:
        status: On-chain TaskStatus value (NEW=0 ... FINALIZED=5).
        payment_wei: Payment escrowed for the task, in wei.
        expiry_time: Absolute unix seconds.
        events_read: Whether a completed tracker poll read the task's events from its publish
            block on.
        final_seen_block: The block at which a direct status read saw the task final (the
            tracker follows it until its cursor passes that block), or ``None``.
        expiry_read_block: The block, dated after the expiry, at which a direct status read saw
            the task still open: expired, it is not read directly again (polls still follow it).
    """

    chain_id: int
    address: str
    source: str
    sender: str
    config_url: str
    config_json: str
    payment_wei: int
    expiry_time: int
    delivery_method: int | None
    pipeline: str | None
    status: int
    attempt_count: int
    tx_hash: str
    block_number: int | None
    published_at: int
    updated_at: int
    events_read: bool = False
    final_seen_block: int | None = None
    expiry_read_block: int | None = None


@dataclass(frozen=True)
class ResponseRecord:
    """A provider's response to one of our tasks (status: SUBMITTED=0, CONFIRMED=1)."""

    chain_id: int
    address: str
    task: str
    provider: str | None
    data: str | None
    status: int
    payment_wei: int | None
    block_number: int | None


@dataclass(frozen=True)
class JournalEntry:
    """One journaled transaction.

    Attributes:
        state: ``signed`` (written, maybe not sent), ``sent``, ``mined``, ``failed`` (mined but
            reverted), or ``dropped`` (its nonce was used by another transaction).
        meta: What the transaction was for (e.g. the task's source, config URL, payment).
    """

    tx_hash: str
    chain_id: int
    sender: str
    nonce: int
    raw: bytes
    kind: str
    meta: Mapping[str, Any]
    state: str
    note: str | None
    block_number: int | None
    created_at: int
