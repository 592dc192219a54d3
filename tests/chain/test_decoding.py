"""Local decoding: TaskPublished from the right emitter only, event topics, compose parsing."""

from __future__ import annotations

import copy

import pytest
from eth_abi.abi import encode
from eth_utils.abi import get_abi_input_types
from eth_utils.address import to_checksum_address
from web3 import AsyncHTTPProvider, AsyncWeb3

from ogpu_desktop.chain.abis import load_abi
from ogpu_desktop.chain.contracts import KEPT_CONTRACTS, Contracts
from ogpu_desktop.chain.ipfs import gateway_candidates
from ogpu_desktop.chain.metadata import parse_pipe_args
from ogpu_desktop.chain.networks import TESTNET
from ogpu_desktop.chain.nexus_events import (
    EVENT_BY_TOPIC,
    EVENT_TYPES,
    TOPICS,
    NexusEvent,
    nexus_event_abis,
    task_published_in,
)
from ogpu_desktop.errors import UserFacingError
from tests.helpers.protocol_notes import NOTED_TOPICS

NEXUS = "0x2b0cC6058313801D5feb184a539e3a0C5A87a6a1"
TASK = "0x" + "12" * 20
SOURCE = "0x" + "34" * 20


def _log(emitter: str, topic: str) -> dict[str, object]:
    return {"address": emitter, "topics": [topic],
            "data": "0x" + encode(["address", "address"], [TASK, SOURCE]).hex()}


def test_event_topics_derived_from_the_abi_match_the_protocol_notes() -> None:
    assert {event.value: topic for event, topic in TOPICS.items()} == {
        event.value: NOTED_TOPICS[event.value] for event in NexusEvent
    }
    assert {NOTED_TOPICS[event.value]: event for event in NexusEvent} == EVENT_BY_TOPIC


def test_event_types_are_the_same_in_the_mainnet_and_testnet_abis() -> None:
    assert EVENT_TYPES[NexusEvent.ATTEMPTED] == ("address", "address", "uint256")
    assert EVENT_TYPES[NexusEvent.TASK_STATUS_CHANGED] == ("address", "uint8")
    for network in ("mainnet", "testnet"):
        entries = nexus_event_abis(load_abi("Nexus", network))
        assert {e: tuple(get_abi_input_types(a)) for e, a in entries.items()} == EVENT_TYPES


def test_an_abi_without_an_event_or_with_an_indexed_one_is_refused() -> None:
    abi = load_abi("Nexus", "mainnet")
    missing = [e for e in abi if e.get("name") != "Attempted"]
    with pytest.raises(UserFacingError, match="Attempted event"):
        nexus_event_abis(missing)
    indexed = copy.deepcopy(abi)
    for entry in indexed:
        if entry.get("type") == "event" and entry["name"] == "ResponseSubmitted":
            entry["inputs"][1]["indexed"] = True
    with pytest.raises(UserFacingError, match="ResponseSubmitted event"):
        nexus_event_abis(indexed)


def test_task_published_is_taken_only_from_the_nexus() -> None:
    topic = TOPICS[NexusEvent.TASK_PUBLISHED]
    impostor = _log("0x" + "99" * 20, topic)
    wrong_topic = _log(NEXUS, TOPICS[NexusEvent.TASK_STATUS_CHANGED])
    genuine = _log(NEXUS.lower(), topic)
    found = task_published_in({"logs": [impostor, wrong_topic, genuine]}, NEXUS)
    assert [(t.lower(), s.lower()) for t, s in found] == [(TASK, SOURCE)]
    assert task_published_in({"logs": [impostor]}, NEXUS) == []


def test_pipe_args_are_read_from_both_compose_forms() -> None:
    listed = (
        "    environment:\n"
        "      - 'PIPE_ARGS_STR={\"task\": \"translation\", \"model\": \"m/x\"}'\n"
    )
    mapped = "    environment:\n      PIPE_ARGS_STR: '{\"task\":\"summarization\"}'\n"
    assert parse_pipe_args(listed) == ("translation", "m/x")
    assert parse_pipe_args(mapped) == ("summarization", None)
    assert parse_pipe_args("environment:\n  - OTHER=1\n") is None
    assert parse_pipe_args("PIPE_ARGS_STR={not json}") is None


def test_gateway_fallback_keeps_the_cid_path() -> None:
    url = "https://cipfs.ogpuscan.io/ipfs/QmAbc/result.json"
    assert gateway_candidates(url, ("https://ipfs.io/ipfs/", "https://dweb.link")) == [
        url, "https://ipfs.io/ipfs/QmAbc/result.json", "https://dweb.link/ipfs/QmAbc/result.json",
    ]
    assert gateway_candidates("https://example.org/r.json", ("https://ipfs.io/ipfs/",)) == [
        "https://example.org/r.json"
    ]


def test_contract_objects_are_made_once_per_address_and_only_the_last_ones_kept() -> None:
    w3 = AsyncWeb3(AsyncHTTPProvider("http://127.0.0.1:9"))  # never asked: nothing is sent
    contracts = Contracts(TESTNET, w3)
    assert contracts.nexus is contracts.nexus
    assert contracts.task(NEXUS) is contracts.task(NEXUS.lower())
    assert contracts.task(TASK) is not contracts.task(SOURCE)
    assert contracts.task(TASK).address == to_checksum_address(TASK)
    # Data made from a kept object is the same as from a fresh one.
    call = contracts.cancel_task(TASK)
    assert call.data == contracts.cancel_task(TASK).data
    first = contracts.task("0x" + "01" * 20)
    for index in range(KEPT_CONTRACTS):
        contracts.task("0x" + f"{index + 2:040x}")
    assert contracts.task("0x" + "01" * 20) is not first  # pushed out, made again
