"""Provider knobs on in-process Sandboxes: never answer, and an answer delay."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from ogpu_desktop.sandbox.demo_sources import DEMO_SOURCES
from ogpu_desktop.sandbox.engines import select_engine
from ogpu_desktop.sandbox.in_process import in_process_web3
from ogpu_desktop.sandbox.provider import SandboxProvider
from ogpu_desktop.sandbox.runtime import Sandbox
from tests.sandbox_node.client import STATUS, SandboxClient, wait_until
from tests.sandbox_node.conftest import in_process_sandbox


@pytest.fixture(scope="module")
def silent() -> Iterator[Sandbox]:
    with in_process_sandbox(never_answer=True) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def slow() -> Iterator[Sandbox]:
    with in_process_sandbox(answer_delay=3600.0) as sandbox:
        yield sandbox


def _seen(sandbox: Sandbox, task: str) -> bool:
    assert sandbox.provider is not None
    return task in sandbox.provider.seen_tasks


def test_never_answer_leaves_tasks_new(silent: Sandbox) -> None:
    with SandboxClient(silent.info) as client:
        _never_answered(silent, client)


def _never_answered(silent: Sandbox, client: SandboxClient) -> None:
    task = client.publish(client.source("text-classification"), {"input": "hello"})
    wait_until(lambda: _seen(silent, task), "the provider to see the task")
    assert client.status(task) == STATUS["NEW"]
    assert client.responses(task) == []
    # Still NEW, so the client can cancel it and get the escrow back.
    client.send(client.controller.functions.cancelTask(task))
    assert client.status(task) == STATUS["CANCELED"]


def test_answer_delay_attempts_at_once_but_answers_later(slow: Sandbox) -> None:
    with SandboxClient(slow.info) as client:
        _answered_later(slow, client)


def _answered_later(slow: Sandbox, client: SandboxClient) -> None:
    task = client.publish(client.source("translation"), {"input": "good morning"})
    wait_until(lambda: _seen(slow, task), "the provider to see the task")
    assert client.status(task) == STATUS["ATTEMPTED"]
    assert slow.provider is not None
    assert slow.provider.pending_replies == 1
    assert client.responses(task) == []


def test_demo_source_metadata_and_compose_files(silent: Sandbox) -> None:
    with SandboxClient(silent.info) as client:
        _check_metadata(silent, client)


def _check_metadata(silent: Sandbox, client: SandboxClient) -> None:
    for listed in silent.info["sources"]:
        source = client.official("Source", listed["address"])
        params = source.functions.getSourceParams().call()
        assert params[8] == {"MANUAL_CONFIRMATION": 0, "FIRST_RESPONSE": 1}[listed["delivery"]]
        assert params[3] == 10**15
        assert params[5] == 86_400
        metadata = client.http.get(params[1]).json()
        assert set(metadata) == {"cpu", "nvidia", "amd", "name", "description", "logoUrl"}
        assert all(isinstance(value, str) for value in metadata.values())
        assert "Sandbox source: answers come from a built-in engine" in metadata["description"]
        assert metadata["amd"] == ""
        assert client.http.get(metadata["logoUrl"]).status_code == 200
        for key in ("cpu", "nvidia"):
            compose = client.http.get(metadata[key]).text
            assert compose.startswith("services:")
            line = next(x for x in compose.splitlines() if "PIPE_ARGS_STR=" in x)
            value = line.split("PIPE_ARGS_STR=", 1)[1].rstrip("'")
            assert json.loads(value) == {"task": listed["pipeline"], "model": listed["model"]}


def test_a_provider_started_late_reads_tasks_from_its_first_block(silent: Sandbox) -> None:
    # The Sandbox announces itself before its provider runs: a task published meanwhile is
    # still the provider's, because it reads from the block it is told and not from the head.
    assert silent.deployment is not None
    w3 = in_process_web3(silent.node)
    sources = {
        listed["address"]: next(
            s for s in DEMO_SOURCES
            if (s.pipeline, s.delivery) == (listed["pipeline"], listed["delivery"])
        )
        for listed in silent.info["sources"]
    }
    with SandboxClient(silent.info) as client:
        before = w3.eth.block_number
        task = client.publish(client.source("summarization"), {"input": "a long text"})

    def provider(**start: int) -> SandboxProvider:
        return SandboxProvider(
            in_process_web3(silent.node, background=True), silent.deployment, sources,
            store=silent.store, link_base=silent.base_url,
            engine=select_engine("builtin", {})[0], accounts=[], never_answer=True, **start,
        )

    late, from_head = provider(from_block=before), provider()
    late.start()
    try:
        wait_until(lambda: task in late.seen_tasks, "the late provider to see the task")
        assert late.scanned_block >= w3.eth.block_number - 1
    finally:
        late.stop()
    assert from_head.scanned_block >= before + 1
    from_head.start()
    from_head.stop()
    assert task not in from_head.seen_tasks
