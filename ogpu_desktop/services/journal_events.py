"""The store's transaction journal, announcing every write to the window as it happens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ogpu_desktop.chain.journal import JournalRecord
from ogpu_desktop.services.app_events import BalanceChanged, PendingChanged
from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.store import JournalRepo

SETTLED = frozenset({"mined", "failed"})
"""Journal states in which a send moved its sender's money (at least its fee)."""


class AnnouncingJournal:
    """A :class:`~ogpu_desktop.chain.journal.JournalBook` over the store that tells each write.

    The write itself is unchanged (on disk before the transaction is sent); the event follows
    it, so the pending list never reads the journal on a timer.

    A send that settles (mined, or mined and failed: its fee is paid) also announces that its
    sender's balances moved.

    Args:
        book: The store's journal.
        changed: Where each write is announced.
        balances: Where a settled send's sender is announced.
    """

    def __init__(
        self, book: JournalRepo, changed: EventHub[PendingChanged],
        balances: EventHub[BalanceChanged],
    ) -> None:
        self._book = book
        self._changed = changed
        self._balances = balances

    def journal_add(
        self, *, tx_hash: str, raw: bytes, sender: str, nonce: int, chain_id: int, kind: str,
        meta: Mapping[str, Any],
    ) -> None:
        """Journal a signed transaction, then announce it."""
        self._book.journal_add(tx_hash=tx_hash, raw=raw, sender=sender, nonce=nonce,
                               chain_id=chain_id, kind=kind, meta=meta)
        self._changed.emit(PendingChanged(tx_hash, "signed"))

    def journal_flush(self) -> None:
        """Put every entry added so far on the disk (blocking; from a worker thread)."""
        self._book.journal_flush()

    def journal_set_state(
        self, tx_hash: str, state: str, *, block_number: int | None = None, note: str | None = None
    ) -> None:
        """Record a new state of a journaled transaction, then announce it."""
        self._book.journal_set_state(tx_hash, state, block_number=block_number, note=note)
        self._changed.emit(PendingChanged(tx_hash, state))
        if state in SETTLED:
            entry = self._book.journal_get(tx_hash)
            if entry is not None:
                self._balances.emit(BalanceChanged(entry.sender))

    def journal_open(self, chain_id: int) -> Sequence[JournalRecord]:
        """The sends of ``chain_id`` that may still be mined."""
        return self._book.journal_open(chain_id)

    def journal_get(self, tx_hash: str) -> JournalRecord | None:
        """The journaled transaction ``tx_hash``, if any."""
        return self._book.journal_get(tx_hash)
