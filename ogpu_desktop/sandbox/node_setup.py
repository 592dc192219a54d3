"""Deploy the Sandbox's contracts and publish its sources on its own node, without web3.

The same transactions as ``deploy.py`` sends through web3 (same contracts, same order, same
sender, so the same addresses), handed to the node in this process directly: ABI-encoded with
eth-abi, sent with ``eth_sendTransaction`` from an unlocked node account. web3 is a large
import (a few tenths of a second); the Sandbox announces itself ready without waiting for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.sandbox.compile import SandboxContract, compile_contract
from ogpu_desktop.sandbox.deployment import Deployment, source_params
from ogpu_desktop.sandbox.node import SandboxNode

AbiEntry = Mapping[str, Any]


class SandboxSetupError(UserFacingError):
    """A Sandbox set-up transaction failed."""


def abi_type(param: AbiEntry) -> str:
    """The canonical type of one ABI input: ``(address,string)`` for a tuple, arrays kept."""
    kind = str(param["type"])
    if not kind.startswith("tuple"):
        return kind
    inner = ",".join(abi_type(component) for component in param["components"])
    return f"({inner}){kind[len('tuple'):]}"


def _entry(abi: Sequence[AbiEntry], kind: str, name: str | None = None) -> AbiEntry | None:
    for entry in abi:
        if entry.get("type") == kind and (name is None or entry.get("name") == name):
            return entry
    return None


def _input_types(entry: AbiEntry | None) -> list[str]:
    return [] if entry is None else [abi_type(p) for p in entry.get("inputs", [])]


def call_data(abi: Sequence[AbiEntry], function: str, *args: Any) -> str:
    """The ``data`` of a call to ``function`` (its 4-byte selector, then its arguments)."""
    entry = _entry(abi, "function", function)
    if entry is None:
        raise ValueError(f"No function {function!r} in this ABI")
    types = _input_types(entry)
    selector = keccak(text=f"{function}({','.join(types)})")[:4]
    return "0x" + (selector + encode(types, list(args))).hex()


def event_topic(abi: Sequence[AbiEntry], event: str) -> str:
    """The first topic of ``event``'s logs: the hash of its signature."""
    entry = _entry(abi, "event", event)
    if entry is None:
        raise ValueError(f"No event {event!r} in this ABI")
    return "0x" + keccak(text=f"{event}({','.join(_input_types(entry))})").hex()


class NodeSetup:
    """Sends set-up transactions from one unlocked account of ``node`` and checks each receipt.

    Args:
        node: The Sandbox's node, in this process.
        sender: An unlocked, funded account of the node.
    """

    def __init__(self, node: SandboxNode, sender: str) -> None:
        self._node = node
        self._sender = to_checksum_address(sender)

    def deploy(self, name: SandboxContract, *args: Any) -> str:
        """Deploy contract ``name`` with constructor ``args``; return its checksum address."""
        compiled = compile_contract(name)
        arguments = encode(_input_types(_entry(compiled.abi, "constructor")), list(args))
        return self._created(compiled.bytecode + arguments.hex(), name)

    def deploy_blueprint(self, name: SandboxContract) -> str:
        """Deploy an ERC-5202 blueprint of ``name``; return its checksum address."""
        return self._created(compile_contract(name).blueprint_bytecode, f"{name} blueprint")

    def transact(self, to: str, data: str, what: str) -> dict[str, Any]:
        """Send ``data`` to ``to``; return the receipt (JSON form) once it succeeded."""
        receipt = self._send({"to": to, "data": data})
        if receipt.get("status") != "0x1":
            raise SandboxSetupError(f"The Sandbox transaction {what} failed.")
        return receipt

    def _created(self, data: str, what: str) -> str:
        receipt = self._send({"data": data})
        address = receipt.get("contractAddress")
        if receipt.get("status") != "0x1" or not address:
            raise SandboxSetupError(f"The Sandbox could not deploy its {what} contract.")
        return to_checksum_address(str(address))

    def _send(self, fields: dict[str, str]) -> dict[str, Any]:
        # The gas limit is the block's: set-up runs on a fresh chain with funded node accounts,
        # and a limit given skips estimating each transaction first (an extra run of the EVM).
        latest = self._node.request("eth_getBlockByNumber", "latest", False)
        assert isinstance(latest, dict)
        tx_hash = self._node.request(
            "eth_sendTransaction", {"from": self._sender, "gas": latest["gasLimit"], **fields}
        )
        receipt = self._node.request("eth_getTransactionReceipt", tx_hash)
        if not isinstance(receipt, dict):
            raise SandboxSetupError("A Sandbox set-up transaction was not mined.")
        return receipt


def deploy_on_node(node: SandboxNode, deployer: str) -> Deployment:
    """Deploy and connect every Sandbox contract on ``node``, sending from ``deployer``.

    Returns:
        The addresses of the Nexus, Controller, Vault and Terminal (``deployer`` owns them).
    """
    setup = NodeSetup(node, deployer)
    task_bp = setup.deploy_blueprint("Task")
    source_bp = setup.deploy_blueprint("Source")
    response_bp = setup.deploy_blueprint("Response")
    vault = setup.deploy("Vault")
    terminal = setup.deploy("Terminal", vault)
    nexus = setup.deploy("Nexus", terminal, vault, source_bp, response_bp)
    controller = setup.deploy("Controller", nexus, terminal, vault, task_bp)
    setup.transact(
        nexus, call_data(compile_contract("Nexus").abi, "setController", controller),
        "setController",
    )
    setup.transact(
        vault,
        call_data(compile_contract("Vault").abi, "setProtocol", nexus, controller, terminal),
        "setProtocol",
    )
    return Deployment(nexus=nexus, controller=controller, vault=vault, terminal=terminal)


def publish_source_on_node(
    node: SandboxNode,
    deployment: Deployment,
    owner: str,
    *,
    metadata_url: str,
    min_payment: int,
    max_expiry_duration: int,
    delivery_method: int,
    environments: int = 1,
) -> str:
    """Publish a source through ``Nexus.publishSource`` on ``node``, sending from ``owner``.

    The arguments are those of ``deploy.publish_source``.

    Returns:
        The new source's checksum address (from the Nexus's ``SourcePublished`` event).
    """
    abi = compile_contract("Nexus").abi
    params = source_params(
        owner,
        metadata_url=metadata_url,
        min_payment=min_payment,
        max_expiry_duration=max_expiry_duration,
        delivery_method=delivery_method,
        environments=environments,
    )
    receipt = NodeSetup(node, owner).transact(
        deployment.nexus, call_data(abi, "publishSource", params), "publishSource"
    )
    topic = event_topic(abi, "SourcePublished")
    for log in receipt.get("logs", []):
        if (
            log["topics"] and log["topics"][0] == topic
            and to_checksum_address(log["address"]) == deployment.nexus
        ):
            # SourcePublished(source): the one argument is not indexed, so it is the data.
            (source,) = decode(["address"], bytes.fromhex(str(log["data"])[2:]))
            return to_checksum_address(source)
    raise SandboxSetupError("The source was published but its address could not be found.")
