"""Start and stop a real anvil node on 127.0.0.1 for chain tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rpc(url: str, method: str, params: list[object] | None = None) -> object:
    """A blocking JSON-RPC call (for fixtures and set-up only)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    req = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        answer = json.loads(resp.read())
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer["result"]


@dataclass
class AnvilNode:
    """A running anvil process."""

    url: str
    chain_id: int
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def anvil_binary() -> Path:
    """The anvil binary from OGPU_TEST_ANVIL, or skip the test."""
    value = os.environ.get("OGPU_TEST_ANVIL")
    if not value:
        pytest.skip("OGPU_TEST_ANVIL is not set: these tests need the anvil binary")
    return Path(value)


def start_anvil(chain_id: int = 31337, extra: list[str] | None = None) -> AnvilNode:
    """Start anvil bound to 127.0.0.1 on a free port and wait until it answers."""
    binary = anvil_binary()
    port = free_port()
    args = [str(binary), "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(chain_id)]
    proc = subprocess.Popen(
        [*args, *(extra or [])], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            rpc(url, "eth_chainId")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("anvil did not start") from None
            time.sleep(0.05)
    return AnvilNode(url, chain_id, proc)
