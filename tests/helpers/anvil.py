"""Start and stop a real anvil node for tests (binary from the OGPU_TEST_ANVIL variable)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ANVIL_ENV = "OGPU_TEST_ANVIL"
_LISTENING = re.compile(r"Listening on 127\.0\.0\.1:(\d+)")
_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class AnvilNode:
    """A running anvil process."""

    rpc_url: str
    pid: int


def anvil_binary() -> Path:
    """Return the anvil binary named by ``OGPU_TEST_ANVIL``, or skip the test."""
    value = os.environ.get(ANVIL_ENV)
    if not value:
        pytest.skip(f"{ANVIL_ENV} is not set: it must name the anvil binary to test against anvil")
    path = Path(value)
    if not path.is_file():
        pytest.skip(f"{ANVIL_ENV}={value} does not name a file")
    return path


@contextmanager
def running_anvil(*extra_args: str) -> Iterator[AnvilNode]:
    """Run anvil on 127.0.0.1 on a port it picks; stop it by PID on exit.

    The port is read from anvil's own "Listening on" line, so no other process can take it
    between choosing and binding. Its output goes to a temporary file so a full pipe can
    never stall it.
    """
    binary = anvil_binary()
    with tempfile.TemporaryDirectory(prefix="ogpu-anvil-") as folder:
        log_path = Path(folder) / "anvil.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(binary), "--host", "127.0.0.1", "--port", "0", *extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            port = _wait_for_port(process, log_path)
            node = AnvilNode(rpc_url=f"http://127.0.0.1:{port}", pid=process.pid)
            _wait_until_answering(process, node.rpc_url)
            yield node
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_for_port(process: subprocess.Popen[bytes], log_path: Path) -> int:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        match = _LISTENING.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if match:
            return int(match.group(1))
        if process.poll() is not None:
            raise RuntimeError(f"anvil exited at start: {log_path.read_text(errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError("anvil did not report its port in time")


def _wait_until_answering(process: subprocess.Popen[bytes], rpc_url: str) -> None:
    request = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("anvil exited before it answered")
        try:
            if httpx.post(rpc_url, json=request, timeout=2.0).json().get("result"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.05)
    raise RuntimeError("anvil did not answer JSON-RPC in time")
