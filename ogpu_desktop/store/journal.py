"""The transaction journal: every signed transaction, written before it is sent."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.store.database import Database, now_s

#: States in which a transaction may still be mined and must be checked on the next start.
OPEN_STATES = ("signed", "sent")


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


class JournalRepo:
    """Journal reads and writes; each write is its own durable transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def journal_add(
        self,
        *,
        tx_hash: str,
        raw: bytes,
        sender: str,
        nonce: int,
        chain_id: int,
        kind: str,
        meta: Mapping[str, Any],
    ) -> None:
        """Record a signed transaction (state ``signed``) before it is broadcast."""
        now = now_s()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO tx_journal (tx_hash, chain_id, sender, nonce, raw, kind,"
                " meta, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (tx_hash, chain_id, sender, nonce, raw, kind, json.dumps(dict(meta)), "signed",
                 now, now),
            )

    def journal_set_state(
        self, tx_hash: str, state: str, *, block_number: int | None = None, note: str | None = None
    ) -> None:
        """Move an entry to ``state`` (keeping the earlier block number and note if not given)."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE tx_journal SET state=?, block_number=COALESCE(?, block_number),"
                " note=COALESCE(?, note), updated_at=? WHERE tx_hash=?",
                (state, block_number, note, now_s(), tx_hash),
            )

    def journal_open(self, chain_id: int) -> Sequence[JournalEntry]:
        """Entries that may still be mined, oldest nonce first."""
        rows = self._db.conn.execute(
            f"SELECT * FROM tx_journal WHERE chain_id=? AND state IN {OPEN_STATES!r}"  # noqa: S608
            " ORDER BY sender, nonce, created_at",
            (chain_id,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def journal_get(self, tx_hash: str) -> JournalEntry | None:
        """One entry by hash."""
        row = self._db.conn.execute(
            "SELECT * FROM tx_journal WHERE tx_hash=?", (tx_hash,)
        ).fetchone()
        return _entry(row) if row is not None else None

    def journal_all(self, chain_id: int) -> Sequence[JournalEntry]:
        """Every entry on ``chain_id``, newest first."""
        rows = self._db.conn.execute(
            "SELECT * FROM tx_journal WHERE chain_id=? ORDER BY created_at DESC, nonce DESC",
            (chain_id,),
        ).fetchall()
        return [_entry(row) for row in rows]


def _entry(row: Any) -> JournalEntry:
    return JournalEntry(
        tx_hash=row["tx_hash"],
        chain_id=int(row["chain_id"]),
        sender=row["sender"],
        nonce=int(row["nonce"]),
        raw=bytes(row["raw"]),
        kind=row["kind"],
        meta=json.loads(row["meta"]),
        state=row["state"],
        note=row["note"],
        block_number=row["block_number"],
        created_at=int(row["created_at"]),
    )
