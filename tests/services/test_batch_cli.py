"""``ogpu-desktop batch`` before any network: its help in plain words, and bad options refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ogpu_desktop.batch_cli import build_parser
from ogpu_desktop.domain.catalogue import CATALOGUE

OPTIONS = ("--type", "--inputs", "--out", "--column", "--network", "--sandbox-url", "--data-dir",
           "--payment", "--expires", "--yes")


def test_help_explains_every_option_of_the_issue() -> None:
    text = build_parser().format_help()
    for option in OPTIONS:
        assert option in text
    assert "input, status, task, headline, score, error" in text
    assert "nothing is ever published twice" in text
    for words in ("the column holding the texts", "what each task pays",
                  "how long each task waits", "publish without asking",
                  "keep the history, wallet and logs in DIR"):
        assert words in " ".join(text.split())


def test_the_main_help_names_the_batch_command() -> None:
    done = subprocess.run([sys.executable, "-m", "ogpu_desktop", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert "batch" in done.stdout
    assert "one table of results" in done.stdout


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (["--type", "poetry"], 1, "Unknown task type “poetry”. Choose one of: "
         + ", ".join(CATALOGUE)),
        (["--type", "translation", "--set", "question"], 2, "--set takes FIELD=VALUE"),
        (["--type", "translation", "--network", "mainnet", "--sandbox-url", "http://x"], 2,
         "not allowed with argument"),
    ],
)
def test_bad_options_are_refused_in_plain_words_before_connecting(
    tmp_path: Path, extra: list[str], code: int, words: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ogpu_desktop", "batch", "--inputs", str(tmp_path), "--out",
         str(tmp_path / "out.csv"), "--data-dir", str(tmp_path / "profile"), *extra],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == code
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()
