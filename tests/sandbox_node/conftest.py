"""Fixtures: a Sandbox running as a real subprocess, and in-process Sandboxes for provider knobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ogpu_desktop.sandbox.runtime import Sandbox, SandboxOptions
from tests.helpers.sandbox import SandboxProcess, start_sandbox
from tests.sandbox_node.client import SandboxClient

# Modules that started a Sandbox from this conftest keep their import working.
running_sandbox = start_sandbox
__all__ = ["SandboxProcess", "running_sandbox"]


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    """One Sandbox subprocess for the session, with two provider accounts."""
    with start_sandbox("--providers", "2") as running:
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
