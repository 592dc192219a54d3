"""Time from process start to the first paint of the main window, against a bare PySide6 window.

Both are started as fresh Python processes on the offscreen platform in the same run, several
times each; the median is reported. Run: ``python tests/bench/bench_first_paint.py [--runs N]``.
Prints one JSON object per line: ``first_paint_ms``, ``baseline_first_paint_ms`` and
``first_paint_ratio``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._common import ROOT, first_paint_env, time_to_first_paint

# A bare window that reports its first paint the same way the app does.
BARE_WINDOW = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print(json.dumps({"event": "first_paint"}), flush=True),
                                          app.quit()))
        return False

app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(1080, 720)
watch = Watch()
window.installEventFilter(watch)
window.show()
app.exec()
"""


def main() -> int:
    """Measure both windows alternately and print the three metrics."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = first_paint_env()
    app_times: list[float] = []
    bare_times: list[float] = []
    with tempfile.TemporaryDirectory() as profile:
        app_command = [sys.executable, "-m", "ogpu_desktop", "--data-dir", str(Path(profile))]
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        # One unmeasured start of each warms the file cache, then runs alternate.
        time_to_first_paint(bare_command, env, cwd=ROOT)
        time_to_first_paint(app_command, env, cwd=ROOT)
        for _ in range(args.runs):
            bare_times.append(time_to_first_paint(bare_command, env, cwd=ROOT))
            app_times.append(time_to_first_paint(app_command, env, cwd=ROOT))
    app_ms = statistics.median(app_times)
    bare_ms = statistics.median(bare_times)
    context = {"runs": args.runs, "platform": env["QT_QPA_PLATFORM"], "statistic": "median"}
    for metric, value, unit in (
        ("first_paint_ms", round(app_ms, 1), "ms"),
        ("baseline_first_paint_ms", round(bare_ms, 1), "ms"),
        ("first_paint_ratio", round(app_ms / bare_ms, 2), "ratio"),
    ):
        print(json.dumps({"metric": metric, "value": value, "unit": unit, **context}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
