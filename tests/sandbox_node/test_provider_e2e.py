"""The provider end to end over HTTP: publish with locally signed transactions, read the answer."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.sandbox_node.client import STATUS, SandboxClient, wait_until

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
IMAGE = "data:image/png;base64," + base64.b64encode(PNG).decode()
ARTICLE = (
    "The city opened a new library on Monday. It has ten thousand books and a garden. "
    "Children can borrow up to five books at a time."
)


def _answer(client: SandboxClient, pipeline: str, data: dict[str, Any]) -> Any:
    task = client.publish(client.source(pipeline), data)
    client.wait_status(task, "FINALIZED")
    responses = client.responses(task)
    assert len(responses) == 1
    document = client.result(responses[0])
    assert set(document) == {"result"}
    return document["result"]


def _output(result: Any) -> list[dict[str, Any]]:
    assert set(result) == {"output"}
    assert isinstance(result["output"], list)
    return list(result["output"])


def _label_scores(items: list[dict[str, Any]], key: str) -> None:
    for item in items:
        assert set(item) == {key, "score"}
        assert isinstance(item[key], str)
        assert isinstance(item["score"], float)
        assert 0.0 <= item["score"] <= 1.0
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_text_classification(client: SandboxClient) -> None:
    output = _output(_answer(client, "text-classification", {"input": "I love this, great!"}))
    assert len(output) == 1
    _label_scores(output, "label")
    assert output[0]["label"] == "POSITIVE"


def test_text_classification_honours_top_k(client: SandboxClient) -> None:
    output = _output(_answer(
        client, "text-classification", {"input": "awful and boring", "args": {"top_k": 2}}
    ))
    assert [item["label"] for item in output] == ["NEGATIVE", "POSITIVE"]
    _label_scores(output, "label")


def test_image_classification_returns_five_labels_by_default(client: SandboxClient) -> None:
    output = _output(_answer(client, "image-classification", {"input": IMAGE}))
    assert len(output) == 5
    _label_scores(output, "label")


def test_text_generation_includes_the_prompt(client: SandboxClient) -> None:
    output = _output(_answer(
        client, "text-generation",
        {"input": "Once upon a time", "args": {"max_new_tokens": 8}},
    ))
    assert len(output) == 1
    assert set(output[0]) == {"generated_text"}
    assert output[0]["generated_text"].startswith("Once upon a time")
    assert "[sandbox]" in output[0]["generated_text"]


def test_visual_question_answering(client: SandboxClient) -> None:
    output = _output(_answer(
        client, "visual-question-answering",
        {"input": {"image": IMAGE, "question": "What is on the table?"}},
    ))
    assert len(output) == 5
    _label_scores(output, "answer")


def test_translation(client: SandboxClient) -> None:
    output = _output(_answer(client, "translation", {"input": "Hello, world"}))
    assert len(output) == 1
    assert set(output[0]) == {"translation_text"}
    assert "Hello, world" in output[0]["translation_text"]


def test_summarization(client: SandboxClient) -> None:
    output = _output(_answer(client, "summarization", {"input": ARTICLE}))
    assert len(output) == 1
    assert set(output[0]) == {"summary_text"}
    assert "library" in output[0]["summary_text"]


@pytest.mark.parametrize(
    ("pipeline", "bad_data", "good_data"),
    [
        pytest.param(
            "text-classification", {"input": ["one", "two"]}, {"input": "fine"}, id="list-input"
        ),
        pytest.param(
            "image-classification",
            {"input": IMAGE, "args": {"confidence_threshold": 0.5}},
            {"input": IMAGE},
            id="unknown-image-arg",
        ),
        pytest.param(
            "text-generation", {"input": "hi", "args": [1]}, {"input": "hi"}, id="args-not-object"
        ),
    ],
)
def test_tasks_the_hf_source_rejects_are_never_answered(
    client: SandboxClient, pipeline: str, bad_data: dict[str, Any], good_data: dict[str, Any]
) -> None:
    source = client.source(pipeline)
    bad = client.publish(source, bad_data)
    good = client.publish(source, good_data)
    # The provider handles tasks in publication order: once the later one is final, the
    # earlier one has been attempted and, being invalid, left without a response.
    client.wait_status(good, "FINALIZED")
    assert client.status(bad) == STATUS["ATTEMPTED"]
    assert client.responses(bad) == []


def test_manual_confirmation_gets_a_response_from_each_provider(client: SandboxClient) -> None:
    task = client.publish(
        client.source("text-classification", "MANUAL_CONFIRMATION"), {"input": "nice work"}
    )
    wait_until(lambda: len(client.responses(task)) == 2, "two responses")
    assert client.status(task) == STATUS["RESPONDED"]
    first, second = client.responses(task)
    assert client.result(first) == client.result(second)
    client.send(client.controller.functions.confirmResponse(first))
    assert client.status(task) == STATUS["FINALIZED"]
    assert client.official("Response", first).functions.getStatus().call() == 1
    assert client.official("Response", second).functions.getStatus().call() == 0
