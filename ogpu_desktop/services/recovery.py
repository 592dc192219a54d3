"""Start-up reconciliation of the journal; what still waits is then followed in the background."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.chain.journal import JournalRecord, Reconciled
from ogpu_desktop.chain.transactions import TxState, mined_receipts
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.task_records import record_mined_publish


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
        task = record_mined_publish(session, entry, receipt)
        if task is not None:
            recovered.append(task)

    outcomes: list[Reconciled] = await session.journal.reconcile(on_mined)
    lost = session.store.journal.mined_publishes_without_task(session.chain_id)
    if lost:
        # A recorded task is not flushed to disk: a power cut can keep its publish's "mined"
        # and lose the task, which is recorded again here from the journal and the receipt.
        receipts = await mined_receipts(session.client, [entry.tx_hash for entry in lost])
        for entry in lost:
            receipt = receipts.get(entry.tx_hash)
            if receipt is not None:
                await on_mined(entry, receipt)

    def hashes(state: TxState) -> tuple[str, ...]:
        return tuple(o.entry.tx_hash for o in outcomes if o.check.state is state)

    return RecoveryReport(
        mined=hashes(TxState.MINED),
        pending=hashes(TxState.PENDING) + hashes(TxState.UNKNOWN),
        dropped=hashes(TxState.DROPPED),
        recovered_tasks=tuple(recovered),
    )
