"""``ogpu-desktop batch`` as a user runs it, against real Sandbox processes.

A folder of 200 images in five formats with files that must be refused, answered by the
Sandbox's providers; a CSV of 1,000 texts whose command is killed (SIGKILL) while publishing
and run again, checked against the chain: the ``TaskPublished`` events of the senders the
history journaled number exactly the accepted inputs, so no input was published twice.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ogpu_desktop.chain.nexus_events import TOPICS, NexusEvent
from ogpu_desktop.domain.batch_export import CSV_COLUMNS
from ogpu_desktop.domain.batch_inputs import list_batch_inputs
from tests.helpers.batch_files import image_folder, refusal_files, reviews_csv
from tests.helpers.sandbox import sandbox_info, silent_sandbox_info

__all__ = ["sandbox_info", "silent_sandbox_info"]

COMMAND_TIMEOUT_S = 600
KILL_AFTER_PUBLISHED = 150


def batch_command(info: dict[str, Any], profile: Path, *args: str) -> list[str]:
    """The command line of ``ogpu-desktop batch`` on the Sandbox of ``info``."""
    return [sys.executable, "-m", "ogpu_desktop", "batch", "--sandbox-url", info["rpc_url"],
            "--data-dir", str(profile), *args]


def read_results(path: Path) -> list[dict[str, str]]:
    """The rows of a results file (UTF-8 with a byte-order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        return list(reader)


def rpc(url: str, method: str, params: list[Any]) -> Any:
    """One JSON-RPC call to the Sandbox."""
    answer = httpx.post(url, timeout=60, json={
        "jsonrpc": "2.0", "id": 1, "method": method, "params": params,
    }).json()
    assert "error" not in answer, answer
    return answer["result"]


def published_by(info: dict[str, Any], senders: set[str]) -> list[str]:
    """The tasks announced by ``TaskPublished`` events of transactions ``senders`` signed."""
    logs = rpc(info["rpc_url"], "eth_getLogs", [{
        "address": info["contracts"]["nexus"], "fromBlock": "0x0", "toBlock": "latest",
        "topics": [TOPICS[NexusEvent.TASK_PUBLISHED]],
    }])
    hashes = sorted({log["transactionHash"] for log in logs})
    sender_of: dict[str, str] = {}
    with httpx.Client(timeout=60) as http:
        for start in range(0, len(hashes), 100):
            part = hashes[start : start + 100]
            answers = http.post(info["rpc_url"], json=[
                {"jsonrpc": "2.0", "id": i, "method": "eth_getTransactionByHash", "params": [h]}
                for i, h in enumerate(part)
            ]).json()
            for answer in answers:
                tx = answer["result"]
                sender_of[tx["hash"]] = tx["from"].lower()
    wanted = {s.lower() for s in senders}
    return [_task_of(log) for log in logs if sender_of[log["transactionHash"]] in wanted]


def _task_of(log: dict[str, Any]) -> str:
    """The task address of a ``TaskPublished`` log (first argument, indexed or in data)."""
    topics = log["topics"]
    word = topics[1] if len(topics) > 1 else log["data"][2:66]
    return "0x" + word[-40:].lower()


def journal_senders(profile: Path) -> set[str]:
    """Every account that signed a publish in the profile's history."""
    with sqlite3.connect(profile / "data" / "history.sqlite3") as db:
        rows = db.execute("SELECT DISTINCT sender FROM tx_journal WHERE kind='publish'")
        return {row[0] for row in rows}


@pytest.mark.e2e
@pytest.mark.timeout(COMMAND_TIMEOUT_S)
def test_a_folder_of_200_images_becomes_one_table(
    tmp_path: Path, sandbox_info: dict[str, Any]
) -> None:
    photos = tmp_path / "photos"
    image_folder(photos, 200)
    refusals = refusal_files(photos / "bad")
    out = tmp_path / "labels.csv"
    done = subprocess.run(
        batch_command(sandbox_info, tmp_path / "profile", "--type", "image-classification",
                      "--inputs", str(photos), "--out", str(out), "--yes"),
        capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Tasks to publish: 200." in done.stdout
    assert "Deposit needed: 0.2 OGPU" in done.stdout
    assert "session-only Sandbox account" in done.stderr
    assert "faucet" in done.stderr
    rows = read_results(out)
    by_input = {row["input"]: row for row in rows}
    assert len(rows) == 200 + len(refusals)
    for name, words in refusals.items():
        row = by_input[f"photos/bad/{name}"]
        assert row["status"] == "refused"
        assert row["task"] == ""
        assert words.lower() in row["error"].lower()
    images = [row for row in rows if row["status"] != "refused"]
    assert [row["input"] for row in images[:3]] == ["photos/img1.jpg", "photos/img2.png",
                                                    "photos/img3.webp"]
    assert {row["status"] for row in images} == {"finished"}
    assert len({row["task"] for row in images}) == 200
    for row in images:
        assert row["headline"].endswith("%"), row
        assert 0 < float(row["score"]) <= 1
        assert row["error"] == ""


@pytest.mark.e2e
@pytest.mark.timeout(2 * COMMAND_TIMEOUT_S)  # a thousand publishes on the Sandbox's one EVM
def test_1000_texts_killed_mid_batch_resume_without_a_duplicate(
    tmp_path: Path, silent_sandbox_info: dict[str, Any]
) -> None:
    # The silent Sandbox leaves every task unanswered (answers are the other test's part): the
    # run that resumes is stopped with Ctrl+C once everything is published, rather than left
    # waiting an hour for the tasks to expire.
    info = silent_sandbox_info
    reviews = reviews_csv(tmp_path / "reviews.csv", 1000)
    out = tmp_path / "sentiment.csv"
    profile = tmp_path / "profile"
    args = batch_command(info, profile, "--type", "text-classification", "--inputs",
                         str(reviews), "--column", "review", "--out", str(out), "--yes")
    killed_at = run_until_published(args, tmp_path / "first.err", KILL_AFTER_PUBLISHED,
                                    signal.SIGKILL)
    assert KILL_AFTER_PUBLISHED <= killed_at < 1000
    assert not out.exists()  # the first run never got to write it

    code, err = run_until_published(args, tmp_path / "second.err", 1000, signal.SIGINT,
                                    wait=True)
    assert code == 1
    assert "Continuing batch" in err
    assert "1,000 input(s) are not final yet; run the same command again" in err
    rows = read_results(out)
    listed = list_batch_inputs([reviews], "text-classification", column="review")
    assert [row["input"] for row in rows] == [entry.label for entry in listed.accepted]
    assert len(rows) == 1000
    assert {row["status"] for row in rows} == {"waiting"}
    tasks = [row["task"].lower() for row in rows]
    assert len(set(tasks)) == 1000

    on_chain = published_by(info, journal_senders(profile))
    assert len(on_chain) == 1000  # one TaskPublished per input, none twice
    assert set(on_chain) == set(tasks)


def run_until_published(
    args: list[str], err_path: Path, published: int, stop: signal.Signals, *, wait: bool = False
) -> Any:
    """Run the command until it reports ``published`` tasks published, then send it ``stop``.

    Returns:
        How many tasks it had reported published; with ``wait``, its exit code and stderr
        once it ended.
    """
    with err_path.open("w+b") as err:
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err,
                                   stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + COMMAND_TIMEOUT_S
            while time.monotonic() < deadline and process.poll() is None:
                seen = _published_so_far(err_path)
                if seen >= published:
                    os.kill(process.pid, stop)
                    code = process.wait(COMMAND_TIMEOUT_S)
                    text = err_path.read_text(errors="replace")
                    return (code, text) if wait else seen
                time.sleep(0.05)
            raise AssertionError("the command ended or stalled before it could be stopped:\n"
                                 + err_path.read_text(errors="replace")[-3000:])
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)


def _published_so_far(err_path: Path) -> int:
    best = 0
    for line in err_path.read_text(errors="replace").splitlines():
        if line.startswith(("publishing: ", "following: ")):
            best = max(best, int(line.split()[1].replace(",", "")))
    return best
