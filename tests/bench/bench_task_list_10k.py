"""The task list with 10,000 tasks in a history database on disk: load time and memory.

Fills a fresh store (in a temporary folder) with 10,000 tasks and 5,000 responses, then times
loading them through the Tasks page's bridge into the table model and showing the page
offscreen until it has painted. Run: ``python tests/bench/bench_task_list_10k.py [--runs N]``.
Prints one JSON object per line: ``task_list_10k_load_ms`` (median of the runs, each in a fresh
page) and ``task_list_10k_rss_mb`` (resident memory after the first load).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from ogpu_desktop.services.task_history import TaskHistory
from ogpu_desktop.store import Store
from ogpu_desktop.ui.models.task_table_model import TaskTableModel
from ogpu_desktop.ui.tasks.tasks_page import TasksPage

TASKS = 10_000
CHAIN_ID = 1337
TYPES = ("text-classification", "image-classification", "text-generation",
         "visual-question-answering", "translation", "summarization")


def fill(store: Store) -> None:
    """Write the tasks and responses in one transaction (set-up, not measured)."""
    now = int(time.time())
    key = store.runs.current_key(CHAIN_ID)  # the history of a chain is kept per run
    tasks = []
    responses = []
    for n in range(TASKS):
        address = f"0x{n + 1:040x}"
        status = n % 6
        config = json.dumps({"function_name": "inference",
                             "data": {"input": f"text number {n}", "args": {}}})
        tasks.append((key, CHAIN_ID, address, "0x" + "ab" * 20, "0x" + "cd" * 20,
                      f"https://ipfs.example/{n}", config, str(10**15), now + 600 + n,
                      1, TYPES[n % len(TYPES)], status, min(status, 2), "0x" + f"{n:064x}",
                      n + 10, now - TASKS + n, now))
        if n % 2 == 0:
            responses.append((key, CHAIN_ID, f"0x{n + 1:038x}ff", address, "0x" + "ef" * 20,
                              '[{"label": "POSITIVE", "score": 0.9}]', 1, str(10**15), n + 11,
                              now))
    with store.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO tasks (run_key, chain_id, address, source, sender, config_url,"
            " config_json, payment_wei, expiry_time, delivery_method, pipeline, status,"
            " attempt_count, tx_hash, block_number, published_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tasks)
        conn.executemany(
            "INSERT INTO responses (run_key, chain_id, address, task, provider, data, status,"
            " payment_wei, block_number, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", responses)


class _PaintWatch(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def rss_mb() -> float:
    """Resident memory of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_once(app: QApplication, store: Store) -> tuple[float, TasksPage]:
    """Load the store into a fresh page and show it; return milliseconds until painted."""
    page = TasksPage(TaskTableModel())
    page.resize(1280, 800)
    watch = _PaintWatch()
    viewport: QWidget = page.table.viewport()
    viewport.installEventFilter(watch)
    started = time.perf_counter()
    page.bridge.load(TaskHistory(store), CHAIN_ID)
    page.show()
    while not watch.painted:
        app.processEvents()
    elapsed = (time.perf_counter() - started) * 1000
    assert page.proxy.rowCount() == TASKS
    viewport.removeEventFilter(watch)
    return elapsed, page


def main() -> None:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="ogpu-bench-") as folder:
        store = Store(Path(folder) / "history.sqlite3")
        fill(store)
        # In the app the network libraries are loaded by the time tasks are listed: load them
        # now so neither the time nor the memory below counts their import.
        importlib.import_module("ogpu_desktop.ui.tasks.task_list_bridge")
        baseline = rss_mb()
        times = []
        rss_after_first = 0.0
        pages: list[TasksPage] = []
        for run in range(args.runs):
            elapsed, page = load_once(app, store)
            times.append(elapsed)
            if run == 0:
                rss_after_first = rss_mb()
            page.close()
            pages.append(page)
        # One countdown tick and one row update at this size, for context.
        started = time.perf_counter()
        pages[-1].model.tick()
        app.processEvents()
        tick_ms = (time.perf_counter() - started) * 1000
        store.close()
    common = {"tasks": TASKS, "runs": args.runs, "platform": os.environ["QT_QPA_PLATFORM"]}
    median = round(statistics.median(times), 1)
    print(json.dumps({
        "metric": "task_list_10k_load_ms", "value": median, "unit": "ms",
        "min": round(min(times), 1), "max": round(max(times), 1),
        "countdown_tick_ms": round(tick_ms, 2), **common,
    }))
    print(json.dumps({
        "metric": "task_list_10k_rss_mb", "value": round(rss_after_first, 1), "unit": "MB",
        "rss_before_load_mb": round(baseline, 1), **common,
    }))


if __name__ == "__main__":
    main()
