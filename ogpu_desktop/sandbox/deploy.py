"""Deploy the Sandbox's OGPU-compatible contracts and publish sources on them.

Calls a client makes (official OGPU signatures; ``Vault``, ``Controller``):

- ``Vault.deposit(account)`` payable, then ``Vault.withdraw(amount)``;
- ``Controller.publishTask((source, config, expiryTime, payment))``: the payment moves from
  ``Vault.balanceOf(client)`` into ``Vault.frozenPayment(client)``; the new task's address is
  in the ``TaskPublished(task, source)`` event emitted by the Nexus;
- ``Controller.cancelTask(task)`` (only while NEW), ``Controller.confirmResponse(response)``
  (MANUAL_CONFIRMATION tasks, once RESPONDED);
- ``Vault.forceReleasePayment(client, task)``: settles a task whose expiry time has passed
  (anyone may call it; the escrow returns to the client and the task becomes EXPIRED).

Calls a provider makes, in this order (all on the **Nexus**, ``msg.sender`` must be the
provider or an agent it set with ``Terminal.setAgent``):

1. optional: ``Nexus.register(source, provider, preferredEnvironment)`` with
   ``preferredEnvironment`` one of 1 (CPU), 2 (NVIDIA), 4 (AMD) that the source supports;
   emits ``Registered(provider, registrantId, source, preferredEnvironment)``.
2. ``Nexus.attempt(task, provider, suggestedPayment)``: emits ``Attempted(task, provider,
   suggestedPayment)``. Past the task's expiry time the call does *not* revert: it marks the
   task EXPIRED (``TaskStatusChanged``) and emits no ``Attempted``, so check for that event.
3. ``Nexus.submitResponse((task, provider, data, payment))`` with ``data`` the result URL (or
   text) and ``payment`` the provider's claimed amount in wei (recorded, not paid: the
   provider is paid the task's payment). Emits ``ResponseSubmitted(response, task)``; under
   FIRST_RESPONSE the task is finalized in the same transaction.

Watch the Nexus for ``TaskPublished(task, source)`` to find new tasks; read the task with
``Task.taskParams()`` -> ``(source, config, expiryTime, payment)``.
"""

from __future__ import annotations

from typing import Any

from eth_typing import ChecksumAddress, HexStr
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxParams, TxReceipt

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.sandbox.compile import SandboxContract, compile_contract
from ogpu_desktop.sandbox.deployment import Deployment, source_params


class SandboxDeployError(UserFacingError):
    """A Sandbox deployment transaction failed."""


def contract(w3: Web3, name: str, address: str) -> Contract:
    """Return contract ``name`` at ``address``, bound with the Sandbox-compiled ABI."""
    compiled = compile_contract(_contract_name(name))
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=compiled.abi)


def deploy_protocol(w3: Web3, deployer: str) -> Deployment:
    """Deploy and connect every Sandbox contract, sending from ``deployer``.

    Args:
        w3: A synchronous Web3 connected to the node.
        deployer: An unlocked, funded account of the node (it becomes the contracts' owner).

    Returns:
        The addresses of the Nexus, Controller, Vault and Terminal.
    """
    sender = Web3.to_checksum_address(deployer)
    task_bp = _deploy_blueprint(w3, sender, "Task")
    source_bp = _deploy_blueprint(w3, sender, "Source")
    response_bp = _deploy_blueprint(w3, sender, "Response")
    vault = _deploy(w3, sender, "Vault")
    terminal = _deploy(w3, sender, "Terminal", vault)
    nexus = _deploy(w3, sender, "Nexus", terminal, vault, source_bp, response_bp)
    controller = _deploy(w3, sender, "Controller", nexus, terminal, vault, task_bp)
    _transact(w3, contract(w3, "Nexus", nexus).functions.setController(controller), sender)
    _transact(
        w3,
        contract(w3, "Vault", vault).functions.setProtocol(nexus, controller, terminal),
        sender,
    )
    return Deployment(nexus=nexus, controller=controller, vault=vault, terminal=terminal)


def publish_source(
    w3: Web3,
    deployment: Deployment,
    owner: str,
    *,
    metadata_url: str,
    min_payment: int,
    max_expiry_duration: int,
    delivery_method: int,
    environments: int = 1,
) -> str:
    """Publish a source through ``Nexus.publishSource``, sending from ``owner``.

    Args:
        w3: A synchronous Web3 connected to the node.
        deployment: Where the protocol contracts are.
        owner: An unlocked account of the node; it becomes the source's client.
        metadata_url: URL of the source's metadata JSON.
        min_payment: Minimum task payment in wei.
        max_expiry_duration: Longest allowed task lifetime in seconds.
        delivery_method: 0 = MANUAL_CONFIRMATION, 1 = FIRST_RESPONSE.
        environments: ``imageEnvironments`` bitmask (CPU=1, NVIDIA=2, AMD=4).

    Returns:
        The new source's checksum address (from the Nexus's ``SourcePublished`` event).
    """
    nexus = contract(w3, "Nexus", deployment.nexus)
    params = source_params(
        owner,
        metadata_url=metadata_url,
        min_payment=min_payment,
        max_expiry_duration=max_expiry_duration,
        delivery_method=delivery_method,
        environments=environments,
    )
    receipt = _transact(
        w3, nexus.functions.publishSource(params), Web3.to_checksum_address(owner)
    )
    for event in nexus.events.SourcePublished().process_receipt(receipt):
        if event["address"] == nexus.address:
            return str(Web3.to_checksum_address(event["args"]["source"]))
    raise SandboxDeployError("The source was published but its address could not be found.")


def _contract_name(name: str) -> SandboxContract:
    for known in ("Nexus", "Controller", "Vault", "Terminal", "Source", "Task", "Response"):
        if name == known:
            return known
    raise ValueError(f"Unknown Sandbox contract: {name!r}")


def _sending(w3: Web3, sender: ChecksumAddress) -> TxParams:
    """Transaction fields for a set-up transaction from ``sender``.

    The gas limit is the block's: the set-up runs on a fresh chain with funded node accounts,
    and a limit given skips estimating every transaction first (an extra run of the EVM each,
    a fifth of the Sandbox's start-up). A failing transaction still fails (its receipt says so).
    """
    return {"from": sender, "gas": w3.eth.get_block("latest")["gasLimit"]}


def _deploy(w3: Web3, sender: ChecksumAddress, name: SandboxContract, *args: Any) -> str:
    compiled = compile_contract(name)
    factory = w3.eth.contract(abi=compiled.abi, bytecode=HexStr(compiled.bytecode))
    tx_hash = factory.constructor(*args).transact(_sending(w3, sender))
    return _created_address(w3, tx_hash, name)


def _deploy_blueprint(w3: Web3, sender: ChecksumAddress, name: SandboxContract) -> str:
    compiled = compile_contract(name)
    tx: TxParams = {**_sending(w3, sender), "data": HexStr(compiled.blueprint_bytecode)}
    return _created_address(w3, w3.eth.send_transaction(tx), f"{name} blueprint")


def _created_address(w3: Web3, tx_hash: HexBytes, what: str) -> str:
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    address = receipt.get("contractAddress")
    if receipt["status"] != 1 or not address:
        raise SandboxDeployError(f"The Sandbox could not deploy its {what} contract.")
    return str(Web3.to_checksum_address(address))


def _transact(w3: Web3, call: ContractFunction, sender: ChecksumAddress) -> TxReceipt:
    receipt = w3.eth.wait_for_transaction_receipt(call.transact(_sending(w3, sender)))
    if receipt["status"] != 1:
        raise SandboxDeployError(f"The Sandbox transaction {call.fn_name} failed.")
    return receipt
