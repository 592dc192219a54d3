"""Time from process start to the first paint of the main window, against a bare PySide6 window.

Both are started as fresh Python processes on the offscreen platform in the same run, several
times each; the median is reported. Both keep compiled bytecode, as an installed app does
(``--no-bytecode`` compiles every module at every start instead, as a fresh source checkout
with ``PYTHONDONTWRITEBYTECODE=1`` does). Run:
``python tests/bench/bench_first_paint.py [--runs N] [--no-bytecode]``.
Prints one JSON object per line: ``first_paint_ms``, ``baseline_first_paint_ms`` and
``first_paint_ratio``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._common import ROOT, first_paint_env, first_paint_run

BARE_WINDOW = Path(__file__).with_name("bare_window.py")


def _median(values: list[float]) -> float | None:
    """The median, or None when a run did not report the value (a build without it)."""
    return None if math.isnan(sum(values)) else round(statistics.median(values), 1)


def main() -> int:
    """Measure both windows alternately and print the three metrics."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-bytecode", action="store_true",
        help="compile every module at every start (PYTHONDONTWRITEBYTECODE=1), as a fresh "
        "source checkout does",
    )
    args = parser.parse_args()
    env = first_paint_env(bytecode=not args.no_bytecode)
    app_times: list[float] = []
    bare_times: list[float] = []
    app_cpu: list[float] = []
    bare_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as profile:
        app_command = [sys.executable, "-m", "ogpu_desktop", "--data-dir", str(Path(profile))]
        bare_command = [sys.executable, str(BARE_WINDOW)]
        # One unmeasured start of each warms the file cache, then runs alternate.
        first_paint_run(bare_command, env, cwd=ROOT)
        first_paint_run(app_command, env, cwd=ROOT)
        for _ in range(args.runs):
            wall, line = first_paint_run(bare_command, env, cwd=ROOT)
            bare_times.append(wall)
            bare_cpu.append(float(line.get("cpu_ms", "nan")))  # older builds: none
            wall, line = first_paint_run(app_command, env, cwd=ROOT)
            app_times.append(wall)
            app_cpu.append(float(line.get("cpu_ms", "nan")))  # older builds: none
    app_ms = statistics.median(app_times)
    bare_ms = statistics.median(bare_times)
    context = {
        "runs": args.runs, "platform": env["QT_QPA_PLATFORM"], "statistic": "median",
        "bytecode": "none" if args.no_bytecode else "cached",
    }
    # Processor time up to the paint, inside each process: a busy machine shifts it less.
    cpu = {
        "cpu_ms": _median(app_cpu),
        "baseline_cpu_ms": _median(bare_cpu),
        "cpu_ratio": None if math.isnan(sum(app_cpu + bare_cpu)) else round(
            statistics.median(app_cpu) / statistics.median(bare_cpu), 2),
    }
    for metric, value, unit, extra in (
        ("first_paint_ms", round(app_ms, 1), "ms", {}),
        ("baseline_first_paint_ms", round(bare_ms, 1), "ms", {}),
        ("first_paint_ratio", round(app_ms / bare_ms, 2), "ratio", cpu),
    ):
        print(json.dumps({"metric": metric, "value": value, "unit": unit, **context, **extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
