"""Start-up reconciliation of the transaction journal with the chain."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.chain.journal import JournalRecord, Reconciled
from ogpu_desktop.chain.transactions import TxState
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.task_records import record_published_task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveryReport:
    """What the journal check found at start.

    Attributes:
        mined: Hashes found mined (their tasks are now in the history).
        pending: Hashes still waiting; their same signed bytes were sent again.
        dropped: Hashes whose nonce another transaction used; shown to the user as dropped.
        recovered_tasks: Task addresses recorded from publishes that completed while the app
            was not watching.
    """

    mined: tuple[str, ...]
    pending: tuple[str, ...]
    dropped: tuple[str, ...]
    recovered_tasks: tuple[str, ...]


async def recover(session: ChainSession) -> RecoveryReport:
    """Reconcile every open journal entry; never signs anything new, never cancels.

    Raises:
        ChainError: When the network cannot be read (the journal is left untouched).
    """
    recovered: list[str] = []

    async def on_mined(entry: JournalRecord, receipt: Mapping[str, Any]) -> None:
        if entry.kind != "publish":
            return
        existing = session.store.tasks.task_by_tx(entry.tx_hash)
        if existing is not None:
            return
        try:
            task = record_published_task(session, entry.tx_hash, entry.sender, receipt,
                                         entry.meta)
        except ChainError as exc:
            log.warning("mined publish tx=%s holds no task: %s", entry.tx_hash, exc.message)
            return
        recovered.append(task)

    outcomes: list[Reconciled] = await session.journal.reconcile(on_mined)

    def hashes(state: TxState) -> tuple[str, ...]:
        return tuple(o.entry.tx_hash for o in outcomes if o.check.state is state)

    return RecoveryReport(
        mined=hashes(TxState.MINED),
        pending=hashes(TxState.PENDING) + hashes(TxState.UNKNOWN),
        dropped=hashes(TxState.DROPPED),
        recovered_tasks=tuple(recovered),
    )
