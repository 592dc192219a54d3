"""Seconds from a provider's answer on chain to the tracker reporting it, with many open tasks.

``tracker_detect_latency_s`` (median, p95 and max; one line each, ``tasks`` = 1, 100, 1000):
a Sandbox process whose provider answers after ``--answer-delay`` seconds; the app's
``TrackingService`` runs its loop as the app does (defaults: a poll every 2 s, a direct status
read of every open task every 15 polls) over ``tasks - 1`` open tasks on a source no provider
serves, while ``--samples`` tasks are published one after another on a demo source and
answered. A sample's latency runs from the wall-clock time its answer's block was mined (noted
inside the Sandbox process as each block is indexed) to the moment the tracker emitted the task's
answered status. ``tracker_poll_gap_s`` is the longest time between two polls' ends meanwhile.

Run from the repository root: ``python tests/bench/bench_tracker_latency.py [--sizes 1 100 1000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from web3 import Web3

from ogpu_desktop.sandbox.deploy import Deployment, publish_source
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.tracking import RESPONDED, TaskUpdate, TrackingService
from tests.bench._sandbox_session import PAYMENT, BenchSession, bench_session

BATCH = 100
# Runs the Sandbox CLI with each block's indexing time (wall clock) appended to a file.
LAUNCHER = """
import sys, time
from ogpu_desktop.sandbox import node
from ogpu_desktop.sandbox.cli import main
out = open(sys.argv[1], "a", buffering=1)
index = node.SandboxNode._index_new_blocks
def noting(self):
    before = self._logs.height
    index(self)
    now = time.time()
    for number in range(before + 1, self._logs.height + 1):
        out.write(f"{number} {now:.6f}\\n")
node.SandboxNode._index_new_blocks = noting
sys.exit(main(sys.argv[2:]))
"""


@contextmanager
def sandbox_noting_blocks(
    folder: Path, answer_delay: float
) -> Iterator[tuple[dict[str, Any], Path]]:
    """A Sandbox process noting when each block was mined; yield its ``/info`` and the notes."""
    notes = folder / "blocks.txt"
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(notes), "--port", "0", "--exit-with-parent",
         "--answer-delay", str(answer_delay)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = b""
        deadline = time.monotonic() + 180
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            if select.select([process.stdout], [], [], 0.5)[0]:
                chunk = os.read(process.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
        yield json.loads(line), notes
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def block_times(notes: Path) -> dict[int, float]:
    """Block number -> wall-clock time it was mined, from the Sandbox's notes."""
    times: dict[int, float] = {}
    for line in notes.read_text().splitlines():
        number, when = line.split()
        times.setdefault(int(number), float(when))
    return times


def silent_source(info: dict[str, Any]) -> str:
    """Publish a source that no provider serves (tasks on it stay open); return its address."""
    w3 = Web3(Web3.HTTPProvider(info["rpc_url"]))
    owner = w3.eth.accounts[0]
    deployment = Deployment(**info["contracts"])
    return publish_source(w3, deployment, owner, metadata_url="", min_payment=PAYMENT,
                          max_expiry_duration=86_400, delivery_method=1)


async def publish(bench: BenchSession, source: str, count: int, tag: str) -> list[str]:
    """Publish ``count`` tasks on ``source`` in batches; return their addresses."""
    service = PublishService(bench.session)
    tasks: list[str] = []
    while len(tasks) < count:
        size = min(BATCH, count - len(tasks))
        configs = [{"function_name": "inference", "data": {"input": f"{tag} {len(tasks) + i}"}}
                   for i in range(size)]
        preview = await service.preview(configs, source=source, payment_wei=PAYMENT,
                                        duration_s=3600, sender=bench.signer.address)
        outcome = await service.execute(preview, bench.signer)
        tasks += [t.task for t in outcome.tasks if t.task]
    return tasks


def nearest_rank(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def measure(info: dict[str, Any], notes: Path, folder: Path, size: int,
                  options: argparse.Namespace) -> None:
    silent = silent_source(info)
    async with bench_session(info, folder, deposit_tasks=size + options.samples) as bench:
        await publish(bench, silent, size - 1, "open")
        tracking = TrackingService(bench.session)
        seen: dict[str, float] = {}
        samples: list[str] = []

        def on_update(update: TaskUpdate) -> None:
            if update.status >= RESPONDED and update.task not in seen:
                seen[update.task] = time.time()

        tracking.updates.subscribe(on_update)
        poll_ends: list[float] = []
        poll_once = tracking.poll_once

        async def noted_poll() -> Any:
            summary = await poll_once()
            poll_ends.append(time.monotonic())
            return summary

        tracking.poll_once = noted_poll  # type: ignore[method-assign]
        stop = asyncio.Event()
        loop_task = asyncio.ensure_future(tracking.run(stop))
        while not poll_ends:
            await asyncio.sleep(0.1)
        measuring_from = len(poll_ends)
        source = bench.first_response_source
        for index in range(options.samples):
            started = time.monotonic()
            samples += await publish(bench, source, 1, f"sample {index}")
            await asyncio.sleep(max(0.0, options.every - (time.monotonic() - started)))
        deadline = time.monotonic() + options.answer_delay + 120
        while any(t not in seen for t in samples) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        stop.set()
        await loop_task
        mined = block_times(notes)
        latencies = []
        for task in samples:
            responses = bench.store.tasks.responses_of(bench.session.chain_id, task)
            if task in seen and responses and responses[0].block_number in mined:
                latencies.append(seen[task] - mined[responses[0].block_number])
        ends = poll_ends[measuring_from - 1:]
        gaps = [b - a for a, b in itertools.pairwise(ends)]
    context = {
        "unit": "s", "tasks": size, "samples": len(latencies), "missed": len(samples) - len(
            latencies), "answer_delay_s": options.answer_delay,
        "poll_interval_s": tracking.poll_interval_s, "reconcile_every": tracking.reconcile_every,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    for statistic, value in (("median", statistics.median(latencies)),
                             ("p95", nearest_rank(latencies, 0.95)), ("max", max(latencies))):
        print(json.dumps({"metric": "tracker_detect_latency_s", "value": round(value, 3),
                          "statistic": statistic, **context}), flush=True)
    print(json.dumps({"metric": "tracker_poll_gap_s", "value": round(max(gaps), 3),
                      "statistic": "max", "unit": "s", "tasks": size, "polls": len(ends)}),
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--samples", type=int, default=40, help="answered tasks per size")
    parser.add_argument("--every", type=float, default=1.5, help="seconds between samples")
    parser.add_argument("--answer-delay", type=float, default=3.0)
    options = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        sandbox_noting_blocks(Path(folder), options.answer_delay) as (info, notes),
    ):
        for size in options.sizes:
            run_folder = Path(folder) / f"size-{size}"
            run_folder.mkdir()
            asyncio.run(measure(info, notes, run_folder, size, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
