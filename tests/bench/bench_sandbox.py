"""Sandbox start-up time to ready, and seconds per publish -> FINALIZED round trip.

Starts ``python -m ogpu_desktop sandbox --port 0`` as a fresh process (several times for the
start-up figure), then, on one of them, publishes tasks one after another with locally signed
transactions over HTTP and times each from sending the deposit to seeing FINALIZED on chain, with
the built-in engine. Run from the repository root:
``python tests/bench/bench_sandbox.py [--starts N] [--tasks N]``.
Prints one JSON object per line: ``sandbox_ready_s`` and ``sandbox_roundtrip_s`` (medians).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.helpers.sandbox import start_sandbox
from tests.sandbox_node.client import SandboxClient

PIPELINE_INPUTS = (
    ("text-classification", {"input": "What a lovely day"}),
    ("translation", {"input": "Good morning"}),
    ("text-generation", {"input": "Once upon a time", "args": {"max_new_tokens": 8}}),
    ("summarization", {"input": "The library opened. It has books. People came."}),
)


def main() -> int:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=3, help="fresh processes to time")
    parser.add_argument("--tasks", type=int, default=8, help="round trips to time")
    options = parser.parse_args()

    ready: list[float] = []
    roundtrips: list[float] = []
    for start in range(options.starts):
        began = time.perf_counter()
        with start_sandbox() as running:
            ready.append(time.perf_counter() - began)
            if start == 0:
                with SandboxClient(running.info) as client:
                    roundtrips = _roundtrips(client, options.tasks)

    print(json.dumps({
        "metric": "sandbox_ready_s",
        "value": round(statistics.median(ready), 3),
        "unit": "s",
        "runs": len(ready),
        "min": round(min(ready), 3),
        "max": round(max(ready), 3),
        "note": "process start to the /info line: imports, contract compilation, deployment",
    }))
    print(json.dumps({
        "metric": "sandbox_roundtrip_s",
        "value": round(statistics.median(roundtrips), 3),
        "unit": "s",
        "tasks": len(roundtrips),
        "min": round(min(roundtrips), 3),
        "max": round(max(roundtrips), 3),
        "engine": "builtin",
        "note": "deposit + pin + publishTask sent to FINALIZED seen, over HTTP",
    }))
    return 0


def _roundtrips(client: SandboxClient, count: int) -> list[float]:
    times = []
    for index in range(count):
        pipeline, data = PIPELINE_INPUTS[index % len(PIPELINE_INPUTS)]
        began = time.perf_counter()
        task = client.publish(client.source(pipeline), data)
        client.wait_status(task, "FINALIZED")
        times.append(time.perf_counter() - began)
    return times


if __name__ == "__main__":
    sys.exit(main())
