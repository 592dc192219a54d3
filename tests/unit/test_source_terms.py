"""A task is checked against what its source demands: status, payment, lifetime and pipeline."""

import dataclasses

import pytest

from ogpu_desktop.domain.amounts import parse_amount
from ogpu_desktop.domain.payload import Severity
from ogpu_desktop.domain.source_terms import DeliveryMethod, SourceTerms, check_terms

TERMS = SourceTerms(
    active=True,
    min_payment_wei=parse_amount("0.001"),
    max_expiry_seconds=3600,
    delivery_method=DeliveryMethod.FIRST_RESPONSE,
    pipeline_task="text-classification",
    pipeline_model="distilbert/distilbert-base-uncased-finetuned-sst-2-english",
)


def test_a_matching_task_passes_without_notices() -> None:
    result = check_terms(
        TERMS, task_type="text-classification", payment_wei=parse_amount("0.002"), duration_s=600
    )
    assert result.ok
    assert result.errors == ()
    assert result.notices == ()


def test_payment_exactly_the_minimum_is_accepted_and_below_is_refused() -> None:
    assert check_terms(TERMS, task_type="custom", payment_wei=10**15).ok
    result = check_terms(TERMS, task_type="custom", payment_wei=10**15 - 1, symbol="ToGPU")
    (error,) = result.errors
    assert error.field == "payment"
    assert error.message == (
        "This source asks at least 0.001 ToGPU per task; you offered 0.000999999999999999 ToGPU."
    )
    assert not result.ok


def test_inactive_source_is_an_error() -> None:
    result = check_terms(dataclasses.replace(TERMS, active=False), task_type="text-classification")
    assert [(e.field, e.message) for e in result.errors] == [
        ("source", "This source is inactive and takes no new tasks. Choose another source.")
    ]


def test_lifetime_beyond_the_source_limit_is_an_error() -> None:
    result = check_terms(TERMS, task_type="text-classification", duration_s=3600)
    (error,) = result.errors
    assert error.field == "expiry"
    assert "at most 59 minutes" in error.message
    assert TERMS.longest_duration == 3540
    assert check_terms(TERMS, task_type="text-classification", duration_s=3540).ok


def test_every_problem_is_reported_at_once() -> None:
    result = check_terms(
        dataclasses.replace(TERMS, active=False),
        task_type="summarization",
        payment_wei=1,
        duration_s=10,
    )
    assert [e.field for e in result.errors] == ["source", "payment", "expiry"]
    assert len(result.notices) == 1


def test_pipeline_mismatch_is_a_warning_not_an_error() -> None:
    result = check_terms(TERMS, task_type="summarization", payment_wei=10**16, duration_s=600)
    assert result.ok
    (notice,) = result.notices
    assert notice.severity is Severity.WARNING
    assert notice.field == "task_type"
    assert notice.message == (
        "This source runs the text-classification pipeline with the model "
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english, but you chose summarization. "
        "It will probably fail on this task, and then no answer comes."
    )


@pytest.mark.parametrize(
    ("pipeline", "task_type"),
    [
        ("sentiment-analysis", "text-classification"),
        ("translation_en_to_fr", "translation"),
        ("vqa", "visual-question-answering"),
        ("object-detection", "custom"),
        (None, "image-classification"),
    ],
)
def test_aliases_custom_and_unknown_pipelines_do_not_warn(
    pipeline: str | None, task_type: str
) -> None:
    terms = dataclasses.replace(TERMS, pipeline_task=pipeline)
    assert check_terms(terms, task_type=task_type).notices == ()


def test_manual_confirmation_is_stated() -> None:
    terms = dataclasses.replace(TERMS, delivery_method=DeliveryMethod.MANUAL_CONFIRMATION)
    assert terms.needs_confirmation
    assert not TERMS.needs_confirmation
    (notice,) = check_terms(terms, task_type="text-classification").notices
    assert notice.severity is Severity.INFO
    assert notice.message == (
        "This source needs you to confirm a response before it is final and the provider is paid."
    )


def test_delivery_method_values_match_the_contract() -> None:
    assert DeliveryMethod(0) is DeliveryMethod.MANUAL_CONFIRMATION
    assert DeliveryMethod(1) is DeliveryMethod.FIRST_RESPONSE


def test_terms_are_frozen_and_refuse_negative_values() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TERMS.active = False  # type: ignore[misc]
    with pytest.raises(ValueError, match="negative"):
        dataclasses.replace(TERMS, min_payment_wei=-1)
