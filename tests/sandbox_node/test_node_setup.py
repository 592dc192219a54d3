"""The Sandbox's set-up on its own node without web3: the same chain as through web3."""

from __future__ import annotations

import pytest
from eth_utils.address import to_checksum_address

from ogpu_desktop.sandbox.deploy import contract, deploy_protocol, publish_source
from ogpu_desktop.sandbox.in_process import in_process_web3
from ogpu_desktop.sandbox.node import SandboxNode
from ogpu_desktop.sandbox.node_setup import (
    NodeSetup,
    SandboxSetupError,
    abi_type,
    call_data,
    deploy_on_node,
    publish_source_on_node,
)

SOURCE = {
    "metadata_url": "http://127.0.0.1:1/ipfs/meta",
    "min_payment": 10**15,
    "max_expiry_duration": 86_400,
    "delivery_method": 1,
    "environments": 3,
}


def test_contracts_land_where_web3_puts_them_and_are_wired_together() -> None:
    direct_node, web3_node = SandboxNode(), SandboxNode()
    direct = deploy_on_node(direct_node, direct_node.accounts[0])
    through_web3 = deploy_protocol(in_process_web3(web3_node), web3_node.accounts[0])
    assert direct == through_web3
    w3 = in_process_web3(direct_node)
    nexus = contract(w3, "Nexus", direct.nexus)
    vault = contract(w3, "Vault", direct.vault)
    assert nexus.functions.controller().call() == direct.controller
    assert nexus.functions.owner().call() == direct_node.accounts[0]
    assert (vault.functions.nexus().call(), vault.functions.controller().call(),
            vault.functions.terminal().call()) == (direct.nexus, direct.controller, direct.terminal)


def test_a_source_published_directly_reads_back_as_published() -> None:
    node = SandboxNode()
    owner = node.accounts[0]
    deployment = deploy_on_node(node, owner)
    address = publish_source_on_node(node, deployment, owner, **SOURCE)  # type: ignore[arg-type]
    w3 = in_process_web3(node)
    params = contract(w3, "Source", address).functions.getSourceParams().call()
    assert params[0] == owner
    assert params[1] == SOURCE["metadata_url"]
    assert (params[2], params[3], params[5], params[8]) == (3, 10**15, 86_400, 1)
    assert contract(w3, "Nexus", deployment.nexus).functions.isSource(address).call()
    # The next source through web3 gets the next address, as on a chain set up through web3.
    second = publish_source(w3, deployment, owner, **SOURCE)  # type: ignore[arg-type]
    assert second != address
    assert contract(w3, "Nexus", deployment.nexus).functions.getSourceCount().call() == 2


def test_call_data_matches_web3_encoding() -> None:
    node = SandboxNode()
    deployment = deploy_on_node(node, node.accounts[0])
    nexus = contract(in_process_web3(node), "Nexus", deployment.nexus)
    abi = nexus.abi
    owner = node.accounts[0]
    params = (owner, "u", 1, 2, 0, 3, False, "", 1, 0)
    assert call_data(abi, "publishSource", params) == nexus.encode_abi(
        "publishSource", args=[params]
    )
    assert call_data(abi, "setController", owner) == nexus.encode_abi(
        "setController", args=[owner]
    )
    with pytest.raises(ValueError, match="No function"):
        call_data(abi, "noSuchFunction")


def test_abi_type_spells_tuples_and_arrays_canonically() -> None:
    inner = [{"name": "a", "type": "address"}, {"name": "b", "type": "uint256[]"}]
    assert abi_type({"type": "uint8"}) == "uint8"
    assert abi_type({"type": "tuple", "components": inner}) == "(address,uint256[])"
    assert abi_type({"type": "tuple[2]", "components": inner}) == "(address,uint256[])[2]"


def test_a_reverted_set_up_transaction_is_an_error() -> None:
    node = SandboxNode()
    deployment = deploy_on_node(node, node.accounts[0])
    stranger = NodeSetup(node, node.accounts[5])
    data = call_data(
        contract(in_process_web3(node), "Nexus", deployment.nexus).abi,
        "setController", to_checksum_address(node.accounts[5]),
    )
    with pytest.raises(SandboxSetupError, match="setController failed"):
        stranger.transact(deployment.nexus, data, "setController")
