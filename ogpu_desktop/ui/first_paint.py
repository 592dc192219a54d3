"""Notices the first paint of the main window, so heavy work starts after it."""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

#: When set to ``1``, the app prints one JSON line after the first paint and quits (for benchmarks).
EXIT_AFTER_FIRST_PAINT_ENV = "OGPU_DESKTOP_EXIT_AFTER_FIRST_PAINT"

#: Modules that are slow to import and must not be loaded before the window is painted.
HEAVY_MODULES = (
    "web3", "eth_account", "eth_utils", "pydantic", "eth_tester", "vyper", "py_ecc", "PIL",
    "qasync",
)


class FirstPaintWatcher(QObject):
    """Emits :attr:`first_painted` once, after the watched window has painted for the first time.

    Args:
        window: The top-level window to watch.
    """

    first_painted = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Wait for the paint event, then report on the next turn of the loop (paint finished)."""
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.first_painted.emit)
        return False


def loaded_heavy_modules() -> list[str]:
    """Return the heavy modules that are already imported."""
    return [name for name in HEAVY_MODULES if name in sys.modules]


def exit_after_first_paint_requested() -> bool:
    """Whether the benchmark asked the app to quit after its first paint."""
    return os.environ.get(EXIT_AFTER_FIRST_PAINT_ENV) == "1"


def loaded_modules() -> dict[str, list[str]]:
    """Return what is imported now: the app's modules, other packages and standard modules.

    ``packages`` and ``stdlib`` list top-level names only; names starting with ``_`` (the
    interpreter's and the installer's private modules) are left out.
    """
    tops = {name.partition(".")[0] for name in sys.modules}
    public = {name for name in tops if not name.startswith("_")}
    stdlib = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    return {
        "app": sorted(name for name in sys.modules if name.partition(".")[0] == "ogpu_desktop"),
        "packages": sorted(public - stdlib - {"ogpu_desktop"}),
        "stdlib": sorted(public & stdlib),
    }


def report_first_paint(painted: bool) -> None:
    """Print the benchmark line: whether the window painted and what was imported by then.

    ``cpu_ms`` is the processor time the process used up to now (start-up included), which a
    busy computer disturbs less than the wall-clock time a benchmark takes from outside.
    """
    line = {
        "event": "first_paint" if painted else "no_paint",
        "heavy_modules_loaded": loaded_heavy_modules(),
        "cpu_ms": round(time.process_time() * 1000, 1),
        "modules": loaded_modules(),
        # PySide6 makes a class on first use; its ``Qt`` namespace (every enum of it) costs
        # about 20 ms, as much again as the window adds to a bare one's first paint.
        "qt_namespace_loaded": "Qt" in vars(sys.modules["PySide6.QtCore"]),
    }
    print(json.dumps(line), flush=True)
