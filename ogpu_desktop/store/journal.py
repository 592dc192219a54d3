"""The transaction journal: every signed transaction, written before it is sent."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from ogpu_desktop.domain.records import JournalEntry
from ogpu_desktop.store.database import (
    Database,
    HistoryCollisionError,
    RunEndedError,
    now_s,
    run_key,
)

log = logging.getLogger(__name__)

#: States in which a transaction may still be mined and must be checked on the next start.
OPEN_STATES = ("signed", "sent")


class JournalRepo:
    """Journal reads and writes; each write is its own transaction.

    A new entry is committed without waiting for the disk; the sender calls
    :meth:`journal_flush` (from a worker thread) before the send, so the entry is on disk first
    (see :class:`~ogpu_desktop.store.database.Database`).

    Entries belong to a chain run like the rest of the history: ``chain_id`` names the chain's
    current run (a negative run key an earlier one). A transaction hash names one entry per
    run: the same signed bytes can be valid on two runs of a Sandbox (same chain ID, nonces
    from zero again), and an entry of a run that ended never changes again.
    """

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
        """Record a signed transaction (state ``signed``) before it is broadcast.

        Recording the same signed bytes again changes nothing.

        Raises:
            HistoryCollisionError: Other bytes with this hash are recorded on this run.
        """
        now = now_s()
        with self._db.transaction() as conn:
            key = run_key(conn, chain_id, write=True)
            try:
                conn.execute(
                    "INSERT INTO tx_journal (run_key, tx_hash, chain_id, sender, nonce, raw,"
                    " kind, meta, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (key, tx_hash, chain_id, sender, nonce, raw, kind, json.dumps(dict(meta)),
                     "signed", now, now),
                )
            except sqlite3.IntegrityError:
                row = conn.execute(
                    "SELECT raw FROM tx_journal WHERE run_key=? AND tx_hash=?", (key, tx_hash)
                ).fetchone()
                if row is not None and bytes(row[0]) == bytes(raw):
                    return
                log.error("journal entry %s collides in run %d", tx_hash, key)
                raise HistoryCollisionError(
                    f"The transaction journal already holds other bytes under {tx_hash}; "
                    "nothing was overwritten and nothing was sent."
                ) from None

    def journal_flush(self) -> None:
        """Put every entry written so far on the disk (blocking; safe from any thread).

        Raises:
            StoreError: The disk refused the flush.
        """
        self._db.flush_to_disk()

    def journal_set_state(
        self, tx_hash: str, state: str, *, block_number: int | None = None, note: str | None = None
    ) -> None:
        """Move an entry of a current run to ``state`` (keeping its block and note if not given).

        Raises:
            RunEndedError: The entry belongs only to a run that ended (its chain was replaced).
        """
        # Not flushed: a state lost in a power cut is read again from the chain when the app
        # starts (an entry left signed or sent is reconciled), so only the entry itself waits.
        with self._db.transaction() as conn:
            changed = conn.execute(
                "UPDATE tx_journal SET state=?, block_number=COALESCE(?, block_number),"
                " note=COALESCE(?, note), updated_at=? WHERE tx_hash=? AND run_key IN"
                " (SELECT run_key FROM chain_runs WHERE ended_at IS NULL)",
                (state, block_number, note, now_s(), tx_hash),
            ).rowcount
            if changed == 0 and conn.execute(
                "SELECT 1 FROM tx_journal WHERE tx_hash=?", (tx_hash,)
            ).fetchone() is not None:
                raise RunEndedError(
                    f"The transaction {tx_hash} was sent on an earlier run of the network, which "
                    "was replaced by a new chain; its journal entry no longer changes."
                )

    def journal_open(self, chain_id: int) -> Sequence[JournalEntry]:
        """Entries that may still be mined, oldest nonce first."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            f"SELECT * FROM tx_journal WHERE run_key=? AND state IN {OPEN_STATES!r}"  # noqa: S608
            " ORDER BY sender, nonce, created_at",
            (key,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def journal_get(self, tx_hash: str) -> JournalEntry | None:
        """One entry by hash (the current run's when an earlier run has the same hash)."""
        row = self._db.conn.execute(
            "SELECT tx_journal.* FROM tx_journal JOIN chain_runs USING (run_key)"
            " WHERE tx_hash=? ORDER BY chain_runs.ended_at IS NOT NULL, run_key DESC LIMIT 1",
            (tx_hash,),
        ).fetchone()
        return _entry(row) if row is not None else None

    def mined_publishes_without_task(self, chain_id: int) -> Sequence[JournalEntry]:
        """Publishes of ``chain_id``'s run marked mined whose task is not in the history.

        A recorded task is not flushed to disk (its journal entry is): a power cut right after
        a publish can keep the entry's ``mined`` state and lose the task, which this finds.
        """
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM tx_journal AS j WHERE j.run_key=? AND j.kind='publish'"
            " AND j.state='mined' AND NOT EXISTS (SELECT 1 FROM tasks AS t"
            " WHERE t.tx_hash=j.tx_hash AND t.run_key=j.run_key) ORDER BY j.nonce",
            (key,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def journal_all(self, chain_id: int) -> Sequence[JournalEntry]:
        """Every entry of ``chain_id``'s run, newest first."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM tx_journal WHERE run_key=? ORDER BY created_at DESC, nonce DESC",
            (key,),
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
