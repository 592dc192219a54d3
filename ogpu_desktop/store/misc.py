"""Small tables: the tracker cursor, fetched results, the source address book and cache."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.store.database import Database, now_s, run_key


@dataclass(frozen=True)
class StoredResult:
    """A response's fetched payload, kept so it is downloaded once."""

    raw: str
    content_type: str
    fetched_from: str | None
    fetched_at: int


@dataclass(frozen=True)
class SavedSource:
    """An entry of the address book of sources."""

    address: str
    label: str
    added_at: int


class MiscRepo:
    """Cursor, results, address book and source cache.

    The cursor and results belong to a chain run (``chain_id`` names the current run, a
    negative run key an earlier one); the address book and the source cache to the chain ID.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def get_cursor(self, chain_id: int, nexus: str) -> int | None:
        """The last block the tracker has fully processed, or ``None`` before the first poll."""
        key = run_key(self._db.conn, chain_id, write=False)
        row = self._db.conn.execute(
            "SELECT block_number FROM tracker_cursor WHERE run_key=? AND nexus=?", (key, nexus)
        ).fetchone()
        return int(row[0]) if row is not None else None

    def set_cursor(self, chain_id: int, nexus: str, block_number: int) -> None:
        """Persist the tracker cursor."""
        with self._db.transaction() as conn:
            key = run_key(conn, chain_id, write=True)
            conn.execute(
                "INSERT INTO tracker_cursor (run_key, nexus, block_number) VALUES (?,?,?)"
                " ON CONFLICT (run_key, nexus) DO UPDATE SET block_number=excluded.block_number",
                (key, nexus, block_number),
            )

    def save_result(
        self, chain_id: int, response: str, raw: str, content_type: str, fetched_from: str | None
    ) -> None:
        """Cache a fetched result payload (a fetch again replaces it)."""
        with self._db.transaction() as conn:
            key = run_key(conn, chain_id, write=True)
            conn.execute(
                "INSERT OR REPLACE INTO results (run_key, response, raw, content_type,"
                " fetched_from, fetched_at) VALUES (?,?,?,?,?,?)",
                (key, response, raw, content_type, fetched_from, now_s()),
            )

    def get_result(self, chain_id: int, response: str) -> StoredResult | None:
        """A cached result payload, or ``None``."""
        key = run_key(self._db.conn, chain_id, write=False)
        row = self._db.conn.execute(
            "SELECT raw, content_type, fetched_from, fetched_at FROM results"
            " WHERE run_key=? AND response=?",
            (key, response),
        ).fetchone()
        return StoredResult(**dict(row)) if row is not None else None

    def save_source(self, chain_id: int, address: str, label: str = "") -> None:
        """Add (or relabel) a source in the address book."""
        with self._db.transaction(durable=True) as conn:
            conn.execute(
                "INSERT INTO address_book (chain_id, address, label, added_at) VALUES (?,?,?,?)"
                " ON CONFLICT (chain_id, address) DO UPDATE SET label=excluded.label",
                (chain_id, address, label, now_s()),
            )

    def remove_source(self, chain_id: int, address: str) -> None:
        """Remove a source from the address book."""
        with self._db.transaction(durable=True) as conn:
            conn.execute(
                "DELETE FROM address_book WHERE chain_id=? AND address=?", (chain_id, address)
            )

    def saved_sources(self, chain_id: int) -> Sequence[SavedSource]:
        """The address book, oldest first."""
        rows = self._db.conn.execute(
            "SELECT address, label, added_at FROM address_book WHERE chain_id=?"
            " ORDER BY added_at, rowid",
            (chain_id,),
        ).fetchall()
        return [SavedSource(**dict(r)) for r in rows]

    def cache_source_info(self, chain_id: int, address: str, info: Mapping[str, Any]) -> None:
        """Cache what discovery learned about a source (JSON-able mapping)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO source_cache (chain_id, address, info, fetched_at)"
                " VALUES (?,?,?,?)",
                (chain_id, address, json.dumps(dict(info)), now_s()),
            )

    def cached_source_info(self, chain_id: int, address: str) -> tuple[dict[str, Any], int] | None:
        """The cached info and when it was fetched, or ``None``."""
        row = self._db.conn.execute(
            "SELECT info, fetched_at FROM source_cache WHERE chain_id=? AND address=?",
            (chain_id, address),
        ).fetchone()
        if row is None:
            return None
        return json.loads(row["info"]), int(row["fetched_at"])
