"""Audit the window's layout on every page and dialog, per screen, and print what does not fit.

Starts a Sandbox (or uses a running one), tours the real window with real content in one child
process per screen (``tests/helpers/layout_runs.py``; the stops are listed in
``tests/helpers/layout_tour.py``) and prints, on standard output, one JSON line per finding::

    {"finding": "text", "page": "result-image-classification", "size": "1280x800", "scale": 1,
     "path": "…/resultExportCsvButton", "what": "button", "needed": 79, "given": 0, …}

then the totals, per page and screen (pages with findings only) and per screen::

    {"metric": "layout_findings", "value": 38, "unit": "count", "size": "1280x800", "scale": 1,
     "by_check": {"text": 30, "side_scroll": 8}}

A table of the counts per page and screen goes to standard error. ``--write-known FILE`` also
writes the findings as the list of known defects that ``tests/gui/test_layout.py`` marks as
expected failures (refresh it only to record defects that are understood and filed).

``OGPU_TOUR_THEME=dark`` in the environment tours (and ``--grab`` pictures) the dark theme.

Run: ``python scripts/layout_report.py [--screen 1280x800@1 …] [--sandbox-url URL]``
(needs the test dependencies; the default screens are 1280x800, 1920x1080 and 1280x800@2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.layout_runs import SCREENS, Screen, StopResult, tour_screens  # noqa: E402
from tests.helpers.layout_tour import STOPS  # noqa: E402
from tests.helpers.sandbox import running_sandbox  # noqa: E402


def print_findings(screens: tuple[Screen, ...],
                   results: dict[str, dict[str, StopResult]]) -> int:
    """Print every finding and the totals as JSON lines; return the grand total."""
    grand = 0
    for screen in screens:
        context = {"size": screen.size, "scale": screen.scale}
        by_check: Counter[str] = Counter()
        for stop in STOPS:
            found = results[screen.key].get(stop)
            if found is None:
                print(json.dumps({"error": "stop not reached", "page": stop, **context}))
                continue
            for finding in found.findings:
                print(json.dumps({"finding": finding["check"], "page": stop, **context,
                                  **finding}, ensure_ascii=False))
            checks = Counter(f["check"] for f in found.findings)
            by_check.update(checks)
            if checks:
                print(json.dumps({"metric": "layout_findings", "value": sum(checks.values()),
                                  "unit": "count", "page": stop, **context,
                                  "by_check": dict(checks)}))
        total = sum(by_check.values())
        grand += total
        print(json.dumps({"metric": "layout_findings", "value": total, "unit": "count",
                          **context, "by_check": dict(by_check)}), flush=True)
    return grand


def print_table(screens: tuple[Screen, ...], results: dict[str, dict[str, StopResult]]) -> None:
    """Counts per page (rows) and screen (columns), on standard error."""
    width = max(len(stop) for stop in STOPS)
    head = "".join(f"{screen.key:>14}" for screen in screens)
    lines = [f"{'page':<{width}}{head}"]
    totals = Counter[str]()
    for stop in STOPS:
        counts = []
        for screen in screens:
            found = results[screen.key].get(stop)
            count = len(found.findings) if found is not None else -1
            totals[screen.key] += max(count, 0)
            counts.append(f"{count if count >= 0 else 'missed':>14}")
        lines.append(f"{stop:<{width}}{''.join(counts)}")
    lines.append(f"{'total':<{width}}" + "".join(f"{totals[s.key]:>14}" for s in screens))
    print("\n".join(lines), file=sys.stderr)


def write_known(path: Path, results: dict[str, dict[str, StopResult]]) -> None:
    """The findings as ``{screen: {page: [finding, …]}}``, pages without findings left out."""
    known = {
        key: {stop: found.findings for stop, found in stops.items() if found.findings}
        for key, stops in results.items()
    }
    path.write_text(json.dumps(known, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")


def main() -> int:
    """Parse the arguments, tour the window on each screen and print the findings."""
    parser = argparse.ArgumentParser(description="Audit the window's layout.")
    parser.add_argument("--screen", action="append", type=Screen.parse,
                        help="WIDTHxHEIGHT[@SCALE], repeatable (default: the three screens)")
    parser.add_argument("--sandbox-url", help="a running Sandbox (default: start one)")
    parser.add_argument("--write-known", type=Path, help="also write the findings to this file")
    parser.add_argument("--grab", type=Path, help="save a picture of each stop in this folder")
    args = parser.parse_args()
    screens: tuple[Screen, ...] = tuple(args.screen or SCREENS)
    with ExitStack() as stack:
        url = args.sandbox_url or stack.enter_context(
            running_sandbox("--providers", "2"))["rpc_url"]
        if args.grab:
            args.grab.mkdir(parents=True, exist_ok=True)
        results = tour_screens(screens, url, args.grab)
    print_findings(screens, results)
    print_table(screens, results)
    if args.write_known:
        write_known(args.write_known, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
