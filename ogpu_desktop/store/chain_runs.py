"""Runs of a chain: which run a chain ID stands for now, and the runs that were replaced."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ogpu_desktop.store.database import Database, now_s, run_key, start_run

PREVIOUS_RUN_NOTE = "Sent on a previous Sandbox run; that chain no longer exists."


@dataclass(frozen=True)
class ChainIdentity:
    """What identifies one run of a chain: its genesis block and, for a Sandbox, its run ID."""

    genesis_hash: str
    run_id: str


@dataclass(frozen=True)
class PreviousRun:
    """History kept from a chain that was replaced.

    Attributes:
        archive_key: The run's key (negative): ``list_tasks(archive_key)`` lists its tasks.
        chain_id: The chain ID it ran with.
        task_count: How many tasks it holds.
    """

    archive_key: int
    chain_id: int
    genesis_hash: str | None
    run_id: str | None
    task_count: int
    archived_at: int


class ChainRunRepo:
    """Records which run of each chain is current and ends a run when its chain is replaced.

    History is keyed by run (see ``ogpu_desktop.store.database.run_key``), so ending a run moves
    nothing: its rows stay under its key, and writes to it are refused from then on.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def identity(self, chain_id: int) -> ChainIdentity | None:
        """The identity of the current run of ``chain_id``, or ``None`` when none is known."""
        row = self._db.conn.execute(
            "SELECT genesis_hash, run_id FROM chain_runs WHERE chain_id=? AND ended_at IS NULL",
            (chain_id,),
        ).fetchone()
        if row is None or row["genesis_hash"] is None:
            return None
        return ChainIdentity(row["genesis_hash"], row["run_id"] or "")

    def current_key(self, chain_id: int) -> int:
        """The key of the current run of ``chain_id`` (recorded now if it has none)."""
        key = run_key(self._db.conn, chain_id, write=False)
        if key < 0:
            return key
        with self._db.transaction(durable=True) as conn:
            return run_key(conn, chain_id, write=True)

    def check_identity(self, chain_id: int, identity: ChainIdentity) -> PreviousRun | None:
        """Record ``identity`` for ``chain_id``; end the current run first if it is another chain.

        In one transaction: when the current run has a different genesis hash (or holds history
        with none recorded), it ends: its open journal entries are marked dropped (they must
        never be sent again to the new chain), the source cache of the chain ID is forgotten,
        and a new run starts, with no history and no tracker cursor.

        Returns:
            The run that ended, or ``None`` when the identity is the current run's.
        """
        with self._db.transaction(durable=True) as conn:
            row = conn.execute(
                "SELECT run_key, genesis_hash, run_id FROM chain_runs"
                " WHERE chain_id=? AND ended_at IS NULL",
                (chain_id,),
            ).fetchone()
            if row is None:
                start_run(conn, chain_id, identity.genesis_hash, identity.run_id)
                return None
            key, genesis = int(row["run_key"]), row["genesis_hash"]
            # The genesis hash names the chain; the run ID only adds to it (the same Sandbox
            # reached as a custom network has no run ID).
            if genesis == identity.genesis_hash:
                if identity.run_id and identity.run_id != row["run_id"]:
                    conn.execute("UPDATE chain_runs SET run_id=? WHERE run_key=?",
                                 (identity.run_id, key))
                return None
            if genesis is None and not _has_history(conn, key):
                conn.execute(
                    "UPDATE chain_runs SET genesis_hash=?, run_id=? WHERE run_key=?",
                    (identity.genesis_hash, identity.run_id, key),
                )
                return None
            previous = _end_run(conn, chain_id, key)
            start_run(conn, chain_id, identity.genesis_hash, identity.run_id)
            return previous

    def previous_runs(self, chain_id: int) -> list[PreviousRun]:
        """The ended runs of ``chain_id`` that hold history, newest first."""
        rows = self._db.conn.execute(
            "SELECT * FROM chain_runs WHERE chain_id=? AND ended_at IS NOT NULL"
            " AND (task_count > 0 OR EXISTS (SELECT 1 FROM tx_journal"
            " WHERE tx_journal.run_key=chain_runs.run_key)) ORDER BY run_key",
            (chain_id,),
        ).fetchall()
        return [_previous(row) for row in rows]

    def is_current(self, key: int) -> bool:
        """Whether the run ``key`` is the current run of its chain."""
        row = self._db.conn.execute(
            "SELECT ended_at FROM chain_runs WHERE run_key=?", (key,)
        ).fetchone()
        return row is not None and row[0] is None


def _has_history(conn: sqlite3.Connection, key: int) -> bool:
    for table in ("tasks", "tx_journal", "responses"):
        found = conn.execute(
            f"SELECT 1 FROM {table} WHERE run_key=? LIMIT 1", (key,)  # noqa: S608
        ).fetchone()
        if found is not None:
            return True
    return False


def _end_run(conn: sqlite3.Connection, chain_id: int, key: int) -> PreviousRun:
    now = now_s()
    tasks = int(conn.execute("SELECT COUNT(*) FROM tasks WHERE run_key=?", (key,)).fetchone()[0])
    conn.execute(
        "UPDATE tx_journal SET state='dropped', note=?, updated_at=?"
        " WHERE run_key=? AND state IN ('signed', 'sent')",
        (PREVIOUS_RUN_NOTE, now, key),
    )
    conn.execute("DELETE FROM tracker_cursor WHERE run_key=?", (key,))
    conn.execute("DELETE FROM source_cache WHERE chain_id=?", (chain_id,))
    conn.execute(
        "UPDATE chain_runs SET ended_at=?, task_count=? WHERE run_key=?", (now, tasks, key)
    )
    row = conn.execute("SELECT * FROM chain_runs WHERE run_key=?", (key,)).fetchone()
    return _previous(row)


def _previous(row: sqlite3.Row) -> PreviousRun:
    return PreviousRun(
        archive_key=int(row["run_key"]),
        chain_id=int(row["chain_id"]),
        genesis_hash=row["genesis_hash"],
        run_id=row["run_id"],
        task_count=int(row["task_count"]),
        archived_at=int(row["ended_at"]),
    )
