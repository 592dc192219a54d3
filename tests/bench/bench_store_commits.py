"""Bench: how long one store commit holds the calling (window's) thread, durable or not.

A tracker poll commits statuses, responses and its cursor without a disk flush, and so do a
journal entry and a recorded task (the entry's flush runs on a worker thread); the address
book commits durably. Prints one JSON line per kind: the median and the 95th
percentile of ``n`` commits, in milliseconds, on a database in the system's temporary folder.

Usage: python -m tests.bench.bench_store_commits [n]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ogpu_desktop.store import Store

CHAIN_ID = 1337


def timed(commit: Callable[[int], None], n: int) -> list[float]:
    """Milliseconds each of ``n`` calls of ``commit(i)`` took."""
    spent = []
    for index in range(n):
        started = time.perf_counter()
        commit(index)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def report(name: str, spent: list[float], n: int) -> None:
    """Print the JSON line of one kind of commit (``spent`` sorted)."""
    print(json.dumps({
        "metric": f"store_commit_{name}_ms", "value": round(statistics.median(spent), 3),
        "unit": "ms", "p95": round(spent[int(len(spent) * 0.95) - 1], 3), "n": n,
    }), flush=True)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.in_folder(Path(folder))
        store.runs.current_key(CHAIN_ID)
        nexus = "0x" + "11" * 20
        kinds = {
            "tracker_cursor": lambda i: store.misc.set_cursor(CHAIN_ID, nexus, i),
            "journal_entry": lambda i: store.journal.journal_add(
                tx_hash=f"0x{i:064x}", raw=b"\x02" + i.to_bytes(8, "big"), sender=nexus,
                nonce=i, chain_id=CHAIN_ID, kind="publish", meta={}),
            # What the send waits for on a worker thread, never on the window's.
            "journal_flush_on_worker": lambda i: store.journal.journal_flush(),
            "address_book_durable": lambda i: store.misc.save_source(
                CHAIN_ID, f"0x{i:040x}", "bench"),
        }
        try:
            for name, commit in kinds.items():
                report(name, sorted(timed(commit, n)), n)
            # The same cursor commit flushed to disk, as every commit was before.
            store.db.conn.execute("PRAGMA synchronous=FULL")
            report("tracker_cursor_flushed", sorted(timed(kinds["tracker_cursor"], n)), n)
        finally:
            store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
