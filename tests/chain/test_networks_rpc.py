"""Networks, connecting with a chain-ID check, and plain-words RPC errors (anvil over HTTP)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ogpu_desktop.chain.errors import ContractAddressError, RpcUnreachableError, WrongNetworkError
from ogpu_desktop.chain.networks import (
    MAINNET,
    TESTNET,
    NetworkKind,
    custom_network,
    sandbox_network,
)
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.errors import UserFacingError, ValidationError
from tests.chain.anvil_node import AnvilNode, free_port
from tests.chain.conftest import anvil_network


def test_official_networks_carry_the_documented_constants() -> None:
    assert MAINNET.chain_id == 1071
    assert TESTNET.chain_id == 200820172034 > 2**32
    assert MAINNET.contracts.nexus == "0x2b0cC6058313801D5feb184a539e3a0C5A87a6a1"
    assert TESTNET.contracts.vault == "0x15905a2FbD3EF5d3532b931b5656BB9EB493Bb15"
    assert (MAINNET.symbol, TESTNET.symbol) == ("OGPU", "ToGPU")
    assert TESTNET.abi_network == "testnet"
    assert MAINNET.explorer_link("task", "0xabc") == "https://ogpuscan.io/task/0xabc"


def test_sandbox_network_is_built_from_the_node_description() -> None:
    info = {
        "rpc_url": "http://127.0.0.1:9999",
        "chain_id": 424242,
        "contracts": {
            "nexus": "0x" + "aa" * 20, "controller": "0x" + "bb" * 20,
            "vault": "0x" + "cc" * 20, "terminal": "0x" + "dd" * 20,
        },
        "pinning_url": "http://127.0.0.1:9998/file/create",
    }
    net = sandbox_network(info)
    assert net.kind is NetworkKind.SANDBOX
    assert net.chain_id == 424242
    assert net.contracts.nexus.lower() == "0x" + "aa" * 20
    assert net.pinning_url.endswith("/file/create")
    with pytest.raises(ValidationError):
        sandbox_network({"rpc_url": "http://x"})


def test_custom_network_rejects_bad_addresses_and_urls() -> None:
    good = {"nexus": "0x" + "11" * 20, "controller": "0x" + "22" * 20,
            "terminal": "0x" + "33" * 20, "vault": "0x" + "44" * 20}
    net = custom_network(name="Mine", rpc_url="http://127.0.0.1:1", chain_id=5, contracts=good)
    assert net.kind is NetworkKind.CUSTOM
    bad = {**good, "vault": "0x12"}
    with pytest.raises(ContractAddressError, match="Vault"):
        custom_network(name="x", rpc_url="http://a", chain_id=5, contracts=bad)
    with pytest.raises(ValidationError, match="http"):
        custom_network(name="x", rpc_url="ftp://a", chain_id=5, contracts=good)


@pytest.mark.asyncio
async def test_connect_checks_the_chain_id(anvil: AnvilNode) -> None:
    client = await RpcClient.connect(anvil_network(anvil))
    try:
        assert await client.w3.eth.chain_id == 200820172034
    finally:
        await client.close()
    wrong = replace(anvil_network(anvil), chain_id=1071)
    with pytest.raises(WrongNetworkError) as info:
        await RpcClient.connect(wrong)
    assert info.value.message.startswith(
        "Wrong network: expected chain ID 1071, the endpoint answered 200820172034"
    )


@pytest.mark.asyncio
async def test_unreachable_rpc_is_reported_in_plain_words(anvil: AnvilNode) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RpcUnreachableError) as info:
        await RpcClient.connect(replace(anvil_network(anvil), rpc_url=url), timeout=3)
    assert info.value.message == (
        f"Cannot reach {url}: the connection was refused or the host is unknown"
    )
    assert isinstance(info.value, UserFacingError)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("http://127.0.0.1:99999", "connect(): port must be 0-65535."),
        ("http://", "Request URL is missing an 'http://' or 'https://' protocol."),
    ],
)
async def test_a_malformed_rpc_address_is_reported_as_unreachable(
    anvil: AnvilNode, address: str, reason: str
) -> None:
    with pytest.raises(RpcUnreachableError) as info:
        await RpcClient.connect(replace(anvil_network(anvil), rpc_url=address), timeout=3)
    assert info.value.message == f"Cannot reach {address}: {reason}"
