"""Time for the frozen bundle's Sandbox to be ready on a fresh profile, beside a source run.

Starts ``<bundle>/ogpu-desktop sandbox --port 0 --exit-with-parent`` as the app does, each time
with a new empty home and cache folder (a fresh profile: no contracts compiled before), and
takes the time until its ``/info`` line; then stops it by closing its stdin. The same is done
from source (``python -m ogpu_desktop sandbox``) for comparison, also on fresh profiles, so a
source run compiles the contracts unless the checkout ships them compiled. Medians of several
starts. Run: ``python tests/bench/bench_frozen_sandbox.py [--runs N] [--bundle DIR]
[--baseline-bundle DIR]``; with a baseline bundle (an earlier build), its starts alternate with
the bundle's and the line gives both and their ratio, so a busy computer weighs on both alike.
Prints one JSON object per line: ``frozen_sandbox_ready_s`` and ``source_sandbox_ready_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._common import ROOT

START_LIMIT_S = 300.0


def cpu_seconds(pid: int) -> float:
    """Processor time (user and system) process ``pid`` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ready_after(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Seconds from starting ``command`` on a fresh profile to its ``/info`` line.

    Returns:
        The wall-clock time and the processor time the process had used by then (a busy
        computer stretches the first far more than the second).
    """
    with tempfile.TemporaryDirectory(prefix="ogpu-fresh-") as home:
        env = dict(os.environ, HOME=home, XDG_CACHE_HOME=f"{home}/cache",
                   XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data")
        env.pop("OGPU_DESKTOP_CONTRACT_CACHE", None)
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, "sandbox", "--port", "0", "--exit-with-parent"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=cwd,
        )
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], START_LIMIT_S)
            line = process.stdout.readline() if ready else b""
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(process.pid) if process.poll() is None else float("nan")
            if not line.startswith(b"{"):
                raise RuntimeError(f"{command[0]}: no /info line (exit code {process.poll()})")
            json.loads(line)
            assert process.stdin is not None
            process.stdin.close()  # as the app quitting
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return elapsed, cpu


def main() -> int:
    """Time both and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "ogpu-desktop")
    parser.add_argument("--no-source", action="store_true", help="time the bundle only")
    parser.add_argument(
        "--baseline-bundle", type=Path, metavar="DIR",
        help="another build to time in the same run, starts alternating with the bundle's",
    )
    args = parser.parse_args()
    exe = args.bundle / "ogpu-desktop"
    for bundle in (args.bundle, args.baseline_bundle):
        if bundle is not None and not (bundle / "ogpu-desktop").exists():
            sys.exit(f"No bundle at {bundle}: build it with packaging/build.sh --bundle-only.")
    frozen: list[tuple[float, float]] = []
    baseline: list[tuple[float, float]] = []
    for _ in range(args.runs):
        frozen.append(ready_after([str(exe)]))
        if args.baseline_bundle is not None:
            baseline.append(ready_after([str(args.baseline_bundle / "ogpu-desktop")]))
    extra: dict[str, object] = {"path": str(args.bundle), "load_1min": round(os.getloadavg()[0], 2)}
    if baseline:
        base_median = statistics.median(wall for wall, _cpu in baseline)
        base_cpu = statistics.median(cpu for _wall, cpu in baseline)
        extra.update({
            "baseline_s": round(base_median, 2), "baseline_cpu_s": round(base_cpu, 2),
            "ratio": round(statistics.median(w for w, _c in frozen) / base_median, 2),
            "cpu_ratio": round(statistics.median(c for _w, c in frozen) / base_cpu, 2),
            "baseline_path": str(args.baseline_bundle),
        })
    lines = [("frozen_sandbox_ready_s", frozen, extra)]
    if not args.no_source:
        source = [ready_after([sys.executable, "-m", "ogpu_desktop"], cwd=ROOT)
                  for _ in range(args.runs)]
        lines.append(("source_sandbox_ready_s", source, {}))
    for metric, runs, extra in lines:
        times = [wall for wall, _cpu in runs]
        print(json.dumps({
            "metric": metric, "value": round(statistics.median(times), 2), "unit": "s",
            "runs": len(times), "statistic": "median", "min": round(min(times), 2),
            "max": round(max(times), 2), "profile": "fresh",
            "cpu_s": round(statistics.median(cpu for _wall, cpu in runs), 2), **extra,
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
