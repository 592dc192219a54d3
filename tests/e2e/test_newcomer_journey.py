"""A newcomer's first session on a real X display (Xvfb), driven by xdotool, at two sizes.

Runs ``scripts/newcomer_journey.py`` for one size: fresh profile, the first-run choice, a new
account in the keychain, test tokens, a deposit, four tasks and their four results, read as the
user sees them; a picture of the screen after each step.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.keychain import require_keychain
from tests.helpers.newcomer_journey import tools_missing

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "newcomer_journey.py"
KINDS = ["Image classification", "Text classification", "Text generation", "Translation"]


@pytest.mark.e2e
@pytest.mark.keychain
@pytest.mark.parametrize("size", ["1280x800", "1920x1080"])
def test_a_newcomer_reaches_four_results_with_mouse_and_keyboard(
    size: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    missing = tools_missing()
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (scripts/test installs them)")
    require_keychain(request)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--size", size],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stdout + done.stderr
    report = json.loads(lines[-1])
    assert report["exit_code"] == 0, report.get("error", report)
    assert report["problems"] == []
    assert sorted(report["results"]) == KINDS
    assert report["seen"]["connected"] == "Connected"
    # The vault figure right after "Deposited" may still be the old one (balances go stale).
    assert report["seen"]["deposited"].endswith(" OGPU")
    pictures = sorted(path.name for path in (tmp_path / size).glob("*.png"))
    assert len(pictures) == len(report["seen"]), pictures
    assert pictures[0] == "01-first-run.png"
