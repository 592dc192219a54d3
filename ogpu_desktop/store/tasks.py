"""Published tasks and their responses, as last seen on chain."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ogpu_desktop.domain.records import ResponseRecord, TaskRecord
from ogpu_desktop.store.database import Database, HistoryCollisionError, now_s, run_key

log = logging.getLogger(__name__)

FINAL_STATUSES = frozenset({3, 4, 5})  # CANCELED, EXPIRED, FINALIZED: nothing changes after


class TaskRepo:
    """Task and response reads and writes; every write is one transaction.

    Every method takes ``chain_id``: a network's chain ID names its current run, a negative run
    key an earlier one (see ``ogpu_desktop.store.database.run_key``). Writes to a run that
    ended raise ``RunEndedError``.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def add_task(self, task: TaskRecord) -> None:
        """Insert a published task (in the run ``task.chain_id`` names).

        Recording the same publish again (same address, same transaction) changes nothing.
        Another task at an address this run already holds is a collision: it is logged and
        raised, and the stored task stays as it was.

        A new task is not yet read by the tracker (``events_read`` false): the next poll reads
        from its publish block, whatever its cursor, so a task recorded late (found by journal
        recovery) or while a poll was in flight loses no event.

        Raises:
            HistoryCollisionError: Another task of this run has the address.
            RunEndedError: The run ended.
        """
        # Not flushed to disk: the publish's journal entry (flushed before the send) holds
        # everything a task is made of, and the start-up reconciliation records it again.
        with self._db.transaction() as conn:
            key = run_key(conn, task.chain_id, write=True)
            chain = _chain_of(conn, key)
            try:
                conn.execute(
                    "INSERT INTO tasks (run_key, chain_id, address, source, sender, config_url,"
                    " config_json, payment_wei, expiry_time, delivery_method, pipeline, status,"
                    " attempt_count, tx_hash, block_number, published_at, updated_at,"
                    " events_read, final_seen_block, expiry_read_block)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (key, chain, task.address, task.source, task.sender, task.config_url,
                     task.config_json, str(task.payment_wei), task.expiry_time,
                     task.delivery_method, task.pipeline, task.status, task.attempt_count,
                     task.tx_hash, task.block_number, task.published_at, task.updated_at,
                     int(task.events_read), task.final_seen_block, task.expiry_read_block),
                )
            except sqlite3.IntegrityError:
                row = conn.execute(
                    "SELECT tx_hash FROM tasks WHERE run_key=? AND address=?", (key, task.address)
                ).fetchone()
                if row is not None and str(row[0]).lower() == task.tx_hash.lower():
                    return
                log.error("task %s of tx %s collides with the task of tx %s in run %d",
                          task.address, task.tx_hash, row[0] if row else None, key)
                raise HistoryCollisionError(
                    f"The history already holds another task at {task.address} on this run of "
                    f"chain {chain} (published by transaction {row[0] if row else '?'}, not "
                    f"{task.tx_hash}). Nothing was overwritten; the log file has details."
                ) from None

    def get_task(self, chain_id: int, address: str) -> TaskRecord | None:
        """One task, or ``None``."""
        key = run_key(self._db.conn, chain_id, write=False)
        row = self._db.conn.execute(
            "SELECT * FROM tasks WHERE run_key=? AND address=?", (key, address)
        ).fetchone()
        return _task(row) if row is not None else None

    def task_by_tx(self, tx_hash: str, chain_id: int | None = None) -> TaskRecord | None:
        """The task a publish transaction created, if recorded (in ``chain_id``'s run if given).

        Without ``chain_id`` a task of a current run comes before one of an ended run.
        """
        if chain_id is not None:
            key = run_key(self._db.conn, chain_id, write=False)
            row = self._db.conn.execute(
                "SELECT * FROM tasks WHERE tx_hash=? AND run_key=?", (tx_hash, key)
            ).fetchone()
        else:
            row = self._db.conn.execute(
                "SELECT tasks.* FROM tasks JOIN chain_runs USING (run_key) WHERE tx_hash=?"
                " ORDER BY chain_runs.ended_at IS NOT NULL, run_key DESC LIMIT 1",
                (tx_hash,),
            ).fetchone()
        return _task(row) if row is not None else None

    def open_tasks(self, chain_id: int) -> Sequence[TaskRecord]:
        """Tasks whose on-chain status can still change (not canceled, expired or finalized)."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM tasks WHERE run_key=? AND status NOT IN (3, 4, 5)", (key,)
        ).fetchall()
        return [_task(r) for r in rows]

    def tasks_to_read_directly(self, chain_id: int) -> Sequence[TaskRecord]:
        """Open tasks a direct status read still has to look at (not yet read past expiry)."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM tasks WHERE run_key=? AND status NOT IN (3, 4, 5)"
            " AND expiry_read_block IS NULL",
            (key,),
        ).fetchall()
        return [_task(r) for r in rows]

    def open_statuses(self, chain_id: int) -> dict[str, int]:
        """address -> stored status of every open task (a cheap read for merging reads)."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT address, status FROM tasks WHERE run_key=? AND status NOT IN (3, 4, 5)",
            (key,),
        ).fetchall()
        return {r["address"]: int(r["status"]) for r in rows}

    def followed_tasks(self, chain_id: int, cursor: int | None) -> Sequence[TaskRecord]:
        """The tasks the tracker must read events for, given its ``cursor``.

        That is every open task, every task whose events no completed poll has read from its
        publish block yet, and every task a direct status read saw final at a block the cursor
        has not reached yet (the events that led there, its responses among them, are unread).
        """
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM tasks WHERE run_key=? AND (status NOT IN (3, 4, 5)"
            " OR events_read=0 OR final_seen_block > ?)",
            (key, -1 if cursor is None else cursor),
        ).fetchall()
        return [_task(r) for r in rows]

    def list_tasks(self, chain_id: int) -> Sequence[TaskRecord]:
        """Every task on ``chain_id``, newest first."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM tasks WHERE run_key=? ORDER BY published_at DESC, rowid DESC", (key,)
        ).fetchall()
        return [_task(r) for r in rows]

    def count_tasks(self, chain_id: int) -> int:
        """How many tasks are recorded on ``chain_id``."""
        key = run_key(self._db.conn, chain_id, write=False)
        row = self._db.conn.execute("SELECT COUNT(*) FROM tasks WHERE run_key=?", (key,)).fetchone()
        return int(row[0])

    def update_tasks(self, chain_id: int, changes: Iterable[tuple[str, int, int | None]]) -> None:
        """Apply (address, status, attempt_count or None) updates in one transaction."""
        now = now_s()
        with self._db.transaction() as conn:
            key = run_key(conn, chain_id, write=True)
            for address, status, attempts in changes:
                conn.execute(
                    "UPDATE tasks SET status=?, attempt_count=MAX(attempt_count, COALESCE(?, 0)),"
                    " updated_at=? WHERE run_key=? AND address=?",
                    (status, attempts, now, key, address),
                )

    def apply_tracking(
        self,
        chain_id: int,
        *,
        statuses: Mapping[str, int],
        attempts: Iterable[tuple[str, str, int]] = (),
        responses: Iterable[ResponseRecord] = (),
        cursor: tuple[str, int] | None = None,
        read: Iterable[str] = (),
        exact: bool = False,
        seen_at: int | None = None,
        expiry_checked: Iterable[str] = (),
    ) -> None:
        """Apply one tracker poll atomically: statuses, attempts, responses and cursor.

        Every part is idempotent, so blocks can be read again (reorg margin, a re-read from a
        task's publish block) without counting anything twice. The cursor moves only together
        with the updates it covers: a crash in between means those blocks are read again,
        never skipped.

        Args:
            statuses: task -> status. From events, a status never goes back (the protocol's
                statuses only move forward); with ``exact`` (direct reads) it is set as given.
            attempts: (task, provider, block) triples from ``Attempted`` events.
            responses: Responses to insert or refresh.
            cursor: (nexus, block) to store as the last fully read block.
            read: Tasks whose events this poll read from their publish block on.
            seen_at: The block a direct read saw ``statuses`` at: a task seen final there
                keeps being followed until the cursor passes it.
            expiry_checked: Tasks the direct read saw still open at ``seen_at``, a block dated
                after their expiry: their ``expiry_read_block`` is set to it.
        """
        now = now_s()
        set_status = "?" if exact else "MAX(status, ?)"
        with self._db.transaction() as conn:
            key = run_key(conn, chain_id, write=True)
            for address, status in statuses.items():
                conn.execute(
                    f"UPDATE tasks SET status={set_status}, updated_at=?"  # noqa: S608
                    " WHERE run_key=? AND address=?",
                    (status, now, key, address),
                )
                if seen_at is not None and status in FINAL_STATUSES:
                    conn.execute(
                        "UPDATE tasks SET final_seen_block=MAX(COALESCE(final_seen_block, 0), ?)"
                        " WHERE run_key=? AND address=?",
                        (seen_at, key, address),
                    )
            for address in read:
                conn.execute(
                    "UPDATE tasks SET events_read=1 WHERE run_key=? AND address=?", (key, address)
                )
            for address in expiry_checked if seen_at is not None else ():
                conn.execute(
                    "UPDATE tasks SET expiry_read_block=? WHERE run_key=? AND address=?",
                    (seen_at, key, address),
                )
            touched: set[str] = set()
            for task, provider, block in attempts:
                # Re-reading blocks sees an attempt again: the same pair counts once.
                conn.execute(
                    "INSERT OR IGNORE INTO attempts (run_key, task, provider, block_number)"
                    " VALUES (?,?,?,?)",
                    (key, task, provider, block),
                )
                touched.add(task)
            for task in touched:
                conn.execute(
                    "UPDATE tasks SET attempt_count=MAX(attempt_count, (SELECT COUNT(*) FROM"
                    " attempts WHERE run_key=? AND task=?)), updated_at=?"
                    " WHERE run_key=? AND address=?",
                    (key, task, now, key, task),
                )
            self._upsert_responses(conn, key, responses, now)
            if cursor is not None:
                conn.execute(
                    "INSERT INTO tracker_cursor (run_key, nexus, block_number) VALUES (?,?,?)"
                    " ON CONFLICT (run_key, nexus) DO UPDATE SET"
                    " block_number=excluded.block_number",
                    (key, cursor[0], cursor[1]),
                )

    def upsert_responses(self, responses: Iterable[ResponseRecord]) -> None:
        """Insert or refresh responses in one transaction (idempotent).

        Each response goes to the run its ``chain_id`` names.

        Raises:
            HistoryCollisionError: A response is already recorded for another task.
            RunEndedError: A response's run ended.
        """
        with self._db.transaction() as conn:
            keys: dict[int, int] = {}
            for r in responses:
                if r.chain_id not in keys:
                    keys[r.chain_id] = run_key(conn, r.chain_id, write=True)
                self._upsert_responses(conn, keys[r.chain_id], (r,), now_s())

    @staticmethod
    def _upsert_responses(
        conn: sqlite3.Connection, key: int, responses: Iterable[ResponseRecord], now: int
    ) -> None:
        chain = _chain_of(conn, key)
        for r in responses:
            known = conn.execute(
                "SELECT task FROM responses WHERE run_key=? AND address=?", (key, r.address)
            ).fetchone()
            if known is not None and str(known[0]).lower() != r.task.lower():
                log.error("response %s of task %s collides with one of task %s in run %d",
                          r.address, r.task, known[0], key)
                raise HistoryCollisionError(
                    f"The history already holds the response {r.address} for task {known[0]} "
                    f"on this run of chain {chain}, not for task {r.task}. Nothing was "
                    "overwritten; the log file has details."
                )
            conn.execute(
                "INSERT INTO responses (run_key, chain_id, address, task, provider, data,"
                " status, payment_wei, block_number, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (run_key, address) DO UPDATE SET"
                " provider=COALESCE(excluded.provider, provider),"
                " data=COALESCE(excluded.data, data),"
                " status=MAX(status, excluded.status),"
                " payment_wei=COALESCE(excluded.payment_wei, payment_wei),"
                " block_number=COALESCE(block_number, excluded.block_number),"
                " updated_at=excluded.updated_at",
                (key, chain, r.address, r.task, r.provider, r.data, r.status,
                 None if r.payment_wei is None else str(r.payment_wei), r.block_number, now),
            )

    def responses_of(self, chain_id: int, task: str) -> Sequence[ResponseRecord]:
        """The responses recorded for one task."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM responses WHERE run_key=? AND task=? ORDER BY block_number, rowid",
            (key, task),
        ).fetchall()
        return [_response(r) for r in rows]

    def response_map(self, chain_id: int) -> dict[str, str]:
        """response address -> task address, for routing response events."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT address, task FROM responses WHERE run_key=?", (key,)
        ).fetchall()
        return {r["address"]: r["task"] for r in rows}


def _chain_of(conn: sqlite3.Connection, key: int) -> int:
    """The chain ID of the run ``key``."""
    row = conn.execute("SELECT chain_id FROM chain_runs WHERE run_key=?", (key,)).fetchone()
    return int(row[0]) if row is not None else 0


def _task(row: Any) -> TaskRecord:
    values = dict(row)
    del values["run_key"]
    values["payment_wei"] = int(values["payment_wei"])
    values["events_read"] = bool(values["events_read"])
    return TaskRecord(**values)


def _response(row: Any) -> ResponseRecord:
    values = {k: row[k] for k in row.keys() if k not in ("updated_at", "run_key")}  # noqa: SIM118
    if values["payment_wei"] is not None:
        values["payment_wei"] = int(values["payment_wei"])
    return ResponseRecord(**values)
