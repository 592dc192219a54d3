"""The longest stall of the Qt event loop while the app follows real tasks on a Sandbox.

Starts a Sandbox process (two providers), connects the real services with a session-only wallet
account, shows the Tasks page offscreen and attaches it, runs the tracker's poll loop, then
publishes tasks of every type (plus three translations from one form), lets the page follow them
live until FINALIZED, and opens each task's detail (timeline and result fetched and shown).
A 5 ms QTimer probes the loop the whole time; a stall is how much later than its interval a
probe tick came. A watchdog thread samples the Qt thread's stack meanwhile (``stall_trace.py``),
so every stall longer than a frame (16 ms) is printed with where it came from. The bench's own
preparation (encoding the test pictures) is done before the probe starts, and so are the Tasks
page's ahead-of-use imports, as the app does them while it connects (``--imports-at-attach``
leaves them to the page's attach, right before the first publish).
Run: ``python tests/bench/bench_loop_stall.py [--no-trace]``. Prints one JSON object per stall
over 16 ms (``"event": "stall"``, longest first), then one with ``max_loop_stall_ms``, the
flow's duration, its number of tasks and the stall percentiles.
"""

from __future__ import annotations

import argparse
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

from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.ui.launch import create_application
from ogpu_desktop.ui.models.task_table_model import TaskTableModel
from ogpu_desktop.ui.qt_thread_gc import freeze_startup_objects
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from ogpu_desktop.warm_imports import warm_imports
from tests.bench.stall_trace import Stall, StallTracer
from tests.gui.task_helpers import form_for, open_env, wait_for
from tests.helpers.sandbox import running_sandbox

PROBE_MS = 5
FRAME_MS = 16.0
TYPES = ("text-classification", "image-classification", "text-generation",
         "visual-question-answering", "translation", "summarization")


class LoopProbe:
    """Records how late each tick of a ``PROBE_MS`` timer fires, and explains long ones.

    Args:
        tracer: Samples the Qt thread's stack; ``None`` measures without it.
    """

    def __init__(self, tracer: StallTracer | None) -> None:
        self.stalls: list[float] = []
        self.long: list[Stall] = []
        self.phase = "start"
        self.worst: dict[str, float] = {}
        self.busiest = 0.0
        self.tracer = tracer
        self._last = 0.0
        self._last_cpu = 0.0
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        if self.tracer is not None:
            self.tracer.start()
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.tracer is not None:
            self.tracer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        stall = max(0.0, (now - self._last) * 1000 - PROBE_MS)
        self.stalls.append(stall)
        self.worst[self.phase] = max(self.worst.get(self.phase, 0.0), stall)
        self.busiest = max(self.busiest, (cpu - self._last_cpu) * 1000 - PROBE_MS)
        if stall > FRAME_MS and self.tracer is not None:
            self.long.append(self.tracer.explain(
                self._last + PROBE_MS / 1000, now, self.phase, (cpu - self._last_cpu) * 1000))
        self._last = now
        self._last_cpu = cpu


def _done(page: TasksPage, address: str) -> bool:
    position = page.model.position_of(address)
    if position is None:
        return False
    row = page.model.row(position)
    return row.state is TaskState.FINALIZED and row.responses >= 1


async def flow(
    info: dict[str, object], folder: Path, *, trace: bool, imports_at_attach: bool = False
) -> dict[str, object]:
    """Run the measured flow; return the figures."""
    env = await open_env(info, folder)  # type: ignore[arg-type]
    freeze_startup_objects()  # as the app does once its start-up imports are done
    forms = {kind: form_for(kind) for kind in TYPES}  # the pictures are encoded here, unmeasured
    # As the app does while it connects (ui/launch.py): the Tasks page's ahead-of-use imports
    # are done before the page follows a network. ``--imports-at-attach`` leaves them to the
    # page's attach instead, to see what they cost a publish made right after connecting.
    if not imports_at_attach:
        await asyncio.wrap_future(warm_imports([TasksPage.__module__], with_ahead_of_use=True))
    page = TasksPage(TaskTableModel())
    page.set_notifications_source(lambda: True)
    page.resize(1280, 800)
    page.show()
    page.model.start_countdown()
    page.attach(env.services)
    env.follow()
    probe = LoopProbe(StallTracer() if trace else None)
    probe.start()
    started = time.perf_counter()
    tasks: list[str] = []
    probe.phase = "publish"
    for kind in TYPES:
        tasks += await env.publish(kind, values=forms[kind])
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
    for stall in sorted(probe.long, key=lambda s: -s.ms):
        print(json.dumps(stall.as_dict()))
    return {
        "metric": "max_loop_stall_ms", "value": round(stalls[-1], 1), "unit": "ms",
        "probe_interval_ms": PROBE_MS, "flow_duration_s": round(duration, 2),
        "tasks": len(tasks), "results_shown": shown, "probe_ticks": len(stalls),
        "p50_stall_ms": round(statistics.median(stalls), 2),
        "p99_stall_ms": round(stalls[int(len(stalls) * 0.99) - 1], 1),
        "stalls_over_50ms": sum(1 for s in stalls if s > 50),
        "max_stall_ms_by_phase": {k: round(v, 1) for k, v in probe.worst.items()},
        "stalls_over_16ms": len([s for s in stalls if s > FRAME_MS]),
        # The Qt thread's own processor time between two ticks, less the interval: a stall
        # the thread spent working, not waiting for a processor other programs held.
        "max_qt_thread_busy_ms": round(max(probe.busiest, 0.0), 1),
        "traced": trace,
        "ahead_of_use_imports": "at attach" if imports_at_attach else "while connecting",
    }


def main() -> None:
    """Start the Sandbox, run the flow on a qasync loop, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-trace", action="store_true", help="do not sample the Qt thread")
    parser.add_argument(
        "--imports-at-attach", action="store_true",
        help="leave the Tasks page's ahead-of-use imports to its attach (as before they were "
             "done while the app connects)",
    )
    parser.add_argument(
        "--switch-interval-ms", type=float, metavar="MS",
        help="Python's thread switch interval instead of the app's (5 is Python's default), "
             "to compare with the app's shorter one in the same conditions",
    )
    args = parser.parse_args()
    # The app's own QApplication: garbage collected on the Qt thread, by its timer.
    app = create_application()
    if args.switch_interval_ms is not None:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with (
        running_sandbox("--providers", "2") as info,
        tempfile.TemporaryDirectory(prefix="ogpu-bench-") as folder,
        loop,
    ):
        figures = loop.run_until_complete(flow(
            info, Path(folder), trace=not args.no_trace, imports_at_attach=args.imports_at_attach))
    figures["switch_interval_ms"] = round(sys.getswitchinterval() * 1000, 3)
    figures["load_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
