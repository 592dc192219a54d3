"""Typed events the services publish for the window: it subscribes and never polls for them.

The tracker's :class:`~ogpu_desktop.services.tracking.TaskUpdate` says a status changed or
responses were stored; the pending list's hub says a journaled send changed. A task the
history records (a publish mined, followed or recovered) is announced here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskRecorded:
    """A task was added to the history of the current run.

    Attributes:
        task: The task's address.
        tx_hash: The publish transaction that created it.
    """

    task: str
    tx_hash: str


@dataclass(frozen=True)
class PendingChanged:
    """A journaled send was written or changed state (signed, sent, mined, failed, dropped).

    Attributes:
        tx_hash: The transaction.
        state: Its new state, or ``"signed"`` when it was just journaled.
    """

    tx_hash: str
    state: str


@dataclass(frozen=True)
class BalanceChanged:
    """A transaction of ``account`` settled (mined or failed): its balances moved.

    Attributes:
        account: The sending account's address.
    """

    account: str
