"""Starting the Sandbox as a child process, attaching to a running one, and plain start errors."""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest

from ogpu_desktop.services.sandbox_process import (
    SandboxProcess,
    SandboxStartError,
    attach_sandbox,
    sandbox_command,
)
from tests.helpers.sandbox import sandbox_info

__all__ = ["sandbox_info"]


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_command_runs_the_sandbox_subcommand_with_a_free_port_and_the_parent_watch() -> None:
    command = sandbox_command()
    assert command[:4] == [sys.executable, "-m", "ogpu_desktop", "sandbox"]
    assert command[4:] == ["--port", "0", "--exit-with-parent"]


@pytest.mark.asyncio
async def test_started_sandbox_answers_and_stops_with_the_app() -> None:
    notes: list[str] = []
    sandbox = await SandboxProcess.start(on_stderr=notes.append)
    try:
        info = sandbox.info
        assert info.chain_id == 1337
        assert info.rpc_url.startswith("http://127.0.0.1:")
        assert info.demo_source("translation") is not None
        assert len(info.run_id) == 32
        assert info.genesis_hash.startswith("0x")
        async with httpx.AsyncClient() as http:
            served = (await http.get(info.rpc_url + "/info")).json()
        assert served["run_id"] == info.run_id
        assert sandbox.running
    finally:
        await sandbox.stop()
    assert not sandbox.running
    # Closing its stdin is enough: it stopped by itself, with a clean exit code.
    assert sandbox.process.returncode == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(info.rpc_url + "/info", timeout=2)


@pytest.mark.asyncio
async def test_a_sandbox_that_dies_early_says_so_with_its_last_messages() -> None:
    command = _python(
        "import sys; print('starting', file=sys.stderr); "
        "print('The Sandbox cannot listen on 127.0.0.1:1: permission denied', file=sys.stderr); "
        "sys.exit(3)"
    )
    with pytest.raises(SandboxStartError) as caught:
        await SandboxProcess.start(command=command)
    message = caught.value.message
    assert "ended (exit code 3) before it was ready" in message
    assert "cannot listen on 127.0.0.1:1: permission denied" in message


@pytest.mark.asyncio
async def test_something_else_than_the_info_line_is_refused() -> None:
    with pytest.raises(SandboxStartError, match="printed something unexpected"):
        await SandboxProcess.start(command=_python("print('hello'); import time; time.sleep(30)"))
    with pytest.raises(SandboxStartError, match="faucet_url, sources missing"):
        await SandboxProcess.start(command=_python(
            "import json, time; print(json.dumps({'rpc_url': 'x', 'chain_id': 1, "
            "'contracts': {}, 'pinning_url': 'y'}), flush=True); time.sleep(30)"
        ))


@pytest.mark.asyncio
async def test_a_sandbox_that_never_gets_ready_times_out_and_is_stopped() -> None:
    with pytest.raises(SandboxStartError, match="did not get ready within 1 seconds"):
        await SandboxProcess.start(command=_python("import time; time.sleep(60)"), timeout=1.0)


@pytest.mark.asyncio
async def test_attach_reads_the_running_sandbox_info(sandbox_info: dict[str, Any]) -> None:
    info = await attach_sandbox(sandbox_info["rpc_url"] + "/")
    assert info.rpc_url == sandbox_info["rpc_url"]
    assert info.run_id == sandbox_info["run_id"]
    assert info.faucet_url == sandbox_info["faucet_url"]


@pytest.mark.asyncio
async def test_attach_to_nothing_explains_in_plain_words(unused_tcp_port: int) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}"
    with pytest.raises(SandboxStartError, match=f"No Sandbox answers at {url}"):
        await attach_sandbox(url, timeout=3)
    with pytest.raises(SandboxStartError, match="must start with http://"):
        await attach_sandbox("127.0.0.1:8545")
