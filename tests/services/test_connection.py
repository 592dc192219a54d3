"""Connecting to a network: attach, chain-ID checks, recovery, tracking and previous runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from ogpu_desktop.chain.errors import WrongNetworkError
from ogpu_desktop.chain.networks import NetworkKind
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.connection import (
    Connection,
    CustomNetworkSpec,
    NetworkChoice,
    network_for,
)
from ogpu_desktop.store import ChainIdentity, Store, TaskRecord
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.key_store import SessionKeyStore
from tests.helpers.sandbox import sandbox_info

__all__ = ["sandbox_info"]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "history.sqlite3")


@pytest.fixture
def wallet(tmp_path: Path) -> Wallet:
    return Wallet(tmp_path / "wallet.json", keychain=SessionKeyStore())


@pytest_asyncio.fixture
async def attached(
    sandbox_info: dict[str, Any], store: Store, wallet: Wallet
) -> AsyncIterator[Connection]:
    connection = await Connection.open(
        NetworkChoice("sandbox", sandbox_url=sandbox_info["rpc_url"]), store, wallet
    )
    yield connection
    await connection.close()
    store.close()


@pytest.mark.asyncio
async def test_attach_connects_records_the_run_and_leaves_the_sandbox_running(
    sandbox_info: dict[str, Any], store: Store, wallet: Wallet
) -> None:
    notes: list[str] = []
    connection = await Connection.open(
        NetworkChoice("sandbox", sandbox_url=sandbox_info["rpc_url"]), store, wallet,
        on_progress=notes.append,
    )
    try:
        assert connection.network.kind is NetworkKind.SANDBOX
        assert connection.network.chain_id == sandbox_info["chain_id"]
        assert connection.sandbox is None  # attached, not started
        assert connection.faucet_url == sandbox_info["faucet_url"]
        assert connection.block is not None
        assert connection.block > 0
        assert connection.recovery is not None
        assert connection.previous_run is None
        assert store.runs.identity(1337) == ChainIdentity(
            sandbox_info["genesis_hash"], sandbox_info["run_id"]
        )
        assert notes[0].startswith("Reading the Sandbox at")
        assert notes[-1] == "Connected to Sandbox (this computer)."
    finally:
        await connection.close()
    async with httpx.AsyncClient() as http:
        assert (await http.get(sandbox_info["rpc_url"] + "/info")).status_code == 200
    store.close()


@pytest.mark.asyncio
async def test_tasks_of_a_previous_run_are_set_aside_and_announced(
    sandbox_info: dict[str, Any], store: Store, wallet: Wallet
) -> None:
    store.runs.check_identity(1337, ChainIdentity("0xold", "old-run"))
    store.tasks.add_task(TaskRecord(
        chain_id=1337, address="0x" + "ab" * 20, source="0x" + "cd" * 20,
        sender="0x" + "ef" * 20, config_url="", config_json="{}", payment_wei=1,
        expiry_time=2_000_000_000, delivery_method=1, pipeline=None, status=0,
        attempt_count=0, tx_hash="0x" + "11" * 32, block_number=3, published_at=1,
        updated_at=1,
    ))
    connection = await Connection.open(
        NetworkChoice("sandbox", sandbox_url=sandbox_info["rpc_url"]), store, wallet
    )
    try:
        previous = connection.previous_run
        assert previous is not None
        assert (previous.task_count, previous.run_id) == (1, "old-run")
        assert store.tasks.count_tasks(1337) == 0
        assert store.tasks.count_tasks(previous.archive_key) == 1
        assert any("previous run" in n for n in connection.notices())
    finally:
        await connection.close()
        store.close()


@pytest.mark.asyncio
async def test_the_tracker_runs_in_the_background_and_reports_blocks(
    attached: Connection, sandbox_info: dict[str, Any]
) -> None:
    blocks: list[int] = []
    attached.blocks.subscribe(blocks.append)
    attached.services.tracking.poll_interval_s = 0.1
    attached.start_tracking()
    before = attached.block or 0
    async with httpx.AsyncClient() as http:  # a faucet transfer mines a block
        await http.post(sandbox_info["faucet_url"], json={"address": "0x" + "12" * 20})
    for _ in range(200):
        if blocks and blocks[-1] > before:
            break
        await asyncio.sleep(0.05)
    assert blocks
    assert blocks[-1] > before
    assert attached.block == blocks[-1]


@pytest.mark.asyncio
async def test_a_custom_network_with_the_wrong_chain_id_is_refused_in_plain_words(
    sandbox_info: dict[str, Any], store: Store, wallet: Wallet
) -> None:
    spec = CustomNetworkSpec(sandbox_info["rpc_url"], 999, sandbox_info["contracts"])
    with pytest.raises(WrongNetworkError) as caught:
        await Connection.open(NetworkChoice("custom", custom=spec), store, wallet)
    assert caught.value.message.startswith(
        "Wrong network: expected chain ID 999, the endpoint answered 1337."
    )
    store.close()


@pytest.mark.asyncio
async def test_an_rpc_override_is_checked_against_the_networks_chain_id(
    sandbox_info: dict[str, Any], store: Store, wallet: Wallet
) -> None:
    choice = NetworkChoice("testnet", rpc_url=sandbox_info["rpc_url"])
    assert network_for(choice).rpc_url == sandbox_info["rpc_url"]
    with pytest.raises(WrongNetworkError, match="expected chain ID 200820172034"):
        await Connection.open(choice, store, wallet)
    store.close()


def test_network_overrides_and_refusals() -> None:
    choice = NetworkChoice(
        "mainnet", pinning_url="https://pin.example/file/create",
        gateway_url="https://gw.example/ipfs/",
    )
    network = network_for(choice)
    assert network.pinning_url == "https://pin.example/file/create"
    assert network.gateways[0] == "https://gw.example/ipfs/"
    with pytest.raises(ValidationError, match="No custom network is described"):
        network_for(NetworkChoice("custom"))
    with pytest.raises(ValidationError, match="Unknown network"):
        NetworkChoice("moon")
