"""The longest stall of the Qt event loop while the app follows real tasks on a Sandbox.

Starts a Sandbox process (two providers), connects the real services with a session-only wallet
account, shows the Tasks page offscreen and attaches it, runs the tracker's poll loop, then
publishes tasks of every type (plus three translations from one form), lets the page follow them
live until FINALIZED, and opens each task's detail (timeline and result fetched and shown).
A 5 ms QTimer probes the loop the whole time; a stall is how much later than its interval a
probe tick came. Run: ``python tests/bench/bench_loop_stall.py``. Prints one JSON object:
``max_loop_stall_ms``, with the flow's duration, its number of tasks and the stall percentiles.
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

from ogpu_desktop.ui.models.task_row import TaskState
from ogpu_desktop.ui.models.task_table_model import TaskTableModel
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from tests.gui.task_helpers import open_env, wait_for
from tests.helpers.sandbox import running_sandbox

PROBE_MS = 5
TYPES = ("text-classification", "image-classification", "text-generation",
         "visual-question-answering", "translation", "summarization")


class LoopProbe:
    """Records how late each tick of a ``PROBE_MS`` timer fires."""

    def __init__(self) -> None:
        self.stalls: list[float] = []
        self.phase = "start"
        self.worst: dict[str, float] = {}
        self._last = 0.0
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        stall = max(0.0, (now - self._last) * 1000 - PROBE_MS)
        self.stalls.append(stall)
        self.worst[self.phase] = max(self.worst.get(self.phase, 0.0), stall)
        self._last = now


def _done(page: TasksPage, address: str) -> bool:
    position = page.model.position_of(address)
    if position is None:
        return False
    row = page.model.row(position)
    return row.state is TaskState.FINALIZED and row.responses >= 1


async def flow(info: dict[str, object], folder: Path) -> dict[str, object]:
    """Run the measured flow; return the figures."""
    env = await open_env(info, folder)  # type: ignore[arg-type]
    page = TasksPage(TaskTableModel())
    page.set_notifications_source(lambda: True)
    page.resize(1280, 800)
    page.show()
    page.model.start_countdown()
    page.attach(env.services)
    env.follow()
    probe = LoopProbe()
    probe.start()
    started = time.perf_counter()
    tasks: list[str] = []
    probe.phase = "publish"
    for kind in TYPES:
        tasks += await env.publish(kind)
    tasks += await env.publish(
        "translation", values={"text": "good morning\ngood evening\ngood night", "several": True})
    probe.phase = "follow"
    await wait_for(lambda: all(_done(page, t) for t in tasks), "every task to finish", 180)
    probe.phase = "detail"
    shown = 0
    for task in tasks:
        assert page.select_task(task)
        page.show_details()
        await wait_for(lambda: page.detail.result_panel.view is not None, "the result", 60)
        await page.detail.wait_loaded()
        shown += 1
    duration = time.perf_counter() - started
    probe.stop()
    page.attach(None)
    await env.close()
    page.close()
    stalls = sorted(probe.stalls)
    return {
        "metric": "max_loop_stall_ms", "value": round(stalls[-1], 1), "unit": "ms",
        "probe_interval_ms": PROBE_MS, "flow_duration_s": round(duration, 2),
        "tasks": len(tasks), "results_shown": shown, "probe_ticks": len(stalls),
        "p50_stall_ms": round(statistics.median(stalls), 2),
        "p99_stall_ms": round(stalls[int(len(stalls) * 0.99) - 1], 1),
        "stalls_over_50ms": sum(1 for s in stalls if s > 50),
        "max_stall_ms_by_phase": {k: round(v, 1) for k, v in probe.worst.items()},
    }


def main() -> None:
    """Start the Sandbox, run the flow on a qasync loop, print the figures."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with (
        running_sandbox("--providers", "2") as info,
        tempfile.TemporaryDirectory(prefix="ogpu-bench-") as folder,
        loop,
    ):
        figures = loop.run_until_complete(flow(info, Path(folder)))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
