"""The batch widgets with 2,000 inputs: listing a dropped folder, and refreshing a batch page.

``batch_panel_2000_images_s``: a folder of 2,000 real images (five formats) dropped on the
Compose page's batch panel, until every input is listed in its table; ``loop_stall_ms`` beside
it is the longest the Qt loop went without running a 10 ms timer meanwhile (the window never
freezes: listing runs in a worker thread).

``batch_page_refresh_2000_ms``: the batch page of a 2,000-input batch in a real history reading
its rows again after one input's status changed (as when an answer comes in), the median of 20;
the first showing is given as ``first_ms``, and a refresh when nothing changed (it is skipped)
as ``unchanged_ms``.

Run from the repository root: ``python tests/bench/bench_batch_window.py`` (offscreen).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ogpu_desktop.domain.batch_inputs import list_batch_inputs
from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus
from ogpu_desktop.services.batch_models import BatchInfo, BatchItem
from ogpu_desktop.store import Store
from ogpu_desktop.ui.batch.batch_inputs_panel import BatchInputsPanel
from ogpu_desktop.ui.batch.batch_page import BatchPage
from tests.gui.test_batch_window import drop_paths
from tests.helpers.batch_files import image_folder, reviews_csv

INPUTS = 2000
CHAIN_ID = 1337


def emit(metric: str, value: float, unit: str, **context: object) -> None:
    print(json.dumps({"metric": metric, "value": value, "unit": unit, **context}), flush=True)


class StoreActions:
    """What the batch page reads, straight from a real history (no network needed)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def batch(self, batch_id: int) -> BatchInfo | None:
        return self.store.batches.get_batch(batch_id)

    def items(self, batch_id: int, view: BatchFilter) -> list[BatchItem]:
        every = self.store.batches.items(batch_id)
        return [i for i in every if view.matches(i.status)]

    def counts(self, batch_id: int) -> dict[BatchItemStatus, int]:
        return self.store.batches.counts(batch_id)

    async def retry(self, batch_id: int) -> None:
        raise NotImplementedError

    async def publish_rest(self, batch_id: int) -> None:
        raise NotImplementedError

    async def cancel_waiting(self, batch_id: int, over: object) -> str:
        raise NotImplementedError

    async def export(self, batch_id: int, path: Path, kind: str) -> int:
        raise NotImplementedError


async def panel_bench(folder: Path) -> None:
    panel = BatchInputsPanel()
    panel.set_task_type("image-classification")
    panel.resize(900, 600)
    panel.show()
    stalls: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        stalls.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    start = time.perf_counter()
    assert drop_paths(panel, [folder])
    while panel.model.rowCount() < INPUTS:
        await asyncio.sleep(0.005)
    seconds = time.perf_counter() - start
    timer.stop()
    emit("batch_panel_2000_images_s", round(seconds, 2), "s", inputs=INPUTS,
         loop_stall_ms=round(max(stalls), 1), formats="jpeg,png,webp,gif,bmp")
    panel.hide()
    panel.deleteLater()


async def page_bench(folder: Path) -> None:
    texts = reviews_csv(folder / "reviews.csv", INPUTS)
    listing = list_batch_inputs([texts], "text-classification")
    store = Store(folder / "history.sqlite3")
    try:
        batch_id = store.batches.create_batch(CHAIN_ID, "text-classification", {
            "task_type": "text-classification", "source": "0x" + "1" * 40, "payment_wei": "1",
            "duration_s": 600, "values": {}, "paths": [str(texts)], "column": None,
        }, listing.entries)
        start = time.perf_counter()
        page = BatchPage(batch_id, StoreActions(store))  # reads every row once
        page.show()
        first = (time.perf_counter() - start) * 1000
        await asyncio.sleep(0.05)
        times, unchanged = [], []
        for index in range(20):
            # One input's status changes, as when an answer comes in; then a refresh with
            # nothing new (the keeper's usual case while tasks wait).
            store.batches.set_status(batch_id, index, BatchItemStatus.FINISHED)
            start = time.perf_counter()
            page.show_items()
            times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            page.show_items()
            unchanged.append((time.perf_counter() - start) * 1000)
        emit("batch_page_refresh_2000_ms", round(statistics.median(times), 1), "ms",
             inputs=INPUTS, first_ms=round(first, 1), max_ms=round(max(times), 1),
             unchanged_ms=round(statistics.median(unchanged), 2))
        page.hide()
        page.deleteLater()
    finally:
        store.close()


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ogpu-bench-batch-window-") as name:
        folder = Path(name)
        image_folder(folder / "photos", INPUTS)
        await panel_bench(folder / "photos")
        await page_bench(folder)


if __name__ == "__main__":
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(main())
