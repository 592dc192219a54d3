"""Notices the first paint of the main window, so heavy work starts after it."""

from __future__ import annotations

import json
import os
import sys

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


def report_first_paint(painted: bool) -> None:
    """Print the benchmark line: whether the window painted and what was imported by then."""
    line = {
        "event": "first_paint" if painted else "no_paint",
        "heavy_modules_loaded": loaded_heavy_modules(),
    }
    print(json.dumps(line), flush=True)
