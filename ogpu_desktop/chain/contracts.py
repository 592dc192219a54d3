"""Contract access from the official ABIs: call encoding, Nexus event topics and local decoding."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import AsyncWeb3
from web3.contract import AsyncContract

from ogpu_desktop.chain.abis import Abi, AbiNetwork, ContractName, load_abi
from ogpu_desktop.chain.http_provider import HttpxProvider
from ogpu_desktop.chain.networks import Network
from ogpu_desktop.chain.transactions import ContractCall


class NexusEvent(StrEnum):
    """The Nexus events the app reads. None has an indexed parameter: all live in ``data``."""

    TASK_PUBLISHED = "TaskPublished"
    TASK_STATUS_CHANGED = "TaskStatusChanged"
    ATTEMPTED = "Attempted"
    RESPONSE_SUBMITTED = "ResponseSubmitted"
    RESPONSE_STATUS_CHANGED = "ResponseStatusChanged"


#: Parameter types of each event, in ``data`` order.
EVENT_TYPES: dict[NexusEvent, tuple[str, ...]] = {
    NexusEvent.TASK_PUBLISHED: ("address", "address"),
    NexusEvent.TASK_STATUS_CHANGED: ("address", "uint8"),
    NexusEvent.ATTEMPTED: ("address", "address", "uint256"),
    NexusEvent.RESPONSE_SUBMITTED: ("address", "address"),
    NexusEvent.RESPONSE_STATUS_CHANGED: ("address", "uint8"),
}


def event_topic(event: NexusEvent) -> str:
    """topic0 of a Nexus event, from its canonical signature."""
    return "0x" + keccak(text=f"{event.value}({','.join(EVENT_TYPES[event])})").hex()


TOPICS: dict[NexusEvent, str] = {event: event_topic(event) for event in NexusEvent}
EVENT_BY_TOPIC: dict[str, NexusEvent] = {topic: event for event, topic in TOPICS.items()}
#: What the tracker asks for in one eth_getLogs (an OR in topic position 0).
TRACKED_EVENTS = (
    NexusEvent.TASK_STATUS_CHANGED,
    NexusEvent.ATTEMPTED,
    NexusEvent.RESPONSE_SUBMITTED,
    NexusEvent.RESPONSE_STATUS_CHANGED,
)


def decode_event(event: NexusEvent, data: bytes) -> tuple[Any, ...]:
    """Decode the data words of a Nexus event; addresses come back checksummed."""
    values = decode(list(EVENT_TYPES[event]), data)
    return tuple(to_checksum_address(v) if isinstance(v, str) else v for v in values)


def log_data(log: Mapping[str, Any]) -> bytes:
    """The ``data`` of a log entry as bytes (web3 gives HexBytes; raw JSON gives hex)."""
    data = log["data"]
    if isinstance(data, str):
        return bytes.fromhex(data.removeprefix("0x"))
    return bytes(data)


def log_topic0(log: Mapping[str, Any]) -> str | None:
    """The first topic of a log entry as 0x-hex, or ``None``."""
    topics = log.get("topics") or []
    if not topics:
        return None
    first = topics[0]
    return first.lower() if isinstance(first, str) else "0x" + bytes(first).hex()


def task_published_in(receipt: Mapping[str, Any], nexus: str) -> list[tuple[str, str]]:
    """(task, source) pairs from ``TaskPublished`` logs emitted by ``nexus`` in a receipt.

    The emitter is checked: a look-alike event from another contract is ignored.
    """
    found: list[tuple[str, str]] = []
    for log in receipt.get("logs", []):
        if str(log.get("address", "")).lower() != nexus.lower():
            continue
        if log_topic0(log) != TOPICS[NexusEvent.TASK_PUBLISHED]:
            continue
        task, source = decode_event(NexusEvent.TASK_PUBLISHED, log_data(log))
        found.append((task, source))
    return found


@cache
def _abi(name: ContractName, network: AbiNetwork) -> Abi:
    return load_abi(name, network)


@dataclass(frozen=True)
class Contracts:
    """Contract objects of one network, bound to one AsyncWeb3."""

    network: Network
    w3: AsyncWeb3[HttpxProvider]

    def _at(self, name: ContractName, address: str) -> AsyncContract:
        return self.w3.eth.contract(
            address=to_checksum_address(address), abi=_abi(name, self.network.abi_network)
        )

    @property
    def nexus(self) -> AsyncContract:
        """The Nexus (task, response and source registry; emits every event)."""
        return self._at("Nexus", self.network.contracts.nexus)

    @property
    def controller(self) -> AsyncContract:
        """The Controller (publish, cancel, confirm)."""
        return self._at("Controller", self.network.contracts.controller)

    @property
    def vault(self) -> AsyncContract:
        """The Vault (deposits, balances, escrow)."""
        return self._at("Vault", self.network.contracts.vault)

    def task(self, address: str) -> AsyncContract:
        """A Task contract."""
        return self._at("Task", address)

    def response(self, address: str) -> AsyncContract:
        """A Response contract."""
        return self._at("Response", address)

    def source(self, address: str) -> AsyncContract:
        """A Source contract."""
        return self._at("Source", address)

    def publish_task(
        self, *, source: str, config_url: str, expiry_time: int, payment: int
    ) -> ContractCall:
        """``Controller.publishTask((source, config, expiryTime, payment))``; nonpayable."""
        data = self.controller.encode_abi(
            "publishTask", args=[(to_checksum_address(source), config_url, expiry_time, payment)]
        )
        return ContractCall("Publishing the task", self.network.contracts.controller, data)

    def cancel_task(self, task: str) -> ContractCall:
        """``Controller.cancelTask(task)``."""
        data = self.controller.encode_abi("cancelTask", args=[to_checksum_address(task)])
        return ContractCall("Cancelling the task", self.network.contracts.controller, data)

    def confirm_response(self, response: str) -> ContractCall:
        """``Controller.confirmResponse(response)``."""
        data = self.controller.encode_abi("confirmResponse", args=[to_checksum_address(response)])
        return ContractCall("Confirming the response", self.network.contracts.controller, data)

    def vault_deposit(self, account: str, amount: int) -> ContractCall:
        """``Vault.deposit(account)`` with ``amount`` wei attached."""
        data = self.vault.encode_abi("deposit", args=[to_checksum_address(account)])
        return ContractCall("Depositing into the vault", self.network.contracts.vault, data, amount)

    def vault_withdraw(self, amount: int) -> ContractCall:
        """``Vault.withdraw(amount)`` from the caller's available balance."""
        data = self.vault.encode_abi("withdraw", args=[amount])
        return ContractCall("Withdrawing from the vault", self.network.contracts.vault, data)
