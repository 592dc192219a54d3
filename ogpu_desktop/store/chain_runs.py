"""Which chain a chain ID stood for last time, and the history of runs that no longer exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ogpu_desktop.store.database import Database, now_s

# Tables whose rows belong to one chain, keyed by chain_id. When a Sandbox restarts, its new
# chain reuses the same chain ID and, since contract addresses follow from deployer nonces, the
# same task and response addresses: the old rows would collide with the new ones (a cached
# result of the previous run shown for a new response). So they move under a negative key.
_MOVED = ("tasks", "responses", "attempts", "results", "tx_journal")
_FORGOTTEN = ("tracker_cursor", "source_cache")
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
        archive_key: The negative key its tasks are stored under (``list_tasks(archive_key)``).
        chain_id: The chain ID it ran with.
        task_count: How many tasks were set aside.
    """

    archive_key: int
    chain_id: int
    genesis_hash: str | None
    run_id: str | None
    task_count: int
    archived_at: int


class ChainRunRepo:
    """Records chain identities and sets aside the history of replaced chains."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def identity(self, chain_id: int) -> ChainIdentity | None:
        """The identity last recorded for ``chain_id``, or ``None``."""
        row = self._db.conn.execute(
            "SELECT genesis_hash, run_id FROM chain_identity WHERE chain_id=?", (chain_id,)
        ).fetchone()
        return ChainIdentity(row["genesis_hash"], row["run_id"]) if row is not None else None

    def check_identity(self, chain_id: int, identity: ChainIdentity) -> PreviousRun | None:
        """Record ``identity`` for ``chain_id``; set aside the history of another run first.

        In one transaction: when a different identity was recorded (or history exists with
        none recorded), every task, response, attempt, result and journal entry of
        ``chain_id`` moves under a new negative key, open journal entries are marked dropped
        (they must never be sent again to the new chain), and the tracker cursor and source
        cache are forgotten.

        Returns:
            The run set aside, or ``None`` when nothing was.
        """
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT genesis_hash, run_id FROM chain_identity WHERE chain_id=?", (chain_id,)
            ).fetchone()
            known = ChainIdentity(row["genesis_hash"], row["run_id"]) if row else None
            # The genesis hash names the chain; the run ID only adds to it (the same Sandbox
            # reached as a custom network has no run ID).
            same = known is not None and known.genesis_hash == identity.genesis_hash
            if same and (known == identity or not identity.run_id):
                return None
            previous = None if same else self._set_aside(conn, chain_id, known)
            conn.execute(
                "INSERT INTO chain_identity (chain_id, genesis_hash, run_id, recorded_at)"
                " VALUES (?,?,?,?) ON CONFLICT (chain_id) DO UPDATE SET"
                " genesis_hash=excluded.genesis_hash, run_id=excluded.run_id,"
                " recorded_at=excluded.recorded_at",
                (chain_id, identity.genesis_hash, identity.run_id, now_s()),
            )
            return previous

    def _set_aside(
        self, conn: Any, chain_id: int, known: ChainIdentity | None
    ) -> PreviousRun | None:
        tasks = int(
            conn.execute("SELECT COUNT(*) FROM tasks WHERE chain_id=?", (chain_id,)).fetchone()[0]
        )
        entries = int(
            conn.execute(
                "SELECT COUNT(*) FROM tx_journal WHERE chain_id=?", (chain_id,)
            ).fetchone()[0]
        )
        for table in _FORGOTTEN:
            conn.execute(f"DELETE FROM {table} WHERE chain_id=?", (chain_id,))  # noqa: S608
        if tasks == 0 and entries == 0:
            return None
        lowest = conn.execute("SELECT MIN(archive_key) FROM previous_runs").fetchone()[0]
        key = min(int(lowest or 0), 0) - 1
        conn.execute(
            "UPDATE tx_journal SET state='dropped', note=?, updated_at=?"
            " WHERE chain_id=? AND state IN ('signed', 'sent')",
            (PREVIOUS_RUN_NOTE, now_s(), chain_id),
        )
        for table in _MOVED:
            conn.execute(
                f"UPDATE {table} SET chain_id=? WHERE chain_id=?", (key, chain_id)  # noqa: S608
            )
        now = now_s()
        conn.execute(
            "INSERT INTO previous_runs (archive_key, chain_id, genesis_hash, run_id, task_count,"
            " archived_at) VALUES (?,?,?,?,?,?)",
            (key, chain_id, known.genesis_hash if known else None,
             known.run_id if known else None, tasks, now),
        )
        return PreviousRun(key, chain_id, known.genesis_hash if known else None,
                           known.run_id if known else None, tasks, now)

    def previous_runs(self, chain_id: int) -> list[PreviousRun]:
        """The runs of ``chain_id`` set aside, newest first."""
        rows = self._db.conn.execute(
            "SELECT * FROM previous_runs WHERE chain_id=? ORDER BY archive_key", (chain_id,)
        ).fetchall()
        return [PreviousRun(**dict(row)) for row in rows]
