"""The Sandbox as a process: its /info line, loopback-only binding and how it stops."""

from __future__ import annotations

import importlib.util
import re
import signal
import socket
from pathlib import Path

import httpx
import pytest
from web3 import Web3

from tests.helpers.sandbox import SandboxProcess, start_sandbox

PIPELINES = {
    "text-classification", "image-classification", "text-generation",
    "visual-question-answering", "translation", "summarization",
}


def test_info_line_has_the_documented_shape(sandbox_process: SandboxProcess) -> None:
    info = sandbox_process.info
    assert set(info) >= {
        "rpc_url", "chain_id", "contracts", "pinning_url", "faucet_url", "sources", "run_id",
        "genesis_hash",
    }
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", info["rpc_url"])
    assert info["chain_id"] == 1337
    assert info["pinning_url"] == info["rpc_url"] + "/file/create"
    assert info["faucet_url"] == info["rpc_url"] + "/faucet"
    assert set(info["contracts"]) == {"nexus", "controller", "vault", "terminal"}
    for address in info["contracts"].values():
        assert Web3.is_checksum_address(address)
    assert {s["pipeline"] for s in info["sources"]} == PIPELINES
    deliveries = {(s["pipeline"], s["delivery"]) for s in info["sources"]}
    assert ("text-classification", "MANUAL_CONFIRMATION") in deliveries
    assert all((p, "FIRST_RESPONSE") in deliveries for p in PIPELINES)
    assert re.fullmatch(r"[0-9a-f]{32}", info["run_id"])


def test_info_is_also_served_and_names_the_real_genesis(sandbox_process: SandboxProcess) -> None:
    info = sandbox_process.info
    assert httpx.get(info["rpc_url"] + "/info").json() == info
    w3 = Web3(Web3.HTTPProvider(info["rpc_url"]))
    assert w3.eth.chain_id == info["chain_id"]
    assert w3.eth.get_block(0)["hash"].to_0x_hex() == info["genesis_hash"]
    for address in info["contracts"].values():
        assert len(w3.eth.get_code(address)) > 0


def test_each_run_is_a_new_chain_identity(sandbox_process: SandboxProcess) -> None:
    with start_sandbox("--chain-id", "4242", "--engine", "transformers") as other:
        if importlib.util.find_spec("transformers") is None:
            assert other.info["engine"] == "builtin"
            assert "built-in engine instead" in other.stderr()
        assert other.info["chain_id"] == 4242
        assert other.info["run_id"] != sandbox_process.info["run_id"]
        assert other.info["genesis_hash"] != sandbox_process.info["genesis_hash"]
        assert Web3(Web3.HTTPProvider(other.info["rpc_url"])).eth.chain_id == 4242


def _port(info: dict[str, object]) -> int:
    return int(str(info["rpc_url"]).rsplit(":", 1)[1])


def test_listens_on_loopback_127_0_0_1_only(sandbox_process: SandboxProcess) -> None:
    port = _port(sandbox_process.info)
    # 127.0.0.2 is loopback too: a server bound to every address would accept there.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    proc_tcp = Path("/proc/net/tcp")
    if proc_tcp.exists():
        listening = [
            line.split()[1]
            for line in proc_tcp.read_text().splitlines()[1:]
            if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == port
        ]
        assert listening == [f"0100007F:{port:04X}"]


def test_exits_when_stdin_reaches_end_of_file() -> None:
    with start_sandbox("--exit-with-parent") as running:
        assert running.process.stdin is not None
        running.process.stdin.close()
        assert running.process.wait(30) == 0
        assert running.process.stdout is not None
        assert running.process.stdout.read() == b"", "stdout must hold the /info line only"
        with pytest.raises(httpx.TransportError):
            httpx.get(running.info["rpc_url"] + "/info", timeout=5)


def test_stops_cleanly_on_sigterm() -> None:
    with start_sandbox() as running:
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(30) == 0
        assert "Traceback" not in running.stderr()


def test_a_killed_sandbox_gets_its_port_back_at_once() -> None:
    with start_sandbox() as first:
        port = _port(first.info)
        # A client keeps its connection open, as the app's HTTP pool does: the dead server's
        # end of it lingers for about a minute, which used to block the port that long.
        held = socket.create_connection(("127.0.0.1", port), timeout=10)
        try:
            held.sendall(b"GET /info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert held.recv(65536).startswith(b"HTTP/1.1 200")
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(30)
            with start_sandbox("--port", str(port)) as second:
                assert _port(second.info) == port
                answered = httpx.get(f"http://127.0.0.1:{port}/info", timeout=10).json()
                assert answered["run_id"] == second.info["run_id"] != first.info["run_id"]
                # Reusing the port never lets a second Sandbox listen beside a running one.
                with (
                    pytest.raises(AssertionError, match=r"cannot listen on 127\.0\.0\.1"),
                    start_sandbox("--port", str(port)),
                ):
                    pass
                assert httpx.get(f"http://127.0.0.1:{port}/info", timeout=10).json() == answered
        finally:
            held.close()
