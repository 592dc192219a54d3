"""Example-based tests of result normalisation: every documented payload shape, exact views."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from ogpu_desktop.domain.result_views import (
    MAX_BATCH_ITEMS,
    MAX_DEPTH,
    MAX_LABELS,
    MAX_RAW_JSON_CHARS,
    MAX_TEXT_CHARS,
    MAX_TEXT_ITEMS,
    TRUNCATION_MARKER,
    Answer,
    AnswersView,
    BatchView,
    ChatMessage,
    EmptyView,
    ErrorView,
    FailureCause,
    GeneratedText,
    GeneratedTextsView,
    LabelScore,
    LabelScoresView,
    PlainTextView,
    RawJsonView,
    ScoreMark,
    TextsView,
    ViewKind,
)
from ogpu_desktop.domain.results import displayed_strings, expected_kind, headline, normalise


def translations(texts: tuple[str, ...], raw_json: str) -> TextsView:
    return TextsView(kind=ViewKind.TRANSLATION, texts=texts, total=len(texts), raw_json=raw_json)


def raw(value: object) -> str:
    """The raw JSON text a view is expected to carry for ``value``."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def labels(payload: object, **kwargs: object) -> list[tuple[str, float | None]]:
    view = normalise(payload, **kwargs)  # type: ignore[arg-type]
    assert isinstance(view, LabelScoresView)
    return [(item.label, item.score) for item in view.items]


# --- The seed's response examples (hf-pipeline-task-guide.md, "Task Response Handling") ---


def test_seed_text_classification_response() -> None:
    payload = {"result": [{"label": "POSITIVE", "score": 0.9998}]}
    assert normalise(payload, "text-classification") == LabelScoresView(
        items=(LabelScore(label="POSITIVE", score=0.9998),), total=1, raw_json=raw(payload)
    )


def test_seed_text_generation_response() -> None:
    payload = {"result": [{"generated_text": "Once upon a time, there was a brave knight..."}]}
    assert normalise(payload, "text-generation") == GeneratedTextsView(
        items=(GeneratedText(text="Once upon a time, there was a brave knight..."),),
        total=1,
        raw_json=raw(payload),
    )


def test_seed_image_classification_response() -> None:
    payload = {
        "result": [
            {"label": "Egyptian cat", "score": 0.9421},
            {"label": "tabby, tabby cat", "score": 0.0876},
        ]
    }
    assert normalise(payload, "image-classification") == LabelScoresView(
        items=(
            LabelScore(label="Egyptian cat", score=0.9421),
            LabelScore(label="tabby, tabby cat", score=0.0876),
        ),
        total=2,
        raw_json=raw(payload),
    )


# --- The HF source's real payloads (protocol notes §6) ---


def test_hf_sentiment_payload() -> None:
    payload = {"result": {"output": [{"label": "POSITIVE", "score": 0.9998}]}}
    view = normalise(payload, "text-classification")
    assert view == LabelScoresView(
        items=(LabelScore(label="POSITIVE", score=0.9998),), total=1, raw_json=raw(payload)
    )
    assert view.items[0].score_text == "1.000"


def test_hf_generation_payload() -> None:
    payload = {"result": {"output": [{"generated_text": "Hello there"}]}}
    assert normalise(payload, "text-generation") == GeneratedTextsView(
        items=(GeneratedText(text="Hello there"),), total=1, raw_json=raw(payload)
    )


def test_hf_vqa_payload_default_top_k_five_sorted() -> None:
    answers = [
        {"score": 0.02, "answer": "cap"},
        {"score": 0.95, "answer": "hat"},
        {"score": 0.01, "answer": "helmet"},
        {"score": 0.015, "answer": "nothing"},
        {"score": 0.005, "answer": "scarf"},
    ]
    payload = {"result": {"output": answers}}
    view = normalise(payload, "visual-question-answering")
    assert view == AnswersView(
        items=(
            Answer(answer="hat", score=0.95),
            Answer(answer="cap", score=0.02),
            Answer(answer="nothing", score=0.015),
            Answer(answer="helmet", score=0.01),
            Answer(answer="scarf", score=0.005),
        ),
        total=5,
        raw_json=raw(payload),
    )
    assert [item.score_text for item in view.items] == ["0.950", "0.020", "0.015", "0.010", "0.005"]


# --- text-classification (§6 table) ---


def test_text_classification_top_k_sorted_descending() -> None:
    payload = [
        {"label": "NEGATIVE", "score": 0.1},
        {"label": "NEUTRAL", "score": 0.3},
        {"label": "POSITIVE", "score": 0.6},
    ]
    assert labels(payload, task="text-classification") == [
        ("POSITIVE", 0.6),
        ("NEUTRAL", 0.3),
        ("NEGATIVE", 0.1),
    ]


def test_text_pair_classification_bare_dict_in_result() -> None:
    payload = {"result": {"label": "ENTAILMENT", "score": 0.87}}
    assert normalise(payload, "text-classification") == LabelScoresView(
        items=(LabelScore(label="ENTAILMENT", score=0.87),), total=1, raw_json=raw(payload)
    )


def test_bare_dict_without_result() -> None:
    payload = {"label": "ENTAILMENT", "score": 0.87}
    assert normalise(payload) == LabelScoresView(
        items=(LabelScore(label="ENTAILMENT", score=0.87),), total=1, raw_json=raw(payload)
    )


def test_batched_classification_flat_list_with_batch_size() -> None:
    first = {"label": "POSITIVE", "score": 0.99}
    second = {"label": "NEGATIVE", "score": 0.8}
    payload = {"result": {"output": [first, second]}}
    view = normalise(payload, "text-classification", batch_size=2)
    assert view == BatchView(
        items=(
            LabelScoresView(
                items=(LabelScore(label="POSITIVE", score=0.99),), total=1, raw_json=raw(first)
            ),
            LabelScoresView(
                items=(LabelScore(label="NEGATIVE", score=0.8),), total=1, raw_json=raw(second)
            ),
        ),
        total=2,
        raw_json=raw(payload),
    )


def test_batched_flat_list_without_batch_size_reads_as_one_ranking() -> None:
    # Without knowing the input was a list, [{..},{..}] is indistinguishable from top_k=2.
    payload = [{"label": "NEGATIVE", "score": 0.8}, {"label": "POSITIVE", "score": 0.99}]
    assert labels(payload) == [("POSITIVE", 0.99), ("NEGATIVE", 0.8)]


def test_batch_size_that_does_not_match_is_ignored() -> None:
    payload = [{"label": "A", "score": 0.2}, {"label": "B", "score": 0.7}]
    assert normalise(payload, batch_size=3).kind is ViewKind.LABEL_SCORES
    assert normalise(payload, batch_size=1).kind is ViewKind.LABEL_SCORES


def test_batched_classification_with_top_k_nested_lists() -> None:
    first = [{"label": "NEGATIVE", "score": 0.2}, {"label": "POSITIVE", "score": 0.8}]
    second = [{"label": "POSITIVE", "score": 0.4}, {"label": "NEGATIVE", "score": 0.6}]
    payload = {"result": {"output": [first, second]}}
    view = normalise(payload, "text-classification")
    assert view == BatchView(
        items=(
            LabelScoresView(
                items=(
                    LabelScore(label="POSITIVE", score=0.8),
                    LabelScore(label="NEGATIVE", score=0.2),
                ),
                total=2,
                raw_json=raw(first),
            ),
            LabelScoresView(
                items=(
                    LabelScore(label="NEGATIVE", score=0.6),
                    LabelScore(label="POSITIVE", score=0.4),
                ),
                total=2,
                raw_json=raw(second),
            ),
        ),
        total=2,
        raw_json=raw(payload),
    )


# --- image-classification ---


def test_image_classification_default_five_labels_sorted() -> None:
    scores = [0.05, 0.6, 0.1, 0.2, 0.05]
    payload = {"result": {"output": [{"label": f"c{i}", "score": s} for i, s in enumerate(scores)]}}
    assert labels(payload, task="image-classification") == [
        ("c1", 0.6),
        ("c3", 0.2),
        ("c2", 0.1),
        ("c0", 0.05),
        ("c4", 0.05),
    ]


def test_image_classification_batched_list_of_lists() -> None:
    payload = {
        "result": {
            "output": [
                [{"label": "cat", "score": 0.9}, {"label": "dog", "score": 0.1}],
                [{"label": "car", "score": 0.7}],
            ]
        }
    }
    view = normalise(payload, "image-classification")
    assert isinstance(view, BatchView)
    assert [child.kind for child in view.items] == [ViewKind.LABEL_SCORES] * 2
    assert [[i.label for i in c.items] for c in view.items if isinstance(c, LabelScoresView)] == [
        ["cat", "dog"],
        ["car"],
    ]


def test_object_detection_reads_labels_and_keeps_boxes_in_raw() -> None:
    payload = [{"score": 0.97, "label": "cat", "box": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4}}]
    view = normalise(payload, "object-detection")
    assert view == LabelScoresView(
        items=(LabelScore(label="cat", score=0.97),), total=1, raw_json=raw(payload)
    )
    assert '"xmax": 3' in view.raw_json


def test_zero_shot_parallel_labels_and_scores() -> None:
    payload = {"sequence": "s", "labels": ["sport", "food"], "scores": [0.3, 0.7]}
    view = normalise(payload)
    assert isinstance(view, LabelScoresView)
    assert [(i.label, i.score) for i in view.items] == [("food", 0.7), ("sport", 0.3)]
    assert view.skipped == 0


# --- text-generation ---


def test_generation_several_sequences_one_card_each() -> None:
    payload = {"result": {"output": [{"generated_text": "one"}, {"generated_text": "two"}]}}
    assert normalise(payload, "text-generation") == GeneratedTextsView(
        items=(GeneratedText(text="one"), GeneratedText(text="two")), total=2, raw_json=raw(payload)
    )


def test_generation_batched_prompts() -> None:
    payload = [[{"generated_text": "a1"}, {"generated_text": "a2"}], [{"generated_text": "b1"}]]
    view = normalise(payload, "text-generation")
    assert view == BatchView(
        items=(
            GeneratedTextsView(
                items=(GeneratedText(text="a1"), GeneratedText(text="a2")),
                total=2,
                raw_json=raw(payload[0]),
            ),
            GeneratedTextsView(
                items=(GeneratedText(text="b1"),), total=1, raw_json=raw(payload[1])
            ),
        ),
        total=2,
        raw_json=raw(payload),
    )


def test_generation_chat_output_takes_last_assistant_message() -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi?"},
        {"role": "assistant", "content": "Hello!"},
    ]
    payload = {"result": {"output": [{"generated_text": messages}]}}
    assert normalise(payload, "text-generation") == GeneratedTextsView(
        items=(
            GeneratedText(
                text="Hello!",
                conversation=(
                    ChatMessage(role="system", content="Be brief."),
                    ChatMessage(role="user", content="Hi?"),
                    ChatMessage(role="assistant", content="Hello!"),
                ),
            ),
        ),
        total=1,
        raw_json=raw(payload),
    )


def test_generation_chat_content_parts_are_joined() -> None:
    content = [{"type": "text", "text": "A"}, {"type": "image"}, {"type": "text", "text": "B"}]
    payload = [{"generated_text": [{"role": "assistant", "content": content}]}]
    view = normalise(payload)
    assert isinstance(view, GeneratedTextsView)
    assert view.items[0].text == "A\nB"


def test_generation_chat_without_assistant_shows_last_message() -> None:
    payload = [{"generated_text": [{"role": "user", "content": "only me"}]}]
    view = normalise(payload, "text-generation")
    assert isinstance(view, GeneratedTextsView)
    assert view.items[0].text == "only me"


# --- visual-question-answering ---


def test_generative_vqa_answer_only() -> None:
    payload = {"result": {"output": [{"answer": "a red hat"}]}}
    assert normalise(payload, "visual-question-answering") == AnswersView(
        items=(Answer(answer="a red hat"),), total=1, raw_json=raw(payload)
    )


def test_vqa_batched_list_of_lists() -> None:
    payload = [[{"score": 0.9, "answer": "yes"}], [{"score": 0.6, "answer": "two"}]]
    view = normalise(payload, "visual-question-answering")
    assert isinstance(view, BatchView)
    assert [c.items for c in view.items if isinstance(c, AnswersView)] == [
        (Answer(answer="yes", score=0.9),),
        (Answer(answer="two", score=0.6),),
    ]


def test_vqa_scored_answers_come_before_unscored() -> None:
    payload = [{"answer": "x"}, {"answer": "y", "score": 0.2}, {"answer": "z", "score": "0.5"}]
    view = normalise(payload, "visual-question-answering")
    assert isinstance(view, AnswersView)
    assert [(a.answer, a.score_text) for a in view.items] == [
        ("z", "0.500"),
        ("y", "0.200"),
        ("x", ""),
    ]


# --- translation and summarization ---


def test_translation_single() -> None:
    payload = {"result": {"output": [{"translation_text": "Bonjour le monde"}]}}
    assert normalise(payload, "translation") == TextsView(kind=ViewKind.TRANSLATION,
        texts=("Bonjour le monde",), total=1, raw_json=raw(payload)
    )


def test_translation_batched_flat_list() -> None:
    payload = [{"translation_text": "Un"}, {"translation_text": "Deux"}]
    assert normalise(payload, "translation_en_to_fr") == TextsView(kind=ViewKind.TRANSLATION,
        texts=("Un", "Deux"), total=2, raw_json=raw(payload)
    )
    batch = normalise(payload, "translation", batch_size=2)
    assert batch == BatchView(
        items=(
            translations(("Un",), raw(payload[0])),
            translations(("Deux",), raw(payload[1])),
        ),
        total=2,
        raw_json=raw(payload),
    )


def test_translation_batched_with_several_sequences_nested() -> None:
    payload = [[{"translation_text": "a"}, {"translation_text": "b"}], [{"translation_text": "c"}]]
    view = normalise(payload, "translation")
    assert isinstance(view, BatchView)
    assert [c.texts for c in view.items if isinstance(c, TextsView)] == [("a", "b"), ("c",)]
    assert {c.kind for c in view.items} == {ViewKind.TRANSLATION}


def test_summary_single_and_batched() -> None:
    payload = {"result": {"output": [{"summary_text": "Short."}]}}
    assert normalise(payload, "summarization") == TextsView(kind=ViewKind.SUMMARY,
        texts=("Short.",), total=1, raw_json=raw(payload)
    )
    nested = [[{"summary_text": "A."}], [{"summary_text": "B."}]]
    view = normalise(nested, "summarization")
    assert isinstance(view, BatchView)
    assert [c.texts for c in view.items if isinstance(c, TextsView)] == [("A.",), ("B.",)]
    assert {c.kind for c in view.items} == {ViewKind.SUMMARY}


# --- hint against keys ---


def test_keys_decide_when_hint_disagrees() -> None:
    payload = [{"label": "POSITIVE", "score": 0.9}]
    assert normalise(payload, "text-generation").kind is ViewKind.LABEL_SCORES
    assert normalise([{"summary_text": "s"}], "translation").kind is ViewKind.SUMMARY
    assert normalise([{"answer": "a"}], "image-classification").kind is ViewKind.ANSWERS


@pytest.mark.parametrize("task", [None, "unknown-task", 42, "", "  TEXT_CLASSIFICATION "])
def test_keys_decide_without_a_usable_hint(task: object) -> None:
    assert normalise([{"generated_text": "g"}], task).kind is ViewKind.GENERATED_TEXTS  # type: ignore[arg-type]
    assert normalise([{"translation_text": "t"}], task).kind is ViewKind.TRANSLATION  # type: ignore[arg-type]


def test_hint_chooses_between_keys_present() -> None:
    payload = [{"answer": "yes", "label": "L", "score": 0.5}]
    assert normalise(payload, "visual-question-answering").kind is ViewKind.ANSWERS
    assert normalise(payload, "text-classification").kind is ViewKind.LABEL_SCORES


def test_expected_kind() -> None:
    assert expected_kind("text-classification") is ViewKind.LABEL_SCORES
    assert expected_kind("sentiment-analysis") is ViewKind.LABEL_SCORES
    assert expected_kind("image-classification") is ViewKind.LABEL_SCORES
    assert expected_kind("text-generation") is ViewKind.GENERATED_TEXTS
    assert expected_kind("visual-question-answering") is ViewKind.ANSWERS
    assert expected_kind("translation_en_to_de") is ViewKind.TRANSLATION
    assert expected_kind("summarization") is ViewKind.SUMMARY
    assert expected_kind("custom") is None
    assert expected_kind(None) is None


# --- unwrapping and text forms ---


def test_inline_json_text_is_parsed() -> None:
    payload = {"result": {"output": [{"label": "POSITIVE", "score": 0.9}]}}
    assert normalise(json.dumps(payload)) == normalise(payload)
    assert normalise(json.dumps(payload).encode()) == normalise(payload)


def test_json_string_holding_json_is_parsed_once() -> None:
    payload = [{"label": "A", "score": 0.5}]
    once = json.dumps(json.dumps(payload))
    assert normalise(once).kind is ViewKind.LABEL_SCORES
    twice = json.dumps(once)
    view = normalise(twice)
    assert isinstance(view, PlainTextView)
    assert view.text == once


def test_result_holding_json_text_is_parsed() -> None:
    payload = {"result": json.dumps([{"summary_text": "S"}])}
    view = normalise(payload, "summarization")
    assert isinstance(view, TextsView)
    assert view.kind is ViewKind.SUMMARY
    assert view.texts == ("S",)
    assert view.raw_json == raw(payload)


def test_plain_text() -> None:
    assert normalise("The answer is 42.") == PlainTextView(
        text="The answer is 42.", raw_json=raw("The answer is 42.")
    )
    assert normalise("[citation needed] text").kind is ViewKind.PLAIN_TEXT


def test_url_is_plain_text_not_fetched() -> None:
    url = "https://cipfs.ogpuscan.io/ipfs/bafy"
    assert normalise(url) == PlainTextView(text=url, raw_json=raw(url))


EMPTY_PAYLOADS = [None, "", "   ", "null", {"result": {"output": []}}, [], b"", "[]"]


@pytest.mark.parametrize("payload", EMPTY_PAYLOADS)
def test_empty_where_no_answer_shape_was_due(payload: object) -> None:
    view = normalise(payload)
    assert isinstance(view, EmptyView)
    assert view.truncated is False


# --- a provider's failure ---


@pytest.mark.parametrize("payload", EMPTY_PAYLOADS)
def test_an_empty_answer_where_one_was_due_is_a_failure(payload: object) -> None:
    view = normalise(payload, "text-classification")
    assert isinstance(view, ErrorView)
    assert view.cause is FailureCause.EMPTY
    assert view.message == ""
    assert headline(view) == "Failed: the provider's answer is empty"


@pytest.mark.parametrize(
    "payload",
    [
        {"result": None},
        '{"result": null}',
        {"result": {"output": None}},
        {"result": '{"result": null}'},
    ],
)
@pytest.mark.parametrize("task", [None, "summarization"])
def test_a_null_result_is_the_pipeline_failing(payload: object, task: str | None) -> None:
    view = normalise(payload, task)
    assert isinstance(view, ErrorView)
    assert view.cause is FailureCause.NO_RESULT
    assert view.message == ""
    assert view.raw_json == raw(payload if not isinstance(payload, str) else json.loads(payload))
    assert headline(view) == "Failed: the provider sent no result"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"error": "CUDA out of memory"}, "CUDA out of memory"),
        ('{"error": "CUDA out of memory"}', "CUDA out of memory"),
        ({"result": {"error": "CUDA out of memory"}}, "CUDA out of memory"),
        ({"result": {"output": {"error": "Model is loading", "estimated_time": 20.0}}},
         "Model is loading"),
        ({"result": None, "error": "pipeline crashed"}, "pipeline crashed"),
        ({"error": {"message": "Input too long", "type": "ValueError"}}, "Input too long"),
        ({"error": ["first problem", "second problem"]}, "first problem\nsecond problem"),
        ({"status": "failed", "detail": "timeout in worker"}, "timeout in worker"),
        ([{"error": "bad input 1"}, {"error": "bad input 2"}], "bad input 1\nbad input 2"),
        ({"result": '{"error": "wrapped as text"}'}, "wrapped as text"),
        ({"error": True}, ""),
        ({"error": "<b>bold</b> failure"}, "<b>bold</b> failure"),
    ],
)
def test_an_error_object_is_the_providers_failure_with_its_message(
    payload: object, message: str
) -> None:
    view = normalise(payload, "text-classification")
    assert isinstance(view, ErrorView)
    assert view.cause is FailureCause.PROVIDER_ERROR
    assert view.message == message
    assert view.has_markup is ("<b>" in message)
    assert message in displayed_strings(view)
    if message:
        assert headline(view) == " ".join(f"Failed: {message}".split())


def test_an_error_beside_a_result_is_not_a_failure() -> None:
    payload = [{"label": "POSITIVE", "score": 0.9, "error": None}]
    assert isinstance(normalise(payload, "text-classification"), LabelScoresView)
    mixed = [{"label": "POSITIVE", "score": 0.9}, {"error": "one input failed"}]
    view = normalise(mixed, "text-classification")
    assert isinstance(view, LabelScoresView)
    assert view.skipped == 1


def test_a_failed_input_of_a_batch_is_shown_as_a_failure_of_that_input() -> None:
    payload = [[{"label": "POSITIVE", "score": 0.9}], {"error": "input 2 too long"}]
    view = normalise(payload, "text-classification")
    assert isinstance(view, BatchView)
    assert [child.kind for child in view.items] == [ViewKind.LABEL_SCORES, ViewKind.ERROR]
    assert isinstance(view.items[1], ErrorView)
    assert view.items[1].message == "input 2 too long"


@pytest.mark.parametrize(
    "payload", [42, 1.5, True, [1, 2], ["a", "b"], {"output": [1], "x": 2}, {"error": None}]
)
def test_anything_else_is_raw_json(payload: object) -> None:
    assert normalise(payload) == RawJsonView(raw_json=raw(payload))


def test_raw_json_of_top_view_shows_whole_payload_and_child_their_part() -> None:
    payload = {"result": {"output": [[{"label": "a", "score": 0.1}]]}}
    view = normalise(payload)
    assert isinstance(view, BatchView)
    assert view.raw_json == raw(payload)
    assert view.items[0].raw_json == raw(payload["result"]["output"][0])


# --- wrong types ---


def test_wrong_score_types() -> None:
    payload = [
        {"label": "text", "score": "0.9"},
        {"label": "word", "score": "high"},
        {"label": "nan", "score": float("nan")},
        {"label": "inf", "score": float("inf")},
        {"label": "bool", "score": True},
        {"label": "none", "score": None},
        {"label": "missing"},
        {"label": "huge", "score": 10**400},
        {"label": "int", "score": 1},
        {"label": "logit", "score": -2.5},
        {"score": 0.4},
        "not a dict",
    ]
    view = normalise(payload, "text-classification")
    assert isinstance(view, LabelScoresView)
    # Numbers first, highest first; then the scores that are none, in the order received.
    assert [(i.label, i.score, i.mark, i.score_text) for i in view.items] == [
        ("int", 1.0, ScoreMark.NONE, "1.000"),
        ("text", 0.9, ScoreMark.TEXT, "0.900"),
        ("logit", -2.5, ScoreMark.NONE, "-2.500"),
        ("word", None, ScoreMark.NOT_A_NUMBER, "high"),
        ("nan", None, ScoreMark.NOT_FINITE, "NaN"),
        ("inf", None, ScoreMark.NOT_FINITE, "Infinity"),
        ("bool", None, ScoreMark.NOT_A_NUMBER, "true"),
        ("none", None, ScoreMark.NOT_A_NUMBER, "null"),
        ("huge", None, ScoreMark.NOT_A_NUMBER, "… (an integer of 1329 bits)"),
    ]
    assert view.total == 9
    assert view.skipped == 3  # no score at all, no label, not a dict


@pytest.mark.parametrize(
    "payload",
    [
        '[{"label": "cat", "score": NaN}, {"label": "dog", "score": Infinity}]',
        [{"label": "cat", "score": float("nan")}, {"label": "dog", "score": float("-inf")}],
        [{"label": "cat", "score": "0.9"}, {"label": "dog", "score": "0.1"}],
    ],
)
def test_labels_whose_scores_are_no_plain_number_are_shown_not_raw_json(payload: object) -> None:
    view = normalise(payload, "image-classification")
    assert isinstance(view, LabelScoresView)
    assert [item.label for item in view.items] == ["cat", "dog"]
    assert all(item.mark is not ScoreMark.NONE for item in view.items)
    assert all(item.score_text for item in view.items)


def test_answers_with_scores_that_are_no_plain_number_are_marked() -> None:
    payload = [
        {"answer": "hat", "score": "0.7"},
        {"answer": "cap", "score": float("nan")},
        {"answer": "generated"},
    ]
    view = normalise(payload, "visual-question-answering")
    assert isinstance(view, AnswersView)
    assert [(a.answer, a.score, a.mark, a.score_text) for a in view.items] == [
        ("hat", 0.7, ScoreMark.TEXT, "0.700"),
        ("cap", None, ScoreMark.NOT_FINITE, "NaN"),
        ("generated", None, ScoreMark.NONE, ""),
    ]


def test_label_not_a_string_is_shown_as_text() -> None:
    payload = [
        {"label": 3, "score": 0.5},
        {"label": {"a": 1}, "score": 0.4},
        {"label": False, "score": 0.3},
    ]
    assert labels(payload) == [("3", 0.5), ('{"a":1}', 0.4), ("false", 0.3)]


def test_non_json_python_objects() -> None:
    payload = {"result": ({"label": Decimal("1"), "score": Decimal("0.25")}, object())}
    view = normalise(payload)
    assert isinstance(view, LabelScoresView)
    assert view.items == (LabelScore(label="1.0", score=0.25),)
    assert view.skipped == 1


def test_views_are_immutable() -> None:
    view = normalise([{"label": "a", "score": 0.5}])
    assert isinstance(view, LabelScoresView)
    assert isinstance(view.items, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.truncated = True  # type: ignore[misc]


# --- hostile payloads ---


def test_megabytes_of_text_are_capped_with_marker() -> None:
    text = "x" * 3_000_000
    view = normalise({"result": {"output": [{"generated_text": text}]}}, "text-generation")
    assert isinstance(view, GeneratedTextsView)
    shown = view.items[0].text
    assert len(shown) == MAX_TEXT_CHARS
    assert shown.endswith(TRUNCATION_MARKER)
    assert view.truncated is True
    assert len(view.raw_json) == MAX_RAW_JSON_CHARS
    assert view.raw_json.endswith(TRUNCATION_MARKER)

    plain = normalise(text)
    assert isinstance(plain, PlainTextView)
    assert len(plain.text) == MAX_TEXT_CHARS
    assert plain.truncated is True


def test_text_just_within_the_cap_is_kept_whole() -> None:
    text = "y" * MAX_TEXT_CHARS
    view = normalise([{"summary_text": text}])
    assert isinstance(view, TextsView)
    assert view.kind is ViewKind.SUMMARY
    assert view.texts == (text,)
    assert view.truncated is True  # the raw JSON around it is longer than the cap
    assert not view.texts[0].endswith(TRUNCATION_MARKER)


def test_thousands_of_labels_are_capped() -> None:
    payload = [{"label": f"l{i}", "score": i / 5000} for i in range(5000)]
    view = normalise(payload, "image-classification")
    assert isinstance(view, LabelScoresView)
    assert len(view.items) == MAX_LABELS
    assert view.total == 5000
    assert view.items[0] == LabelScore(label="l4999", score=4999 / 5000)
    assert view.truncated is True


def test_batch_entries_are_capped() -> None:
    payload = [[{"label": "a", "score": 0.5}]] * 500
    view = normalise(payload)
    assert isinstance(view, BatchView)
    assert len(view.items) == MAX_BATCH_ITEMS
    assert view.total == 500
    assert view.truncated is True


def test_generated_sequences_are_capped() -> None:
    payload = [{"generated_text": str(i)} for i in range(200)]
    view = normalise(payload)
    assert isinstance(view, GeneratedTextsView)
    assert len(view.items) == MAX_TEXT_ITEMS
    assert view.total == 200


def test_deep_python_nesting_does_not_recurse() -> None:
    value: object = {"label": "deep", "score": 0.5}
    for _ in range(100_000):
        value = [value]
    view = normalise(value)
    assert view.truncated is True
    depth = 0
    while isinstance(view, BatchView):
        view = view.items[0]
        depth += 1
    assert depth <= MAX_DEPTH


def test_deep_dict_nesting() -> None:
    value: object = "bottom"
    for _ in range(50_000):
        value = {"result": {"x": value}}
    view = normalise(value)
    assert isinstance(view, RawJsonView)
    assert view.truncated is True
    assert len(view.raw_json) <= MAX_RAW_JSON_CHARS


def test_json_text_too_deep_for_the_parser() -> None:
    text = "[" * 200_000 + "]" * 200_000
    view = normalise(text)
    assert isinstance(view, RawJsonView)
    assert view.truncated is True
    assert len(view.raw_json) == MAX_RAW_JSON_CHARS


def test_self_referencing_list() -> None:
    loop: list[object] = []
    loop.append(loop)
    view = normalise(loop)
    assert view.truncated is True


def test_html_is_kept_as_text_and_flagged() -> None:
    script = "<script>alert('x')</script><b>bold</b>"
    view = normalise([{"generated_text": script}], "text-generation")
    assert isinstance(view, GeneratedTextsView)
    assert view.items[0].text == script
    assert view.has_markup is True
    assert normalise([{"generated_text": "1 < 2 and 3 > 2"}]).has_markup is False


def test_html_in_a_batch_child_flags_the_batch() -> None:
    view = normalise([[{"label": "<img src=x onerror=alert(1)>", "score": 0.5}], []])
    assert isinstance(view, BatchView)
    assert view.has_markup is True
    assert view.items[1].kind is ViewKind.EMPTY


def test_huge_integer_and_odd_bytes() -> None:
    view = normalise({"result": [10**5000, b"\xff\xfeabc", bytearray(b"ok")]})
    assert isinstance(view, RawJsonView)
    assert "… (an integer of 16610 bits)" in view.raw_json
    assert '"\ufffd\ufffdabc"' in view.raw_json
    assert view.truncated is True


def test_lone_surrogates_are_replaced() -> None:
    view = normalise('"\\ud800 text"')
    assert isinstance(view, PlainTextView)
    assert view.text == "? text"
    for text in displayed_strings(view):
        text.encode("utf-8")


def test_unreadable_objects_never_raise() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    class HostileMapping(dict[str, object]):
        def items(self) -> object:  # type: ignore[override]
            raise RuntimeError("no")

    view = normalise([Hostile(), HostileMapping(a=1)])
    assert isinstance(view, RawJsonView)
    assert view.raw_json.count("unreadable value") == 2
    assert view.truncated is True


def test_huge_key_count_dict() -> None:
    payload = {f"k{i}": i for i in range(50_000)}
    view = normalise(payload)
    assert isinstance(view, RawJsonView)
    assert view.truncated is True
    assert len(view.raw_json) == MAX_RAW_JSON_CHARS


def test_number_text_too_long_for_python_is_plain_text() -> None:
    text = "9" * 5000
    view = normalise(text)
    assert isinstance(view, PlainTextView)
    assert view.text == text


def test_strided_buffers_are_read() -> None:
    buffer = memoryview(b"abcdef")[::2]
    assert normalise(buffer) == PlainTextView(text="ace", raw_json=raw("ace"))
    view = normalise({"result": [buffer]})
    assert isinstance(view, RawJsonView)
    assert '"ace"' in view.raw_json


def test_huge_blank_text_is_empty_but_marked_truncated() -> None:
    view = normalise("\n" * 50_000)
    assert isinstance(view, EmptyView)
    assert view.truncated is True
    assert len(view.raw_json) == MAX_RAW_JSON_CHARS


@pytest.mark.parametrize(
    ("payload", "task", "expected"),
    [
        ([{"label": "NEG", "score": 0.1}, {"label": "POS", "score": 0.87654}], None, "POS (0.877)"),
        ([{"answer": "hat", "score": 0.95}], "visual-question-answering", "hat (0.950)"),
        ([{"answer": "a red hat"}], "visual-question-answering", "a red hat"),
        ([{"generated_text": "Once\n  upon\ta time"}], "text-generation", "Once upon a time"),
        ([{"translation_text": "Bonjour"}], "translation", "Bonjour"),
        ([{"summary_text": "Short."}], "summarization", "Short."),
        ([[{"label": "a", "score": 1}], [{"label": "b", "score": 1}]], None, "2 results"),
        ([[{"label": "a", "score": 1}]], None, "1 result"),
        ("just text", None, "just text"),
        (None, None, "No result"),
        ({"boxes": [1, 2]}, None, "JSON result"),
    ],
)
def test_headline(payload: object, task: str | None, expected: str) -> None:
    assert headline(normalise(payload, task)) == expected


def test_headline_is_capped() -> None:
    line = headline(normalise("word " * 10_000), limit=50)
    assert len(line) == 50
    assert line.endswith(TRUNCATION_MARKER)
