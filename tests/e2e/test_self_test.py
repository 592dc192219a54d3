"""``ogpu-desktop --self-test``: every task type published on a fresh Sandbox reaches FINALIZED."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ogpu_desktop.domain.catalogue import CATALOGUE

# The result kind each task type's demo source answers with (custom runs on the
# text-classification source, so its answer reads as label scores too).
EXPECTED_KINDS = {
    "text-classification": "label_scores",
    "image-classification": "label_scores",
    "text-generation": "generated_texts",
    "visual-question-answering": "answers",
    "translation": "translation",
    "summarization": "summary",
    "custom": "label_scores",
}
LINE = re.compile(r"(?P<type>[a-z-]+) (?P<task>0x[0-9a-fA-F]{40}) (?P<status>[A-Z]+) (?P<kind>\w+)")


@pytest.mark.e2e
def test_self_test_publishes_every_type_and_reads_every_result(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ogpu_desktop", "--self-test", "--data-dir", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=400, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(CATALOGUE)
    seen = {}
    for line in lines:
        match = LINE.fullmatch(line)
        assert match is not None, line
        seen[match["type"]] = (match["task"], match["status"], match["kind"])
    assert set(seen) == set(CATALOGUE)
    for task_type, (_task, status, kind) in seen.items():
        assert status == "FINALIZED", task_type
        assert kind == EXPECTED_KINDS[task_type], task_type
    assert len({task for task, _s, _k in seen.values()}) == len(CATALOGUE)
    assert "self-test passed: 7 tasks finalized" in done.stderr
    # The profile's log folder holds the run's log; no wallet file leaves a key behind.
    assert (tmp_path / "logs" / "ogpu-desktop.log").is_file()


@pytest.mark.e2e
def test_self_test_failure_says_why_and_exits_non_zero(tmp_path: Path) -> None:
    # A data folder that is a file: the history cannot be opened.
    blocker = tmp_path / "profile"
    blocker.write_text("not a folder")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ogpu_desktop", "--self-test", "--data-dir", str(blocker)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.startswith("self-test failed: Not a directory")
    assert "Traceback" not in done.stderr
