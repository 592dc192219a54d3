"""Size of the frozen bundle and its time to first paint, beside a source run in the same session.

Builds ``dist/ogpu-desktop`` with ``packaging/build.sh --bundle-only`` when it is missing. The
first paint is measured the way ``bench_first_paint.py`` does it: the app is started with
``OGPU_DESKTOP_EXIT_AFTER_FIRST_PAINT=1`` on the offscreen platform, prints one JSON line once
its window has painted, and quits; the time to that line is taken, several times, and the median
is reported. Run: ``python tests/bench/bench_bundle.py [--runs N]``. Prints one JSON object per
line: ``bundle_mb``, ``tarball_mb`` (when the tarball of this build exists) and
``frozen_first_paint_ms``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._common import ROOT, first_paint_env, time_to_first_paint

BUNDLE = ROOT / "dist" / "ogpu-desktop"
EXE = BUNDLE / "ogpu-desktop"
MIB = 1024 * 1024


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``, links counted once as links (like ``du``)."""
    total = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def main() -> int:
    """Build the bundle if needed, then print the size and first-paint metrics."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not EXE.exists():
        subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh"), "--bundle-only"],
            check=True, env=dict(os.environ, PYTHON=sys.executable),
        )
    version = subprocess.run(
        [str(EXE), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]

    print(json.dumps({
        "metric": "bundle_mb", "value": round(folder_size(BUNDLE) / MIB, 1), "unit": "MiB",
        "path": "dist/ogpu-desktop", "version": version,
    }))
    tarball = ROOT / "dist" / f"ogpu-desktop-{version}-linux-{os.uname().machine}.tar.gz"
    # A tarball older than the bundle belongs to an earlier build: not reported.
    if tarball.exists() and tarball.stat().st_mtime >= EXE.stat().st_mtime:
        print(json.dumps({
            "metric": "tarball_mb", "value": round(tarball.stat().st_size / MIB, 1),
            "unit": "MiB", "path": f"dist/{tarball.name}",
        }))

    env = first_paint_env()
    frozen_times: list[float] = []
    source_times: list[float] = []
    with tempfile.TemporaryDirectory() as profile:
        frozen = [str(EXE), "--data-dir", profile]
        source = [sys.executable, "-m", "ogpu_desktop", "--data-dir", profile]
        # One unmeasured start of each warms the file cache, then runs alternate.
        time_to_first_paint(frozen, env)
        time_to_first_paint(source, env)
        for _ in range(args.runs):
            frozen_times.append(time_to_first_paint(frozen, env))
            source_times.append(time_to_first_paint(source, env))
    print(json.dumps({
        "metric": "frozen_first_paint_ms",
        "value": round(statistics.median(frozen_times), 1),
        "unit": "ms",
        "runs": args.runs,
        "statistic": "median",
        "platform": env["QT_QPA_PLATFORM"],
        "source_run_median_ms": round(statistics.median(source_times), 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
