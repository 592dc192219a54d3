"""The pending-transaction list: every journaled send of this run, followed until it settles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ogpu_desktop.chain.transactions import TxState, check_transaction
from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.task_records import record_mined_publish
from ogpu_desktop.store import JournalEntry
from ogpu_desktop.store.journal import OPEN_STATES

if TYPE_CHECKING:
    from ogpu_desktop.domain.task_draft import TaskDraft

log = logging.getLogger(__name__)

LISTED = 50  # settled sends shown under the open ones, newest first


class TxStage(StrEnum):
    """Where one journaled send stands, as the list says it."""

    SIGNING = "signing"
    SENT = "sent"
    MINED = "mined"
    FAILED = "failed"
    REPLACED = "replaced"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """The word the list shows."""
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        """Whether the send may still be mined."""
        return self in (TxStage.SIGNING, TxStage.SENT)


_LABELS = {
    TxStage.SIGNING: "Signed, not yet sent",
    TxStage.SENT: "Sent, waiting to be mined",
    TxStage.MINED: "Mined",
    TxStage.FAILED: "Failed",
    TxStage.REPLACED: "Replaced",
    TxStage.DROPPED: "Dropped",
}


@dataclass(frozen=True)
class PendingTransaction:
    """One journaled send as the window lists it.

    Attributes:
        what: What the transaction does, in plain words.
        detail: Its stage in plain words, with what is safe to do.
        task: The task a mined publish created, once recorded.
        config_json: The task config of a publish (to tell a publish of the same task).
        source: The source of a publish ("" for other sends).
        payment_wei: The payment per task of a publish.
        expiry_time: The expiry a publish gave its task (unix seconds).
    """

    tx_hash: str
    kind: str
    what: str
    sender: str
    nonce: int
    stage: TxStage
    detail: str
    created_at: int
    block_number: int | None = None
    task: str | None = None
    config_json: str | None = None
    pipeline: str | None = None
    source: str = ""
    payment_wei: int | None = None
    expiry_time: int | None = None

    @property
    def can_resend(self) -> bool:
        """Sending the same signed bytes again is safe while it may still be mined."""
        return self.stage.is_open

    @property
    def can_publish_again(self) -> bool:
        """A publish that can no longer happen may be published anew (a new signature)."""
        return self.kind == "publish" and self.stage in (TxStage.DROPPED, TxStage.FAILED)

    def draft(self) -> TaskDraft:
        """The publish as the Compose page opens it to publish it again."""
        # Here, not at the top: the payload builder it uses loads Pillow for its image checks,
        # which the services the Tasks page imports never need otherwise.
        from ogpu_desktop.domain.task_draft import draft_of  # noqa: PLC0415

        return draft_of(
            pipeline=self.pipeline, config_json=self.config_json, source=self.source,
            payment_wei=self.payment_wei, expiry_time=self.expiry_time,
            published_at=self.created_at,
        )


class PendingService:
    """Lists the journal of the current run and follows its open sends to their receipts.

    A send whose receipt its own caller awaits (a publish in progress) is left to it; every
    other open one, such as one sent again unchanged when the app started, is checked by
    :meth:`follow` (the connection calls it after each tracker poll): once mined it is marked,
    and a publish's task is recorded at once, so it shows in the task list in the same run.

    Args:
        session: The open network session.
        actions: The actions service (its ``pending_transactions`` are the open sends).
    """

    def __init__(self, session: ChainSession, actions: ActionService) -> None:
        self.session = session
        self.actions = actions
        # Emits when the list changed, with the tasks that settled sends recorded (maybe none).
        self.changed: EventHub[tuple[str, ...]] = EventHub()

    def transactions(self, limit: int = LISTED) -> list[PendingTransaction]:
        """The open sends (oldest first), then up to ``limit`` settled ones (newest first)."""
        entries = self.session.store.journal.journal_all(self.session.chain_id)
        used = {(e.sender.lower(), e.nonce): e for e in entries if e.state == "mined"}
        waiting = sorted((e for e in entries if e.state in OPEN_STATES),
                         key=lambda e: (e.sender, e.nonce))
        settled = [e for e in entries if e.state not in OPEN_STATES][:limit]
        return [self._view(e, used) for e in waiting + settled]

    def open_publish_configs(self) -> set[str]:
        """The task configs of publishes that may still be mined."""
        return {
            str(e.meta.get("config_json", ""))
            for e in self.actions.pending_transactions()
            if e.kind == "publish"
        }

    async def follow(self) -> list[str]:
        """Check every open send no caller is waiting for; return the hashes that settled.

        Raises:
            ChainError: The network could not be read (what was settled so far stays).
        """
        journal = self.session.journal
        settled: list[str] = []
        tasks: list[str] = []
        for entry in self.actions.pending_transactions():
            if entry.tx_hash in journal.awaiting:
                continue
            check = await check_transaction(
                self.session.client, entry.tx_hash, entry.sender, entry.nonce
            )
            if check.state is TxState.MINED and check.receipt is not None:
                journal.mark_mined(entry.tx_hash, check.receipt)
                task = record_mined_publish(self.session, entry, check.receipt)
                if task is not None:
                    log.info("followed publish tx=%s to its task %s", entry.tx_hash, task)
                    tasks.append(task)
                settled.append(entry.tx_hash)
            elif check.state is TxState.DROPPED:
                self.session.store.journal.journal_set_state(
                    entry.tx_hash, "dropped", note="another transaction used its nonce"
                )
                settled.append(entry.tx_hash)
        if settled:
            self.changed.emit(tuple(tasks))
        return settled

    async def resend(self, tx_hash: str) -> None:
        """Send the journaled signed bytes of ``tx_hash`` again, unchanged.

        Raises:
            UserFacingError: The send is not open any more, or the node refused it.
        """
        entry = next(
            (e for e in self.actions.pending_transactions() if e.tx_hash == tx_hash), None
        )
        if entry is None:
            raise UserFacingError(
                "This transaction is no longer waiting: it was mined, replaced or dropped."
            )
        await self.session.check_run()
        try:
            await self.session.journal.rebroadcast(entry)
        finally:
            self.changed.emit(())

    def _view(
        self, entry: JournalEntry, mined: dict[tuple[str, int], JournalEntry]
    ) -> PendingTransaction:
        stage, detail = _stage(entry, mined)
        task = None
        if entry.kind == "publish" and stage is TxStage.MINED:
            record = self.session.store.tasks.task_by_tx(entry.tx_hash, self.session.chain_id)
            task = record.address if record is not None else None
            if task is not None:
                detail += f" Its task is {task}, in the task list."
        config, pipeline = entry.meta.get("config_json"), entry.meta.get("pipeline")
        return PendingTransaction(
            tx_hash=entry.tx_hash, kind=entry.kind, what=self._what(entry),
            sender=entry.sender, nonce=entry.nonce, stage=stage, detail=detail,
            created_at=entry.created_at, block_number=entry.block_number, task=task,
            config_json=str(config) if config is not None else None,
            pipeline=str(pipeline) if pipeline else None,
            source=str(entry.meta.get("source") or ""),
            payment_wei=_wei(entry.meta.get("payment_wei")),
            expiry_time=_wei(entry.meta.get("expiry_time")),
        )

    def _what(self, entry: JournalEntry) -> str:
        meta, symbol = entry.meta, self.session.network.symbol
        amount = _wei(meta.get("amount_wei"))
        if entry.kind == "publish":
            payment = _wei(meta.get("payment_wei"))
            pipeline = meta.get("pipeline") or "custom"
            paid = f" for {format_amount(payment, symbol)}" if payment is not None else ""
            source = _short(str(meta.get("source", "")))
            return f"Publish a {pipeline} task to source {source}{paid}"
        if entry.kind in ("deposit", "withdraw") and amount is not None:
            verb = "Deposit" if entry.kind == "deposit" else "Withdraw"
            return f"{verb} {format_amount(amount, symbol)}"
        if entry.kind == "cancel":
            return f"Cancel task {_short(str(meta.get('task', '')))}"
        if entry.kind == "confirm":
            return f"Confirm response {_short(str(meta.get('response', '')))}"
        return entry.kind.capitalize()


def _stage(
    entry: JournalEntry, mined: dict[tuple[str, int], JournalEntry]
) -> tuple[TxStage, str]:
    safe = "Safe to do: wait (it is checked every few seconds) or send it again unchanged."
    if entry.state == "signed":
        return TxStage.SIGNING, (
            "Signed and kept, but the network never confirmed receiving it. " + safe
        )
    if entry.state == "sent":
        return TxStage.SENT, "The network has it; it is not in a block yet. " + safe
    if entry.state == "mined":
        return TxStage.MINED, f"In block {entry.block_number}."
    if entry.state == "failed":
        return TxStage.FAILED, f"It will not happen: {entry.note or 'the network refused it'}."
    other = mined.get((entry.sender.lower(), entry.nonce))
    if other is not None and other.tx_hash != entry.tx_hash:
        return TxStage.REPLACED, (
            f"Replaced by {_short(other.tx_hash)} (in block {other.block_number}); this one "
            "will not happen."
        )
    return TxStage.DROPPED, f"It will not happen: {entry.note or 'it was dropped'}."


def _wei(value: object) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if len(address) > 12 else address
