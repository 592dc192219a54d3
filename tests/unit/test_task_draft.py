"""Publish again: a published config read back into the form that builds it again."""

from __future__ import annotations

import json

import pytest

from ogpu_desktop.domain.catalogue import CUSTOM, SEND_AS_LIST, SEVERAL
from ogpu_desktop.domain.payload import build_task_configs
from ogpu_desktop.domain.task_draft import draft_of, form_values, lifetime_of
from ogpu_desktop.domain.task_rows import task_type_for

LINK = "https://example.com/cat.png"
FORMS: dict[str, dict[str, object]] = {
    "text-classification": {"text": "What a lovely day", "top_k": 2,
                            "function_to_apply": "sigmoid"},
    "image-classification": {"image": LINK, "top_k": 3},
    "text-generation": {"prompt": "Once upon a time", "max_new_tokens": 20,
                        "extra_args": '{"repetition_penalty": 1.2}'},
    "visual-question-answering": {"image": LINK, "question": "What colour is it?"},
    "translation": {"text": "Hello", "src_lang": "en", "tgt_lang": "fr"},
    "summarization": {"text": "A long text to make short. " * 3},
    CUSTOM: {"input": '{"question": "Why?", "context": "Because."}', "args": '{"top_k": 1}'},
}


def config_text(task_type: str, values: dict[str, object]) -> str:
    built = build_task_configs(task_type, values)
    assert built.count == 1
    return built.config_texts[0]


@pytest.mark.parametrize("task_type", sorted(FORMS))
def test_every_task_type_builds_the_same_config_again(task_type: str) -> None:
    text = config_text(task_type, FORMS[task_type])
    pipeline = None if task_type == CUSTOM else task_type
    draft = draft_of(pipeline=pipeline, config_json=text, source="0xabc", payment_wei=5,
                     expiry_time=10_001_800, published_at=10_000_000)
    assert draft.task_type == task_type
    assert draft.source == "0xabc"
    assert draft.payment_wei == 5
    assert draft.duration_s == 1800
    assert config_text(task_type, dict(draft.values)) == text


def test_texts_sent_as_one_list_open_with_that_option_on() -> None:
    values = {"text": "one\ntwo", SEVERAL: True, SEND_AS_LIST: True}
    text = config_text("summarization", values)
    draft = draft_of(pipeline="summarization", config_json=text)
    assert draft.values[SEND_AS_LIST] is True
    assert draft.values["text"] == "one\ntwo"
    assert config_text("summarization", dict(draft.values)) == text


def test_a_config_the_form_cannot_say_opens_as_custom_json_with_nothing_lost() -> None:
    config = {"function_name": "inference",
              "data": {"input": {"text": "hi", "pair": "there"}, "args": {"top_k": 1}}}
    draft = draft_of(pipeline="text-classification", config_json=json.dumps(config))
    assert draft.task_type == CUSTOM
    assert json.loads(str(draft.values["input"])) == config["data"]["input"]
    assert json.loads(str(draft.values["args"])) == {"top_k": 1}
    assert form_values("text-classification", config) is None


def test_broken_or_missing_configs_open_an_empty_custom_form() -> None:
    for broken in (None, "", "not json", "[1, 2]"):
        draft = draft_of(pipeline="translation", config_json=broken)
        assert draft.task_type == CUSTOM
        assert draft.values == {"input": "", "args": ""}


def test_the_lifetime_is_the_offered_one_nearest_to_what_the_task_had() -> None:
    assert lifetime_of(1_000 + 1_795, 1_000) == 1800  # recorded a few seconds after signing
    assert lifetime_of(1_000 + 290, 1_000) == 300
    assert lifetime_of(None, 1_000) is None
    assert lifetime_of(1_000, 1_000) is None


def test_pipelines_outside_the_catalogue_are_custom() -> None:
    assert task_type_for("translation") == "translation"
    assert task_type_for("fill-mask") == CUSTOM
    assert task_type_for(None) == CUSTOM


def test_a_dropped_publish_opens_with_its_journaled_source_payment_and_lifetime() -> None:
    from ogpu_desktop.services.pending import PendingTransaction, TxStage  # noqa: PLC0415

    text = config_text("translation", FORMS["translation"])
    dropped = PendingTransaction(
        tx_hash="0x" + "aa" * 32, kind="publish", what="Publish", sender="0x" + "bb" * 20,
        nonce=3, stage=TxStage.DROPPED, detail="", created_at=10_000_000,
        config_json=text, pipeline="translation", source="0x" + "cc" * 20, payment_wei=7,
        expiry_time=10_000_000 + 3_590,
    )
    assert dropped.can_publish_again
    draft = dropped.draft()
    assert (draft.task_type, draft.source, draft.payment_wei, draft.duration_s) == (
        "translation", "0x" + "cc" * 20, 7, 3600)
    assert config_text("translation", dict(draft.values)) == text
