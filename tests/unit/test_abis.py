"""The official ABIs are readable as data without importing the ogpu SDK."""

import sys

from ogpu_desktop.chain.abis import CONTRACT_NAMES, load_abi


def test_every_official_abi_loads_for_both_networks() -> None:
    for network in ("mainnet", "testnet"):
        for name in CONTRACT_NAMES:
            abi = load_abi(name, network)
            assert any(entry.get("type") == "function" for entry in abi), name


def test_loading_abis_does_not_import_the_sdk() -> None:
    load_abi("Nexus")
    assert "ogpu" not in sys.modules


def test_publish_task_signature_is_as_documented() -> None:
    controller = load_abi("Controller")
    publish = next(e for e in controller if e.get("name") == "publishTask")
    (param,) = publish["inputs"]
    assert param["type"] == "tuple"
    assert [c["type"] for c in param["components"]] == ["address", "string", "uint256", "uint256"]
    assert publish["stateMutability"] == "nonpayable"
