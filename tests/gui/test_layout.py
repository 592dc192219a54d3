"""Every page and dialog with real content, at 1280x800, 1920x1080 and 200 %: nothing cut off.

The window is toured in one child process per screen (``tests/helpers/layout_runs.py``) on the
shared Sandbox: real accounts, real tasks of every type with long texts, every result viewer,
the Wallet page with balances after fees, Settings, and every dialog (the stops are listed in
``tests/helpers/layout_tour.py``). Each case is one stop on one screen and fails on any finding of
``tests/helpers/layout_audit.py``: a text that does not fit, a sideways scroll bar in a viewer or
a page, an overlap, a widget past its parent, a window larger than the screen.

Today's window has known defects. ``layout_known_defects.json`` lists them per screen and stop;
the cases that have them are marked ``xfail(strict=True)`` with each defect in the reason, and
fail only with :class:`KnownLayoutDefects`. A defect that is not on the list fails the case
outright; a case whose defects are all fixed passes, which strict xfail turns into a failure:
take its entry out of the list then (``scripts/layout_report.py --write-known`` prints and writes
the current findings).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.layout_audit import Finding
from tests.helpers.layout_runs import SCREENS, StopResult, tour_screens
from tests.helpers.layout_tour import STOPS
from tests.helpers.sandbox import sandbox_info  # noqa: F401 - the fixture

KNOWN_FILE = Path(__file__).with_name("layout_known_defects.json")
KNOWN: dict[str, dict[str, list[dict[str, Any]]]] = json.loads(
    KNOWN_FILE.read_text(encoding="utf-8"))


class KnownLayoutDefectsError(Exception):
    """The case shows only defects that are listed as known."""


def known(screen: str, stop: str) -> list[Finding]:
    """The defects listed for ``stop`` on ``screen``."""
    return [Finding(**entry) for entry in KNOWN.get(screen, {}).get(stop, [])]


def case(screen: str, stop: str) -> Any:
    """The parameters of one case, marked when it has known defects."""
    listed = known(screen, stop)
    if not listed:
        return pytest.param(screen, stop, id=f"{screen}-{stop}")
    unique = {f.key: f for f in listed}
    # Short, so the run's summary stays readable; the defects themselves are in KNOWN's file.
    paths = sorted({f.path.rsplit("/", 1)[-1] for f in unique.values()})
    more = ", …" if len(paths) > 4 else ""
    reason = f"{len(unique)} known layout defects ({', '.join(paths[:4])}{more})"
    return pytest.param(screen, stop, id=f"{screen}-{stop}", marks=pytest.mark.xfail(
        strict=True, raises=KnownLayoutDefectsError, reason=reason))


@pytest.fixture(scope="module")
def layout_results(sandbox_info: dict[str, Any]) -> dict[str, dict[str, StopResult]]:  # noqa: F811
    """Findings of the tour on every screen, by screen key and stop."""
    return tour_screens(SCREENS, sandbox_info["rpc_url"])


def test_the_known_defects_name_real_stops_and_screens() -> None:
    screens = {screen.key for screen in SCREENS}
    assert set(KNOWN) <= screens
    assert all(set(stops) <= set(STOPS) for stops in KNOWN.values())


@pytest.mark.gui
@pytest.mark.parametrize(("screen", "stop"), [
    case(screen.key, stop) for screen in SCREENS for stop in STOPS])
def test_nothing_is_cut_off_covered_or_scrolled_sideways(
    screen: str, stop: str, layout_results: dict[str, dict[str, StopResult]]
) -> None:
    reached = layout_results[screen]
    assert stop in reached, f"the tour did not reach {stop} on {screen}"
    found = [Finding(**entry) for entry in reached[stop].findings]
    listed = {f.key for f in known(screen, stop)}
    new = [f for f in found if f.key not in listed]
    assert not new, "layout defects:\n" + "\n".join(f.describe() for f in new)
    if found:
        raise KnownLayoutDefectsError("\n".join(f.describe() for f in found))
