"""Fixtures: a Sandbox running as a real subprocess, and in-process Sandboxes for provider knobs."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from ogpu_desktop.sandbox.runtime import Sandbox, SandboxOptions
from tests.sandbox_node.client import SandboxClient

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0


@dataclass
class SandboxProcess:
    """A Sandbox child process and the ``/info`` line it printed."""

    process: subprocess.Popen[bytes]
    info: dict[str, Any]
    stderr_path: Path

    def stderr(self) -> str:
        """What the process wrote on stderr so far."""
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _read_line(stream: IO[bytes], process: subprocess.Popen[bytes], timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            break
        ready, _, _ = select.select([stream], [], [], min(remaining, 0.5))
        if ready:
            chunk = os.read(stream.fileno(), 1)
            if not chunk:
                break
            line += chunk
    return line


@contextmanager
def running_sandbox(*args: str) -> Iterator[SandboxProcess]:
    """Run ``python -m ogpu_desktop sandbox --port 0 ARGS``; stop it by PID afterwards."""
    with tempfile.TemporaryDirectory(prefix="ogpu-sandbox-") as folder:
        stderr_path = Path(folder) / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "ogpu_desktop", "sandbox", "--port", "0", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
            try:
                assert process.stdout is not None
                line = _read_line(process.stdout, process, START_TIMEOUT_S)
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


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    """One Sandbox subprocess for the session, with two provider accounts."""
    with running_sandbox("--providers", "2") as running:
        yield running


@pytest.fixture(scope="session")
def client(sandbox_process: SandboxProcess) -> Iterator[SandboxClient]:
    """A funded client of the session's Sandbox."""
    with SandboxClient(sandbox_process.info) as sandbox_client:
        yield sandbox_client


@contextmanager
def in_process_sandbox(**options: Any) -> Iterator[Sandbox]:
    """Run a Sandbox in this process (still served over HTTP on 127.0.0.1); stop it afterwards."""
    sandbox = Sandbox(SandboxOptions(**options))
    try:
        sandbox.start()
        yield sandbox
    finally:
        sandbox.stop()
