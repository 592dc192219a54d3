"""The Sandbox contracts expose exactly the official OGPU signatures the app and provider use."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import function_signature_to_4byte_selector, keccak

from ogpu_desktop.chain.abis import load_abi
from ogpu_desktop.sandbox.compile import CONTRACT_NAMES, compile_contract
from tests.helpers.protocol_notes import NOTED_TOPICS
from tests.sandbox.chain import canonical_type, event_signature

Entry = dict[str, Any]

# What the app (client side) and the provider call; every name must exist in the official ABI.
USED_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "Vault": (
        "deposit", "withdraw", "balanceOf", "frozenPayment", "getBalanceOf", "totalEarningsOf",
        "forceReleasePayment",
    ),
    "Controller": ("publishTask", "cancelTask", "confirmResponse"),
    "Nexus": (
        "getSourceCount", "getSources", "sources", "manager", "getSourceId", "sourceId",
        "sourcesOf", "getActiveSourceCount", "activeSourceCountOf", "publishSource",
        "updateSource", "inactivateSource", "register", "attempt", "submitResponse",
    ),
    "Task": (
        "getStatus", "status", "taskParams", "getSource", "getPayment", "getExpiryTime",
        "getDeliveryMethod", "deliveryMethod", "getAttemptCount", "getAttempters", "attempters",
        "getAttemptTimestamps", "attemptTimestamps", "attempterId", "getAttempterId",
        "getResponsesOf", "responseOf", "winningProvider",
    ),
    "Response": (
        "getResponseParams", "responseParams", "getStatus", "status", "confirmedFinal",
        "responseTimestamp",
    ),
    "Source": (
        "getClient", "getStatus", "status", "getSourceParams", "sourceParams", "getTaskCount",
        "getTasks", "tasks", "getRegistrantCount", "getRegistrants", "registrants",
        "getRegistrantId", "registrantId", "preferredEnvironmentOf",
    ),
    "Terminal": ("setAgent", "isAgentOf", "getIsAgentOf"),
}

# Functions the official ABIs do not have; each is documented in contracts/README.md.
SANDBOX_ONLY: dict[str, frozenset[str]] = {
    "Vault": frozenset({"owner", "setProtocol", "controller", "escrowOf", "escrowClientOf"}),
    "Controller": frozenset({"clientOf"}),
    "Nexus": frozenset({"setController", "controller", "isSource", "isTask", "isResponse"}),
    "Task": frozenset({"hasAttempted", "setWinningProvider"}),
    "Response": frozenset(),
    "Source": frozenset({"isRegistered"}),
    "Terminal": frozenset(),
}

# The events the app or the provider watches, with the contract that emits them.
WATCHED_EVENTS: dict[str, tuple[str, ...]] = {
    "Nexus": (
        "TaskPublished", "TaskStatusChanged", "Attempted", "ResponseSubmitted",
        "ResponseStatusChanged", "SourcePublished", "SourceUpdated", "SourceStatusChanged",
        "Registered",
    ),
    "Vault": ("Deposited", "Withdrawn"),
    "Terminal": ("AgentSet",),
}

# Selectors the protocol notes give for the client's writes.
NOTED_SELECTORS = {
    ("Controller", "publishTask"): "0x90d93b1d",
    ("Controller", "cancelTask"): "0x76aafbdb",
    ("Controller", "confirmResponse"): "0x45fac6ec",
    ("Vault", "deposit"): "0xf340fa01",
}


def entries(abi: list[Entry], kind: str) -> dict[str, Entry]:
    """Return the ``kind`` entries of ``abi`` by name; fail on overloads (none are expected)."""
    found: dict[str, Entry] = {}
    for entry in abi:
        if entry["type"] == kind:
            assert entry["name"] not in found, f"overloaded {kind} {entry['name']}"
            found[entry["name"]] = entry
    return found


def official(name: str, kind: str) -> dict[str, Entry]:
    return entries(load_abi(name, "mainnet"), kind)  # type: ignore[arg-type]


def sandbox(name: str, kind: str) -> dict[str, Entry]:
    return entries(compile_contract(name).abi, kind)  # type: ignore[arg-type]


def function_shape(entry: Entry) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    return (
        entry["name"],
        tuple(canonical_type(p) for p in entry["inputs"]),
        tuple(canonical_type(p) for p in entry["outputs"]),
        entry["stateMutability"],
    )


def event_shape(entry: Entry) -> tuple[str, tuple[tuple[str, bool], ...], bool]:
    params = tuple((canonical_type(p), bool(p.get("indexed"))) for p in entry["inputs"])
    return entry["name"], params, bool(entry.get("anonymous"))


@pytest.mark.parametrize(
    ("contract", "function"),
    [(c, f) for c, names in USED_FUNCTIONS.items() for f in names],
)
def test_used_function_matches_the_official_abi(contract: str, function: str) -> None:
    theirs = official(contract, "function")
    ours = sandbox(contract, "function")

    assert function in theirs, f"{contract}.{function} is not in the official ABI"
    assert function in ours, f"{contract}.{function} is missing from the Sandbox"
    assert function_shape(ours[function]) == function_shape(theirs[function])


@pytest.mark.parametrize("contract", CONTRACT_NAMES)
def test_every_sandbox_function_is_official_or_declared_sandbox_only(contract: str) -> None:
    theirs = official(contract, "function")
    ours = sandbox(contract, "function")

    extra = {name for name in ours if name not in theirs}
    assert extra == SANDBOX_ONLY[contract]
    for name in ours.keys() & theirs.keys():
        assert function_shape(ours[name]) == function_shape(theirs[name]), name


@pytest.mark.parametrize(
    ("contract", "event"),
    [(c, e) for c, names in WATCHED_EVENTS.items() for e in names],
)
def test_watched_event_matches_the_official_abi_and_emitter(contract: str, event: str) -> None:
    theirs = official(contract, "event")
    ours = sandbox(contract, "event")

    assert event in theirs, f"{event} is not an event of the official {contract}"
    assert event_shape(ours[event]) == event_shape(theirs[event])
    assert not any(indexed for _, indexed in event_shape(ours[event])[1])
    others = [c for c in CONTRACT_NAMES if c != contract and event in sandbox(c, "event")]
    assert others == [], f"{event} must be emitted by the {contract} only"


@pytest.mark.parametrize("contract", CONTRACT_NAMES)
def test_sandbox_declares_only_watched_events(contract: str) -> None:
    assert set(sandbox(contract, "event")) == set(WATCHED_EVENTS.get(contract, ()))


@pytest.mark.parametrize(("event", "topic"), NOTED_TOPICS.items())
def test_official_topic0_matches_the_protocol_notes(event: str, topic: str) -> None:
    emitter = "Vault" if event in WATCHED_EVENTS["Vault"] else "Nexus"
    theirs = official(emitter, "event")[event]
    ours = sandbox(emitter, "event")[event]

    assert "0x" + keccak(text=event_signature(theirs)).hex() == topic
    assert event_signature(ours) == event_signature(theirs)


@pytest.mark.parametrize(("key", "selector"), NOTED_SELECTORS.items())
def test_client_write_selectors_match_the_protocol_notes(
    key: tuple[str, str], selector: str
) -> None:
    contract, function = key
    entry = sandbox(contract, "function")[function]
    signature = f"{function}({','.join(canonical_type(p) for p in entry['inputs'])})"

    assert "0x" + function_signature_to_4byte_selector(signature).hex() == selector


def test_source_updated_carries_the_full_source_params_tuple() -> None:
    entry = sandbox("Nexus", "event")["SourceUpdated"]

    assert event_signature(entry) == (
        "SourceUpdated(address,(address,string,uint8,uint256,uint256,uint256,bool,string,"
        "uint8,uint256))"
    )
