"""A Sandbox running as a real child process for tests, shared by every test that asks for it.

``sandbox_info`` (two providers) and ``silent_sandbox_info`` (``--never-answer``) are
session-scoped fixtures yielding the Sandbox's ``/info`` dict. Each kind of Sandbox starts once
per test process, however many modules import the fixtures, and stops when the process ends
(SIGTERM by PID at exit; ``--exit-with-parent`` also ends it if the test process dies).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0
ETHER = 10**18

_shared: dict[tuple[str, ...], dict[str, Any]] = {}
_stack = ExitStack()
atexit.register(_stack.close)


@dataclass
class SandboxProcess:
    """A Sandbox child process and the ``/info`` line it printed."""

    process: subprocess.Popen[bytes]
    info: dict[str, Any]
    stderr_path: Path

    def stderr(self) -> str:
        """What the process wrote on stderr so far."""
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def read_line(stream: IO[bytes], process: subprocess.Popen[bytes], timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            break
        ready, _, _ = select.select([stream], [], [], min(remaining, 0.5))
        if ready:
            # One byte at a time: whatever follows the line stays in the pipe for tests to check.
            chunk = os.read(stream.fileno(), 1)
            if not chunk:
                break
            line += chunk
    return line


@contextmanager
def start_sandbox(*args: str) -> Iterator[SandboxProcess]:
    """Run ``python -m ogpu_desktop sandbox --port 0 ARGS`` and yield the process and its ``/info``.

    The process is stopped by PID afterwards (SIGTERM, then SIGKILL).
    """
    with tempfile.TemporaryDirectory(prefix="ogpu-test-sandbox-") as folder:
        stderr_path = Path(folder) / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "ogpu_desktop", "sandbox", "--port", "0", *args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            )
            try:
                assert process.stdout is not None
                line = read_line(process.stdout, process, START_TIMEOUT_S)
                if not line:
                    raise AssertionError(
                        "The Sandbox printed no /info line:\n" + stderr_path.read_text()
                    )
                yield SandboxProcess(process, json.loads(line), stderr_path)
            finally:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(STOP_TIMEOUT_S)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                for stream in (process.stdin, process.stdout):
                    if stream is not None:
                        stream.close()


class RestartableSandbox:
    """A Sandbox process on one port that a test kills and starts again: a new chain each time.

    Args:
        stack: Holds every process started, so each is stopped by PID at the end.
        args: Options of every start.
    """

    def __init__(self, stack: ExitStack, *args: str) -> None:
        self._stack = stack
        self._args = args
        self.current = stack.enter_context(start_sandbox("--exit-with-parent", *args))
        self.port = int(str(self.current.info["rpc_url"]).rsplit(":", 1)[1])
        self.runs = [self.current.info]

    @property
    def info(self) -> dict[str, Any]:
        """The ``/info`` of the running process."""
        return self.current.info

    def kill(self) -> None:
        """End the running process with SIGKILL, as a crash would, and wait until it is gone."""
        self.current.process.send_signal(signal.SIGKILL)
        self.current.process.wait(STOP_TIMEOUT_S)

    def start_again(self) -> dict[str, Any]:
        """Start a new Sandbox on the same port; return its ``/info``."""
        self.current = self._stack.enter_context(
            start_sandbox("--exit-with-parent", *self._args, "--port", str(self.port))
        )
        self.runs.append(self.current.info)
        return self.current.info

    def restart(self) -> dict[str, Any]:
        """Kill the Sandbox and start a new one on its port at once; return the new ``/info``."""
        self.kill()
        return self.start_again()


@contextmanager
def restartable_sandbox(*args: str) -> Iterator[RestartableSandbox]:
    """A :class:`RestartableSandbox`; every process it started is stopped afterwards."""
    with ExitStack() as stack:
        yield RestartableSandbox(stack, *args)


@contextmanager
def running_sandbox(*args: str) -> Iterator[dict[str, Any]]:
    """Run a Sandbox that also ends when this process does; yield its ``/info`` dict."""
    with start_sandbox("--exit-with-parent", *args) as running:
        yield running.info


def shared_sandbox(*args: str) -> dict[str, Any]:
    """The ``/info`` of a Sandbox started with ``args``, started on first use in this process."""
    key = tuple(args)
    if key not in _shared:
        _shared[key] = _stack.enter_context(running_sandbox(*args))
    return _shared[key]


def fund(info: dict[str, Any], address: str, wei: int = 10 * ETHER) -> None:
    """Send ``wei`` to ``address`` from the Sandbox's faucet and wait until it is mined."""
    with httpx.Client(timeout=30) as http:
        answer = http.post(info["faucet_url"], json={"address": address, "amount_wei": wei})
        assert answer.status_code == 200, answer.text
        tx_hash = answer.json()["tx_hash"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            reply = http.post(info["rpc_url"], json={
                "jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionReceipt",
                "params": [tx_hash],
            }).json()
            if reply.get("result"):
                return
            time.sleep(0.05)
    raise AssertionError(f"The faucet transaction {tx_hash} was not mined")


def source_address(info: dict[str, Any], pipeline: str, delivery: str = "FIRST_RESPONSE") -> str:
    """The demo source of ``info`` running ``pipeline`` with ``delivery``."""
    for source in info["sources"]:
        if source["pipeline"] == pipeline and source["delivery"] == delivery:
            return str(source["address"])
    raise AssertionError(f"No {delivery} source for {pipeline}")


@pytest.fixture(scope="session")
def sandbox_info() -> dict[str, Any]:
    """A Sandbox whose two providers each answer every task."""
    return shared_sandbox("--providers", "2")


@pytest.fixture(scope="session")
def silent_sandbox_info() -> dict[str, Any]:
    """A Sandbox whose provider never answers (tasks stay NEW until cancelled or expired)."""
    return shared_sandbox("--never-answer")
