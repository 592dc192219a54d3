"""Exporting a task whose answer nests very deep, in a process where web3 raised the limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Importing web3 raises the recursion limit to 100,000: a plain json.loads of this answer then
# runs off the C stack and the process dies with SIGSEGV instead of a Python error.
SCRIPT = """
import json, sys
import web3  # noqa: F401 - raises sys.getrecursionlimit() as the app's own import does
from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.store import ResponseRecord, TaskRecord
from ogpu_desktop.services.task_export import ExportedTask, to_csv, to_json

deep = "[" * 200_000 + "]" * 200_000
task = "0x" + "11" * 20
response = "0x" + "22" * 20
record = TaskRecord(
    chain_id=1, address=task, source="0x" + "33" * 20, sender="0x" + "44" * 20,
    config_url="https://example.invalid/ipfs/x", config_json="{}", payment_wei=1,
    expiry_time=2_000_000_000, delivery_method=0, pipeline="text-classification", status=2,
    attempt_count=1, tx_hash="0x" + "55" * 32, block_number=1, published_at=1, updated_at=1,
)
answer = ResponseRecord(1, response, task, "0x" + "66" * 20, deep, 0, 1, 1)
item = ExportedTask(record, (answer,), {response: deep}, TaskState.RESPONDED)
exported = json.loads(to_json([item]))[0]["responses"][0]
csv_text = to_csv([item])
print(json.dumps({
    "limit": sys.getrecursionlimit(),
    "result_kept_as_text": exported["result"] == deep,
    "summary": exported["result_summary"],
    "csv_has_answer": deep in csv_text,
}))
"""


def test_exporting_a_deeply_nested_answer_does_not_crash_the_app() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=240,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["limit"] >= 100_000
    assert facts["result_kept_as_text"] is True  # nothing lost: the raw answer stays in the file
    assert facts["summary"]
    assert facts["csv_has_answer"] is True
