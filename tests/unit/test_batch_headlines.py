"""Headlines of batch results from real payloads: top label and percentage, answers, texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, cast

import pytest

from ogpu_desktop.domain.batch_headlines import (
    MAX_HEADLINE_CHARS,
    ResultHeadline,
    percentage,
    result_headline,
)
from ogpu_desktop.domain.result_views import EmptyView, ResultView, ResultViewBase, ViewKind
from ogpu_desktop.domain.results import normalise


def headline_of(payload: object, task: str | None = None) -> ResultHeadline:
    return result_headline(normalise(payload, task))


def test_label_scores_give_the_top_label_and_its_percentage() -> None:
    payload = [{"label": "NEGATIVE", "score": 0.0013}, {"label": "POSITIVE", "score": 0.9987}]

    headline = headline_of(payload, "text-classification")

    assert headline == ResultHeadline("POSITIVE 99.9%", 0.9987)
    assert headline.score_text == "0.9987"
    assert not headline.failed


def test_raw_model_outputs_are_not_shown_as_percentages() -> None:
    headline = headline_of([{"label": "LABEL_1", "score": 3.21}, {"label": "LABEL_0", "score": -2}])

    assert headline.text == "LABEL_1 (score 3.210)"
    assert headline.score_text == "3.2100"


@pytest.mark.parametrize(
    ("score", "text"),
    [(1.0, "100.0%"), (0.99999, "99.9%"), (0.5, "50.0%"), (0.0004, "0.0%"), (0.0, "0.0%")],
)
def test_percentage_never_rounds_up_to_certainty(score: float, text: str) -> None:
    assert percentage(score) == text


def test_answers_give_the_best_answer_with_or_without_a_score() -> None:
    scored = headline_of(
        [{"answer": "dog", "score": 0.1}, {"answer": "cat", "score": 0.87}],
        "visual-question-answering",
    )
    generative = headline_of([{"answer": "two cats on a sofa"}], "visual-question-answering")

    assert scored == ResultHeadline("cat 87.0%", 0.87)
    assert generative == ResultHeadline("two cats on a sofa", None)
    assert generative.score_text == ""


@pytest.mark.parametrize(
    ("payload", "task", "text"),
    [
        ([{"generated_text": "\n\nOnce upon a time\nthere was a fox."}], "text-generation",
         "Once upon a time"),
        ([{"translation_text": "Bonjour,   le monde"}], "translation", "Bonjour, le monde"),
        ([{"summary_text": "A short summary.\nSecond line."}], "summarization",
         "A short summary."),
        ("just some text back", None, "just some text back"),
    ],
)
def test_texts_give_their_first_line(payload: object, task: str | None, text: str) -> None:
    assert headline_of(payload, task) == ResultHeadline(text)


def test_no_result_and_an_empty_one_give_an_empty_headline() -> None:
    assert result_headline(None) == ResultHeadline("")
    assert result_headline(EmptyView(raw_json="null")) == ResultHeadline("")


def test_other_shapes_read_like_the_task_list() -> None:
    assert headline_of({"some": "object"}).text == "JSON result"
    assert headline_of([[{"label": "a", "score": 0.5}], [{"label": "b", "score": 0.4}]]).text == (
        "2 results"
    )


@dataclass(frozen=True, kw_only=True)
class _FailureView(ResultViewBase):
    """A view kind this module does not know, carrying a provider's message."""

    kind: ClassVar[ViewKind] = ViewKind.RAW_JSON
    message: str = ""


def test_a_view_carrying_a_providers_message_is_a_failure_with_that_message() -> None:
    view = cast(ResultView, _FailureView(raw_json="{}", message="CUDA out of memory\nTraceback…"))
    silent = cast(ResultView, _FailureView(raw_json="null"))

    assert result_headline(view) == ResultHeadline("CUDA out of memory", failed=True)
    failed_silently = result_headline(silent)
    assert failed_silently.failed
    assert failed_silently.text  # falls back to the task list's words, never blank


def test_hostile_labels_become_one_clean_capped_line() -> None:
    label = "\u202eevil\x1b[31m\nsecond line" + "x" * 500
    headline = headline_of([{"label": label, "score": 0.5}])

    assert "\u202e" not in headline.text
    assert "\x1b" not in headline.text
    assert "\n" not in headline.text
    assert headline.text.startswith("evil [31m")
    assert headline.text.endswith(" 50.0%")
    assert len(headline.text) <= MAX_HEADLINE_CHARS


def test_long_generated_text_is_cut_with_an_ellipsis() -> None:
    headline = headline_of([{"generated_text": "word " * 200}], "text-generation")

    assert len(headline.text) == MAX_HEADLINE_CHARS
    assert headline.text.endswith("…")
    assert result_headline(normalise([{"generated_text": "word " * 50}]), 30).text.endswith("…")
