"""Size of the frozen bundle, and its first paint against a bare PySide6 window frozen the same way.

Builds ``dist/ogpu-desktop`` with ``packaging/build.sh --bundle-only`` when it is missing (or the
bundle given with ``--bundle``). The bare window (``bare_window.py``) is frozen with the same
PyInstaller options and filters as the app (``packaging/bundle_filters.py``: excludes, dropped
Qt plugins, translations, trimmed ICU data, stripped binaries) into ``build/bench-bare-window``,
once (``--rebuild-bare`` freezes it again). Both are started alternately on the offscreen
platform, each printing one JSON line at its first paint; the time to that line is taken,
several times, and the median reported, with each process's processor time up to its paint.
Run: ``python tests/bench/bench_bundle.py [--runs N] [--bundle DIR] [--rebuild-bare]``.
Prints one JSON object per line: ``bundle_mb``, ``tarball_mb`` (when the tarball of this build
exists), ``frozen_first_paint_ms``, ``frozen_baseline_first_paint_ms`` and
``frozen_first_paint_ratio``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._common import ROOT, first_paint_env, first_paint_run

MIB = 1024 * 1024
BARE_FOLDER = ROOT / "build" / "bench-bare-window"
BARE_SPEC = """
import sys
from pathlib import Path
sys.path.insert(0, {packaging!r})
from bundle_filters import EXCLUDES, STRIP, filter_bundle
a = Analysis([{script!r}], excludes=list(EXCLUDES), noarchive=False)
a.binaries, a.datas = filter_bundle(a.binaries, a.datas, Path({work!r}))
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="bare-window", debug=False,
          strip=STRIP, upx=False, console=True)
coll = COLLECT(exe, a.binaries, a.datas, strip=STRIP, upx=False, name="bare-window")
"""


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``, links counted once as links (like ``du``)."""
    total = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def bare_window(rebuild: bool) -> Path:
    """The bare window frozen as the app is; built when missing or asked to."""
    exe = BARE_FOLDER / "dist" / "bare-window" / "bare-window"
    if exe.exists() and not rebuild:
        return exe
    BARE_FOLDER.mkdir(parents=True, exist_ok=True)
    spec = BARE_FOLDER / "bare-window.spec"
    spec.write_text(BARE_SPEC.format(
        packaging=str(ROOT / "packaging"), script=str(Path(__file__).with_name("bare_window.py")),
        work=str(BARE_FOLDER / "icu"),
    ))
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(BARE_FOLDER / "dist"), "--workpath", str(BARE_FOLDER / "work"),
         str(spec)],
        check=True,
    )
    return exe


def _median(values: list[float]) -> float | None:
    """The median, or None when a run did not report the value (a build without it)."""
    return None if math.isnan(sum(values)) else round(statistics.median(values), 1)


def main() -> int:
    """Build what is missing, then print the size and first-paint metrics."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "ogpu-desktop",
                        help="the app's one-folder bundle to measure")
    parser.add_argument("--rebuild-bare", action="store_true")
    args = parser.parse_args()
    bundle: Path = args.bundle
    exe = bundle / "ogpu-desktop"
    if not exe.exists():
        subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh"), "--bundle-only"],
            check=True, env=dict(os.environ, PYTHON=sys.executable),
        )
    version = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]

    print(json.dumps({
        "metric": "bundle_mb", "value": round(folder_size(bundle) / MIB, 1), "unit": "MiB",
        "path": str(bundle), "version": version,
    }))
    tarball = bundle.parent / f"ogpu-desktop-{version}-linux-{os.uname().machine}.tar.gz"
    # A tarball older than the bundle belongs to an earlier build: not reported.
    if tarball.exists() and tarball.stat().st_mtime >= exe.stat().st_mtime:
        print(json.dumps({
            "metric": "tarball_mb", "value": round(tarball.stat().st_size / MIB, 1),
            "unit": "MiB", "path": str(tarball),
        }))

    bare = bare_window(args.rebuild_bare)
    env = first_paint_env()
    app_ms: list[float] = []
    bare_ms: list[float] = []
    app_cpu: list[float] = []
    bare_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as profile:
        frozen = [str(exe), "--data-dir", profile]
        # One unmeasured start of each warms the file cache, then runs alternate.
        first_paint_run([str(bare)], env)
        first_paint_run(frozen, env)
        for _ in range(args.runs):
            wall, line = first_paint_run([str(bare)], env)
            bare_ms.append(wall)
            bare_cpu.append(float(line.get("cpu_ms", "nan")))  # older builds: none
            wall, line = first_paint_run(frozen, env)
            app_ms.append(wall)
            app_cpu.append(float(line.get("cpu_ms", "nan")))  # older builds: none
    context = {"runs": args.runs, "statistic": "median", "platform": env["QT_QPA_PLATFORM"]}
    app, base = statistics.median(app_ms), statistics.median(bare_ms)
    cpu = {
        "cpu_ms": _median(app_cpu),
        "baseline_cpu_ms": _median(bare_cpu),
        "cpu_ratio": None if math.isnan(sum(app_cpu + bare_cpu)) else round(
            statistics.median(app_cpu) / statistics.median(bare_cpu), 2),
        "baseline_bundle_mb": round(folder_size(bare.parent) / MIB, 1),
    }
    for metric, value, unit, extra in (
        ("frozen_first_paint_ms", round(app, 1), "ms", {}),
        ("frozen_baseline_first_paint_ms", round(base, 1), "ms", {}),
        ("frozen_first_paint_ratio", round(app / base, 2), "ratio", cpu),
    ):
        print(json.dumps({"metric": metric, "value": value, "unit": unit, **context, **extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
