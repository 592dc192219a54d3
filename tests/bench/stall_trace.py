"""Names where a stall of the Qt thread comes from, by sampling its stack from another thread.

A watchdog thread reads the Qt thread's Python stack every ``interval_s`` and keeps the samples
with their time. When the loop probe sees a stall, :meth:`StallTracer.explain` summarises the
samples taken during it: the app's innermost frame (``ogpu_desktop/…`` or ``tests/…``) with
the outermost frame of the callback that ran, and how often each was seen. A stall during
which the thread ran Python code shows where; one with no app frame ran inside Qt or waited
(for the processor or for the interpreter lock, which :attr:`Stall.cpu_ms` tells apart: the
Qt thread's own processor time during the stall).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]
OWN_PREFIXES = (str(ROOT / "ogpu_desktop"), str(ROOT / "tests"))
THIS_FILE = str(Path(__file__).resolve())
IDLE = "(no Python running on the Qt thread: inside Qt, or waiting)"


@dataclass(frozen=True)
class Stall:
    """One stall of the Qt thread and what it was spent on.

    Attributes:
        ms: How much later than planned the probe ticked.
        phase: The flow's phase then.
        cpu_ms: The Qt thread's own processor time during the stall.
        where: Up to three places, each with the share of samples it was seen in.
        busy_threads: Other threads seen running Python meanwhile (they may hold the lock).
    """

    ms: float
    phase: str
    cpu_ms: float
    where: list[tuple[str, float]]
    busy_threads: list[tuple[str, float]]

    def as_dict(self) -> dict[str, object]:
        """The stall as a JSON-ready dict."""
        return {
            "event": "stall", "ms": round(self.ms, 1), "phase": self.phase,
            "qt_thread_cpu_ms": round(self.cpu_ms, 1),
            "where": [{"at": at, "share": round(share, 2)} for at, share in self.where],
            "busy_threads": [{"at": at, "share": round(share, 2)}
                             for at, share in self.busy_threads],
        }


def _own(filename: str) -> bool:
    return filename.startswith(OWN_PREFIXES) and filename != THIS_FILE


def _place(frame: FrameType) -> str:
    code = frame.f_code
    name = code.co_filename
    short = name[len(str(ROOT)) + 1:] if name.startswith(str(ROOT)) else Path(name).name
    return f"{short}:{frame.f_lineno} {code.co_name}"


def summarise(frame: FrameType | None) -> str:
    """The innermost own frame (and the library frame under it), or :data:`IDLE`."""
    innermost = frame
    while frame is not None:
        if _own(frame.f_code.co_filename):
            if frame is innermost:
                return _place(frame)
            assert innermost is not None
            return f"{_place(frame)} → {_place(innermost)}"
        frame = frame.f_back
    if innermost is None:
        return IDLE
    code = innermost.f_code
    if code.co_name in {"run_forever", "exec", "run_until_complete", "_run_once", "select"}:
        return IDLE
    return _place(innermost)


_WAITING = {"wait", "_wait_for_tstate_lock", "select", "poll", "accept", "recv", "recv_into",
            "sleep", "get", "_worker", "readinto", "acquire", "run"}


class StallTracer:
    """Samples the Qt thread's stack (and busy other threads) until stopped.

    Args:
        interval_s: Time between samples.
    """

    def __init__(self, interval_s: float = 0.002) -> None:
        self.interval_s = interval_s
        self._main = threading.get_ident()
        self._samples: deque[tuple[float, str, tuple[str, ...]]] = deque(maxlen=200_000)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-trace", daemon=True)

    def start(self) -> None:
        """Start sampling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.is_set():
            frames = sys._current_frames()
            main = summarise(frames.get(self._main))
            others = []
            for ident, frame in frames.items():
                if ident in (self._main, me) or frame.f_code.co_name in _WAITING:
                    continue
                others.append(summarise(frame))
            self._samples.append((time.perf_counter(), main, tuple(others)))
            time.sleep(self.interval_s)

    def explain(self, started: float, ended: float, phase: str, cpu_ms: float) -> Stall:
        """Summarise the samples taken between ``started`` and ``ended`` (``perf_counter``)."""
        during = [s for s in self._samples if started <= s[0] <= ended]
        total = max(len(during), 1)
        where = Counter(main for _t, main, _o in during)
        busy = Counter(other for _t, _m, others in during for other in others)
        return Stall(
            ms=(ended - started) * 1000, phase=phase, cpu_ms=cpu_ms,
            where=[(at, n / total) for at, n in where.most_common(3)],
            busy_threads=[(at, n / total) for at, n in busy.most_common(2)],
        )
