"""Measure ``normalise`` on hostile result texts of 1 MB and 5 MB, against the old JSON measure.

Run from the repository root: ``python tests/bench/bench_result_normalise.py [--runs N]``.
Prints one JSON object per line: ``result_normalise_ms`` per case and size (median of N runs),
then the old reader's figure on 64 kB of escaped quotes beside the new one on the same text.
The old reader matched strings with a backtracking expression, quadratic on escaped quotes: it
is measured on 64 kB only, once, because 1 MB would run for hours.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ogpu_desktop.domain.bounded_json import MAX_JSON_DEPTH, loads_bounded
from ogpu_desktop.domain.results import normalise

MB = 1024 * 1024
BASELINE_BYTES = 64 * 1024
PIPELINE = "text-classification"

def _entries(size: int, entry: Callable[[int], str], opening: str, closing: str) -> str:
    """``opening``, then as many fixed-width entries as fit in ``size`` bytes, then ``closing``."""
    count = (size - len(opening) - len(closing)) // (len(entry(0)) + 1)
    return opening + ",".join(entry(i) for i in range(count)) + closing


CASES: dict[str, Callable[[int], str]] = {
    "escaped quotes": lambda size: '"' + '\\"' * (size // 2),
    "open brackets": lambda size: "[" * size,
    "brackets inside strings": lambda size: '["' + "[{" * (size // 2 - 2) + '"]',
    "many keys": lambda size: _entries(size, lambda i: f'"k{i:07d}":{i % 10}', "{", "}"),
    "one long string": lambda size: '"' + "a" * (size - 2) + '"',
    # Not hostile: the biggest honest answer, a classifier's every label (sanitised to 10,000).
    "labels": lambda size: _entries(
        size, lambda i: f'{{"label":"class {i:07d}","score":0.{i % 1_000_000:06d}}}', "[", "]"
    ),
}

# The reader as it was before this measure: kept here only to be measured against.
_OLD_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OLD_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_OLD_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def old_loads_bounded(text: str) -> Any:
    """The old reader: strings cut out by a backtracking expression, then brackets counted."""
    brackets = _OLD_NOT_BRACKET.sub("", _OLD_STRING.sub("", text))
    depth = max(0, max(accumulate(map(_OLD_STEP.__getitem__, brackets)), default=0))
    if depth > MAX_JSON_DEPTH:
        raise ValueError("too deep")
    return json.loads(text)


def timed_ms(action: Callable[[], object]) -> float:
    """Wall time of one call, in milliseconds (a ValueError is an answer, not a failure)."""
    start = time.perf_counter()
    with contextlib.suppress(ValueError):
        action()
    return (time.perf_counter() - start) * 1000


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median of ``runs`` calls after one warm-up call, in milliseconds."""
    timed_ms(action)
    return statistics.median(timed_ms(action) for _ in range(runs))


def emit(metric: str, value: float, unit: str, **context: object) -> None:
    print(json.dumps({"metric": metric, "value": round(value, 2), "unit": unit, **context}),
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    args = parser.parse_args()
    for size_mb in (1, 5):
        for case, make in CASES.items():
            text = make(size_mb * MB)
            view = normalise(text, PIPELINE)
            emit("result_normalise_ms", median_ms(partial(normalise, text, PIPELINE), args.runs),
                 "ms", case=case, size_mb=size_mb, bytes=len(text), view=view.kind.value,
                 truncated=view.truncated, runs=args.runs, target_ms=100)

    text = CASES["escaped quotes"](BASELINE_BYTES)
    new_ms = median_ms(lambda: normalise(text, PIPELINE), args.runs)
    new_reader_ms = median_ms(lambda: loads_bounded(text), args.runs)
    old_ms = timed_ms(lambda: old_loads_bounded(text))
    emit("result_normalise_ms", new_ms, "ms", case="escaped quotes", size_kb=64, runs=args.runs,
         reader_ms=round(new_reader_ms, 2), baseline_ms=round(old_ms, 1),
         baseline="the old reader (regex string measure, then json.loads) on the same 64 kB, "
         "one run; 64 kB only because it is quadratic (1 MB runs for hours)",
         ratio=round(old_ms / max(new_ms, 1e-6), 1))


if __name__ == "__main__":
    main()
