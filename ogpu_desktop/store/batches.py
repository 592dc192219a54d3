"""Batches and their items: one job over many inputs, every input kept in order with its fate.

A batch row holds the task type and the settings every task shares (JSON); an item row one
input: its label (file name or ``file:line``), its fingerprint, the entry needed to read it
again and export it, its status (a :class:`~ogpu_desktop.domain.batch_status.BatchItemStatus`
value), the task once published, and the reason when refused or failed.

The order of writes for one input is what makes a resumed batch publish nothing twice:
:meth:`BatchRepo.mark_signed` stores the transaction hash *before* the journal records the
signed publish (and so before it can be sent); :meth:`BatchRepo.mark_published` stores the task
once mined. An item still ``pending`` with a hash is one whose send may have happened: whoever
resumes asks the journal about that hash before anything new is signed for it.

None of these writes waits for the disk on its own: the journal's entry, written durably right
after ``mark_signed`` and before the send, flushes the earlier commits with it (a WAL is written
in order), and what comes after the send (the task, a status) can be read again from the chain
and the journal when a batch is resumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ogpu_desktop.domain.batch_entries import BatchEntry, ImageEntry, RefusedEntry, TextEntry
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.store.database import Database, StoreError, now_s, run_key


@dataclass(frozen=True)
class BatchRecord:
    """One batch.

    Attributes:
        batch_id: Its number in this history.
        chain_id: The chain ID of the network it was published on.
        run_key: The chain run it belongs to (see ``ogpu_desktop.store.database.run_key``).
        task_type: The task type key of every task.
        settings: What every task shares (source, payment, lifetime, form values…), as saved.
        resume_key: What names the job when it is started again (the command's output file).
    """

    batch_id: int
    chain_id: int
    run_key: int
    task_type: str
    settings: Mapping[str, Any]
    resume_key: str | None
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class BatchItemRecord:
    """One input of a batch.

    Attributes:
        index: Its place in the batch, from 0.
        label: The input as the user knows it: a file name, or ``file:line``.
        input_key: The input's fingerprint (``None`` for a refused input).
        entry: The input, rebuilt as listed.
        status: Where it stands.
        task: The task's address once published.
        tx_hash: The publish transaction signed for it (set before it is journaled and sent).
        error: Why it was refused or failed, or what the provider reported.
        headline: The result in a few words, once answered.
        score: The result's top score, when it has one.
        tries: How many times it was retried.
        earlier_tasks: The tasks earlier tries published (replaced by a retry).
    """

    batch_id: int
    index: int
    label: str
    input_key: str | None
    entry: BatchEntry
    status: BatchItemStatus
    task: str | None
    tx_hash: str | None
    error: str | None
    headline: str | None
    score: float | None
    tries: int
    earlier_tasks: tuple[str, ...]


class BatchRepo:
    """Batch reads and writes; every write is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create_batch(
        self,
        chain_id: int,
        task_type: str,
        settings: Mapping[str, Any],
        entries: Sequence[BatchEntry],
        *,
        resume_key: str | None = None,
    ) -> int:
        """Record a new batch with every input in order (refused ones as ``refused``).

        Returns:
            The new batch's number.
        """
        now = now_s()
        with self._db.transaction() as conn:
            key = run_key(conn, chain_id, write=True)
            cursor = conn.execute(
                "INSERT INTO batches (run_key, chain_id, task_type, settings, resume_key,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                (key, chain_id, task_type, json.dumps(dict(settings)), resume_key, now, now),
            )
            batch_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO batch_items (batch_id, item_index, label, input_key, entry, status,"
                " error, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                (_item_row(batch_id, index, entry, now) for index, entry in enumerate(entries)),
            )
        return batch_id

    def get_batch(self, batch_id: int) -> BatchRecord | None:
        """One batch, or ``None``."""
        row = self._db.conn.execute(
            "SELECT * FROM batches WHERE batch_id=?", (batch_id,)
        ).fetchone()
        return _batch(row) if row is not None else None

    def list_batches(self, chain_id: int) -> list[BatchRecord]:
        """The batches of ``chain_id``'s run (a chain ID names its current run), newest first."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT * FROM batches WHERE run_key=? ORDER BY created_at DESC, batch_id DESC",
            (key,),
        ).fetchall()
        return [_batch(r) for r in rows]

    def task_addresses(self, chain_id: int) -> frozenset[str]:
        """Every task published for a batch of ``chain_id``'s run, retried ones' earlier tasks
        included, in lower case."""
        key = run_key(self._db.conn, chain_id, write=False)
        rows = self._db.conn.execute(
            "SELECT i.task, i.earlier_tasks FROM batch_items AS i JOIN batches AS b"
            " ON b.batch_id = i.batch_id WHERE b.run_key=?",
            (key,),
        ).fetchall()
        found: set[str] = set()
        for task, earlier in rows:
            if task:
                found.add(str(task).lower())
            found.update(t.lower() for t in str(earlier or "").split())
        return frozenset(found)

    def find_resumable(self, chain_id: int, resume_key: str) -> BatchRecord | None:
        """The newest batch of ``chain_id``'s current run started under ``resume_key``."""
        key = run_key(self._db.conn, chain_id, write=False)
        row = self._db.conn.execute(
            "SELECT * FROM batches WHERE run_key=? AND resume_key=?"
            " ORDER BY batch_id DESC LIMIT 1",
            (key, resume_key),
        ).fetchone()
        return _batch(row) if row is not None else None

    def items(
        self, batch_id: int, statuses: Iterable[BatchItemStatus] | None = None
    ) -> list[BatchItemRecord]:
        """The items of a batch in order, all or those with one of ``statuses``."""
        if statuses is None:
            rows = self._db.conn.execute(
                "SELECT * FROM batch_items WHERE batch_id=? ORDER BY item_index", (batch_id,)
            ).fetchall()
        else:
            wanted = [s.value for s in statuses]
            marks = ",".join("?" * len(wanted))
            rows = self._db.conn.execute(
                f"SELECT * FROM batch_items WHERE batch_id=? AND status IN ({marks})"  # noqa: S608
                " ORDER BY item_index",
                (batch_id, *wanted),
            ).fetchall()
        return [_item(r) for r in rows]

    def item(self, batch_id: int, index: int) -> BatchItemRecord | None:
        """One item, or ``None``."""
        row = self._db.conn.execute(
            "SELECT * FROM batch_items WHERE batch_id=? AND item_index=?", (batch_id, index)
        ).fetchone()
        return _item(row) if row is not None else None

    def counts(self, batch_id: int) -> dict[BatchItemStatus, int]:
        """How many items of a batch have each status (statuses with none are left out)."""
        rows = self._db.conn.execute(
            "SELECT status, COUNT(*) FROM batch_items WHERE batch_id=? GROUP BY status",
            (batch_id,),
        ).fetchall()
        return {BatchItemStatus(r[0]): int(r[1]) for r in rows}

    def mark_signed(self, batch_id: int, index: int, tx_hash: str) -> None:
        """Note the publish signed for a pending item, before it is journaled and sent.

        Raises:
            StoreError: The item is not pending (it was published or finished meanwhile).
        """
        with self._db.transaction() as conn:
            changed = conn.execute(
                "UPDATE batch_items SET tx_hash=?, updated_at=? WHERE batch_id=? AND"
                " item_index=? AND status=?",
                (tx_hash, now_s(), batch_id, index, BatchItemStatus.PENDING.value),
            ).rowcount
            if changed != 1:
                raise StoreError(
                    f"Input {index + 1} of batch {batch_id} is no longer waiting to be published;"
                    " nothing was sent for it."
                )
            _touch(conn, batch_id)

    def mark_published(self, batch_id: int, index: int, task: str, tx_hash: str) -> None:
        """Record the task an item's mined publish created (the item is then ``waiting``)."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE batch_items SET task=?, tx_hash=?, status=?, error=NULL, updated_at=?"
                " WHERE batch_id=? AND item_index=?",
                (task, tx_hash, BatchItemStatus.WAITING.value, now_s(), batch_id, index),
            )
            _touch(conn, batch_id)

    def clear_signed(self, batch_id: int, index: int) -> None:
        """Forget the transaction of a pending item whose publish never reached the chain."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE batch_items SET tx_hash=NULL, updated_at=? WHERE batch_id=? AND"
                " item_index=? AND status=? AND task IS NULL",
                (now_s(), batch_id, index, BatchItemStatus.PENDING.value),
            )

    def set_status(
        self,
        batch_id: int,
        index: int,
        status: BatchItemStatus,
        *,
        error: str | None = None,
        headline: str | None = None,
        score: float | None = None,
    ) -> None:
        """Set one item's status (with its error, or its result's headline and score)."""
        self.set_statuses(batch_id, [(index, status, error, headline, score)])

    def set_statuses(
        self,
        batch_id: int,
        changes: Iterable[
            tuple[int, BatchItemStatus, str | None, str | None, float | None]
        ],
    ) -> int:
        """Apply (index, status, error, headline, score) changes in one transaction.

        Returns:
            How many items changed.
        """
        now = now_s()
        count = 0
        with self._db.transaction() as conn:
            for index, status, error, headline, score in changes:
                count += conn.execute(
                    "UPDATE batch_items SET status=?, error=?, headline=?, score=?, updated_at=?"
                    " WHERE batch_id=? AND item_index=?",
                    (status.value, error, headline, score, now, batch_id, index),
                ).rowcount
            if count:
                _touch(conn, batch_id)
        return count

    def reset_for_retry(self, batch_id: int, indexes: Iterable[int]) -> list[int]:
        """Make failed or expired items pending again, for a new task each.

        The task of the earlier try is kept in ``earlier_tasks``; refused, waiting and finished
        items are left as they are.

        Returns:
            The indexes that were reset.
        """
        retryable = [s.value for s in BatchItemStatus if s.can_retry]
        marks = ",".join("?" * len(retryable))
        reset: list[int] = []
        now = now_s()
        with self._db.transaction() as conn:
            for index in indexes:
                changed = conn.execute(_RETRY.format(marks=marks), (
                    BatchItemStatus.PENDING.value, now, batch_id, index, *retryable,
                )).rowcount
                if changed:
                    reset.append(index)
            if reset:
                _touch(conn, batch_id)
        return reset

    def items_by_task(self, tasks: Iterable[str]) -> list[BatchItemRecord]:
        """The batch items whose current task is one of ``tasks``."""
        wanted = list(tasks)
        found: list[BatchItemRecord] = []
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.conn.execute(
                f"SELECT * FROM batch_items WHERE task IN ({marks})", part  # noqa: S608
            ).fetchall()
            found += [_item(r) for r in rows]
        return found


_RETRY = (
    "UPDATE batch_items SET status=?, earlier_tasks=TRIM(earlier_tasks || ' ' ||"
    " COALESCE(task, '')), task=NULL, tx_hash=NULL, error=NULL, headline=NULL, score=NULL,"
    " tries=tries + 1, updated_at=? WHERE batch_id=? AND item_index=? AND status IN ({marks})"
)


def _touch(conn: Any, batch_id: int) -> None:
    conn.execute("UPDATE batches SET updated_at=? WHERE batch_id=?", (now_s(), batch_id))


def _item_row(
    batch_id: int, index: int, entry: BatchEntry, now: int
) -> tuple[int, int, str, str | None, str, str, str | None, int]:
    if isinstance(entry, RefusedEntry):
        return (batch_id, index, entry.label, None, _entry_json(entry),
                BatchItemStatus.REFUSED.value, entry.reason, now)
    return (batch_id, index, entry.label, entry.key, _entry_json(entry),
            BatchItemStatus.PENDING.value, None, now)


def _entry_json(entry: BatchEntry) -> str:
    if isinstance(entry, ImageEntry):
        value: dict[str, Any] = {
            "kind": "image", "path": str(entry.path), "name": entry.name,
            "size_bytes": entry.size_bytes, "mtime_ns": entry.mtime_ns, "width": entry.width,
            "height": entry.height, "image_format": entry.image_format,
        }
    elif isinstance(entry, TextEntry):
        value = {"kind": "text", "text": entry.text, "path": str(entry.path), "name": entry.name,
                 "line": entry.line, "column": entry.column}
    else:
        value = {"kind": "refused", "name": entry.name, "reason": entry.reason,
                 "path": None if entry.path is None else str(entry.path), "line": entry.line}
    return json.dumps(value, ensure_ascii=False)


def _entry(text: str) -> BatchEntry:
    value = json.loads(text)
    kind = value.pop("kind")
    if kind == "image":
        value["path"] = Path(value["path"])
        return ImageEntry(**value)
    if kind == "text":
        value["path"] = Path(value["path"])
        return TextEntry(**value)
    value["path"] = None if value["path"] is None else Path(value["path"])
    return RefusedEntry(**value)


def _batch(row: Any) -> BatchRecord:
    return BatchRecord(
        batch_id=int(row["batch_id"]),
        chain_id=int(row["chain_id"]),
        run_key=int(row["run_key"]),
        task_type=row["task_type"],
        settings=json.loads(row["settings"]),
        resume_key=row["resume_key"],
        created_at=int(row["created_at"]),
        updated_at=int(row["updated_at"]),
    )


def _item(row: Any) -> BatchItemRecord:
    earlier = str(row["earlier_tasks"] or "")
    return BatchItemRecord(
        batch_id=int(row["batch_id"]),
        index=int(row["item_index"]),
        label=row["label"],
        input_key=row["input_key"],
        entry=_entry(row["entry"]),
        status=BatchItemStatus(row["status"]),
        task=row["task"],
        tx_hash=row["tx_hash"],
        error=row["error"],
        headline=row["headline"],
        score=None if row["score"] is None else float(row["score"]),
        tries=int(row["tries"]),
        earlier_tasks=tuple(earlier.split()),
    )
