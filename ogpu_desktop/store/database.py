"""The SQLite file: opened durably, migrated, and written one transaction per change."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.store.migrations import MIGRATIONS

DB_FILE_NAME = "history.sqlite3"


class StoreError(UserFacingError):
    """The history database cannot be opened or written."""


class RunEndedError(StoreError):
    """A write for a run of a chain that was replaced: that history is kept and never changes."""


class HistoryCollisionError(StoreError):
    """Two different records claim one key of one chain run; nothing was overwritten."""


NO_RUN = 0
"""The run key of a chain that has none yet: it matches no row (run keys are negative)."""


def run_key(conn: sqlite3.Connection, key: int, *, write: bool) -> int:
    """The chain run that ``key`` names: a run key (negative) or a chain ID (its current run).

    Every history row belongs to one run of a chain, so the same address on two runs of a
    Sandbox (a new run reuses the chain ID and, by the deployer's nonces, the addresses) is two
    rows. Callers name the current run by the network's chain ID and an earlier run by its key.

    Args:
        write: The caller is about to write: a chain without a run gets one, and a run that
            ended (its chain was replaced) is refused.

    Raises:
        RunEndedError: ``write`` for a run that ended.
        StoreError: ``write`` for a run key that was never recorded.
    """
    if key < 0:
        if write:
            row = conn.execute(
                "SELECT chain_id, ended_at FROM chain_runs WHERE run_key=?", (key,)
            ).fetchone()
            if row is None:
                raise StoreError(f"The history has no chain run {key}.")
            if row[1] is not None:
                raise RunEndedError(
                    f"This belongs to an earlier run of the network with chain ID {row[0]}, "
                    "which was replaced by a new chain: its history is kept as it was and no "
                    "longer changes."
                )
        return key
    row = conn.execute(
        "SELECT run_key FROM chain_runs WHERE chain_id=? AND ended_at IS NULL", (key,)
    ).fetchone()
    if row is not None:
        return int(row[0])
    if not write:
        return NO_RUN
    return start_run(conn, key, None, None)


def start_run(
    conn: sqlite3.Connection, chain_id: int, genesis_hash: str | None, run_id: str | None
) -> int:
    """Record a new current run of ``chain_id`` (none may be current); return its key."""
    lowest = conn.execute("SELECT MIN(run_key) FROM chain_runs").fetchone()[0]
    key = min(int(lowest or 0), 0) - 1
    conn.execute(
        "INSERT INTO chain_runs (run_key, chain_id, genesis_hash, run_id, started_at)"
        " VALUES (?,?,?,?,?)",
        (key, chain_id, genesis_hash, run_id, now_s()),
    )
    return key


def now_s() -> int:
    """Current unix time in whole seconds."""
    return int(time.time())


class Database:
    """An open, migrated SQLite database.

    Durability: WAL, with two kinds of commit. A *durable* transaction (a chain run, the
    address book: rare, and not told again by the chain) commits with ``synchronous=FULL``: it
    is on disk when the call returns. Every other write commits with ``NORMAL``: in WAL mode
    that survives the app being killed and waits for no disk flush, so frequent commits never
    block the window's thread on the disk (a flush takes from a few to hundreds of
    milliseconds). Their frames are flushed with the next durable commit or
    :meth:`flush_to_disk` (the WAL is written in order, and after a power cut SQLite keeps the
    valid prefix of it) or a checkpoint; a power cut may lose only them, and the next polls (or
    the journal's reconciliation at start) read them again.

    A journal entry must be on disk before its transaction is sent (a signed transaction sent
    but forgotten could lead to a second task): it is committed with ``NORMAL`` on the
    caller's thread, then :meth:`flush_to_disk` runs on a worker thread and the send waits for
    it, so the window's thread never waits for the disk. A recorded task is not flushed: its
    journal entry (flushed) holds everything it is made of, and the start-up reconciliation
    records a mined publish whose task was lost again (``services/recovery.py``).

    Blocking: every call is one short transaction on a local file (well under a millisecond
    besides the fsync), so services call the store directly on the event-loop thread instead of
    paying a thread hop per call; the connection is therefore used from one thread only.

    Args:
        path: The database file; its folder is created if needed. ``:memory:`` works for tests.
    """

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=10.0)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self.conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"The history database {path} cannot be opened: {exc}") from exc
        self.path = path

    @classmethod
    def in_folder(cls, data_dir: Path) -> Database:
        """Open (or create) the database in the profile's data folder."""
        return cls(data_dir / DB_FILE_NAME)

    @property
    def schema_version(self) -> int:
        """The number of migrations applied."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(
                "The history database was written by a newer OGPU Desktop; update the app."
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            # executescript commits implicitly, so the version bump rides in the same script.
            self.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={version};\nCOMMIT;")

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """Run the block in one ``BEGIN IMMEDIATE`` transaction; roll back on any error.

        Args:
            durable: Flush the commit to disk before returning (``synchronous=FULL``), for
                what cannot be read again from the chain; see the class notes.
        """
        if durable:
            self.conn.execute("PRAGMA synchronous=FULL")
        try:
            yield from self._transaction()
        finally:
            if durable:
                self.conn.execute("PRAGMA synchronous=NORMAL")

    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"The history database is busy or unwritable: {exc}") from exc
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"The history database could not save: {exc}") from exc

    def flush_to_disk(self) -> None:
        """Put every write committed so far on the disk; blocking, and safe from any thread.

        It flushes the WAL file (the database file when there is none) through a file handle of
        its own: the connection (used from one thread only) is not touched, so a worker thread
        can wait for the disk while the window's thread goes on. Commits a checkpoint moved
        from the WAL into the database file are on disk already: SQLite flushes the database
        file after each checkpoint, even with ``synchronous=NORMAL``.

        Raises:
            StoreError: The disk refused the flush.
        """
        if str(self.path) == ":memory:":
            return
        flags = os.O_RDWR | getattr(os, "O_BINARY", 0)
        try:
            try:
                handle = os.open(f"{self.path}-wal", flags)
            except FileNotFoundError:  # no WAL (closed): every commit is in the database file
                handle = os.open(str(self.path), flags)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
        except OSError as exc:
            raise StoreError(f"The history database could not be saved to disk: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
