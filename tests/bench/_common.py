"""Measuring steps several bench scripts share: first-paint timing and a deployed anvil chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.chain.anvil_node import start_anvil
from tests.chain.ipfs_server import IpfsServer
from tests.chain.protocol_env import ProtocolEnv, deploy_env

ROOT = Path(__file__).resolve().parents[2]
EXIT_ENV = "OGPU_DESKTOP_EXIT_AFTER_FIRST_PAINT"


def first_paint_env(*, bytecode: bool = True) -> dict[str, str]:
    """This environment, offscreen unless set, asking the app to quit once it has painted.

    Args:
        bytecode: Let Python keep compiled bytecode (in a folder of its own under the system's
            temporary folder, never in the source tree), as an installed app has it: without
            it every start compiles each imported module of the source checkout again, which
            says more about the checkout than about the app.
    """
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env[EXIT_ENV] = "1"
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "ogpu-bench-pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def time_to_first_paint(
    command: list[str], env: dict[str, str], *, cwd: Path | None = None
) -> float:
    """Start ``command`` and return milliseconds until it prints its first-paint line."""
    return first_paint_run(command, env, cwd=cwd)[0]


def first_paint_run(
    command: list[str], env: dict[str, str], *, cwd: Path | None = None
) -> tuple[float, dict[str, Any]]:
    """Start ``command``; return milliseconds until its first-paint line, and that line."""
    started = time.perf_counter()
    with subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if '"first_paint"' in line:
                elapsed = (time.perf_counter() - started) * 1000
                report = json.loads(line)
                break
        else:
            raise RuntimeError(f"{command[:3]} exited without painting (code {process.wait()})")
        if process.wait(timeout=60) != 0:
            raise RuntimeError(f"{command[:3]} failed with code {process.returncode}")
    return elapsed, report


@contextmanager
def anvil_protocol() -> Iterator[ProtocolEnv]:
    """Sandbox contracts deployed on a fresh anvil with a local pinning service; both stop after.

    Exits the script with a message when ``OGPU_TEST_ANVIL`` does not name the anvil binary.
    """
    if not os.environ.get("OGPU_TEST_ANVIL"):
        sys.exit("Set OGPU_TEST_ANVIL to the anvil binary.")
    node = start_anvil(chain_id=31337)
    ipfs = IpfsServer().start()
    try:
        yield deploy_env(node, ipfs)
    finally:
        ipfs.stop()
        node.stop()
