"""A bare PySide6 window that reports its first paint the way the app does (the benches' baseline).

Prints ``{"event": "first_paint", "cpu_ms": …}`` once the window has painted, then quits. Run
from source by ``bench_first_paint.py`` and frozen with the app's PyInstaller filters by
``bench_bundle.py``.
"""

import json
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class Watch(QObject):
    """Reports the watched window's first paint on the next turn of the loop, then quits."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Wait for the paint event."""
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False


def report() -> None:
    """Print the first-paint line and quit."""
    cpu_ms = round(time.process_time() * 1000, 1)
    print(json.dumps({"event": "first_paint", "cpu_ms": cpu_ms}), flush=True)
    app.quit()


app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(1080, 720)
watch = Watch()
window.installEventFilter(watch)
window.show()
app.exec()
