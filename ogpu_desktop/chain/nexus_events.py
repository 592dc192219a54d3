"""The Nexus events the app reads: types and topic0s taken from the official ABI, and decoding."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, cast

from eth_abi.abi import decode
from eth_typing import ABIEvent
from eth_utils.abi import event_abi_to_log_topic, get_abi_input_types
from eth_utils.address import to_checksum_address

from ogpu_desktop.chain.abis import Abi, load_abi
from ogpu_desktop.errors import UserFacingError


class NexusEvent(StrEnum):
    """The Nexus events the app reads. None has an indexed parameter: all live in ``data``."""

    TASK_PUBLISHED = "TaskPublished"
    TASK_STATUS_CHANGED = "TaskStatusChanged"
    ATTEMPTED = "Attempted"
    RESPONSE_SUBMITTED = "ResponseSubmitted"
    RESPONSE_STATUS_CHANGED = "ResponseStatusChanged"


def nexus_event_abis(nexus_abi: Abi) -> dict[NexusEvent, ABIEvent]:
    """Return the entry of each :class:`NexusEvent` in ``nexus_abi``.

    Raises:
        UserFacingError: When the installed ABI lacks one of them, or indexes a parameter (the
            decoding here reads every parameter from ``data``).
    """
    events = {
        entry.get("name"): cast(ABIEvent, entry)
        for entry in nexus_abi
        if entry.get("type") == "event"
    }
    found: dict[NexusEvent, ABIEvent] = {}
    for event in NexusEvent:
        entry = events.get(event.value)
        if entry is None or any(p.get("indexed") for p in entry.get("inputs", [])):
            raise UserFacingError(
                f"The OGPU contract definition of the Nexus does not describe the {event.value} "
                "event the way this app reads it. Reinstall OGPU Desktop."
            )
        found[event] = entry
    return found


# The same on every network (the tests compare the mainnet and testnet ABIs).
_ABIS = nexus_event_abis(load_abi("Nexus", "mainnet"))

#: Parameter types of each event, in ``data`` order.
EVENT_TYPES: dict[NexusEvent, tuple[str, ...]] = {
    event: tuple(get_abi_input_types(entry)) for event, entry in _ABIS.items()
}
#: topic0 of each event (the keccak hash of its canonical signature), as 0x-hex.
TOPICS: dict[NexusEvent, str] = {
    event: "0x" + event_abi_to_log_topic(entry).hex() for event, entry in _ABIS.items()
}
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
