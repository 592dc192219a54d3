"""Local decoding: TaskPublished from the right emitter only, event topics, compose parsing."""

from __future__ import annotations

from eth_abi.abi import encode

from ogpu_desktop.chain.contracts import TOPICS, NexusEvent, task_published_in
from ogpu_desktop.chain.ipfs import gateway_candidates
from ogpu_desktop.chain.metadata import parse_pipe_args

NEXUS = "0x2b0cC6058313801D5feb184a539e3a0C5A87a6a1"
TASK = "0x" + "12" * 20
SOURCE = "0x" + "34" * 20


def _log(emitter: str, topic: str) -> dict[str, object]:
    return {"address": emitter, "topics": [topic],
            "data": "0x" + encode(["address", "address"], [TASK, SOURCE]).hex()}


def test_topics_match_the_documented_hashes() -> None:
    assert TOPICS[NexusEvent.TASK_PUBLISHED] == (
        "0x3bf5b04cf8ed447db6fda0a63a96369fd5dde6b366b6b480e784be44b26a6c22"
    )
    assert TOPICS[NexusEvent.RESPONSE_SUBMITTED] == (
        "0xf6a0b941311aeaa4102f64c379955a62cca24a7cb0cf54e6203ca75075588554"
    )


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
