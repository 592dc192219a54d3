"""When a task may go to the source shown: read, shown, and fitting the form."""

from __future__ import annotations

from ogpu_desktop.domain.source_choice import (
    NO_SOURCE,
    READ_FAILED,
    READING,
    TYPED_NOT_READ,
    SourceChoice,
    publish_wait_reason,
)
from ogpu_desktop.domain.source_terms import pipeline_misfit

A = "0xF2702B4D538f305cA67104383dE590911b7eD078"
B = "0xc05ecb6eDf0A4aE95a1B6Ee6b38e1D924887BEA4"


def _choice(**changes: object) -> SourceChoice:
    values: dict[str, object] = {
        "reading_address": None, "read_failed": False, "loaded_address": A,
        "loaded_pipeline": "text-classification", "shown_text": f"Sandbox · x — {A}",
    }
    values.update(changes)
    return SourceChoice(**values)  # type: ignore[arg-type]


def test_a_read_fitting_shown_source_can_be_published_to() -> None:
    assert publish_wait_reason(_choice(), "text-classification") is None
    assert publish_wait_reason(_choice(shown_text=A.lower()), "text-classification") is None
    assert publish_wait_reason(_choice(loaded_pipeline="sentiment-analysis"),
                               "text-classification") is None


def test_publish_waits_for_the_read_of_the_source_picked_last() -> None:
    reading = _choice(reading_address=B, shown_text=B)
    assert publish_wait_reason(reading, "text-classification") == READING
    # Another address typed while a read runs: that address is not being read.
    assert publish_wait_reason(_choice(reading_address=B, shown_text=A),
                               "text-classification") == TYPED_NOT_READ


def test_a_typed_unread_address_an_empty_box_and_a_failed_read_wait() -> None:
    assert publish_wait_reason(_choice(shown_text=B), "text-classification") == TYPED_NOT_READ
    assert publish_wait_reason(_choice(shown_text=" "), "text-classification") == NO_SOURCE
    assert publish_wait_reason(_choice(loaded_address=None, shown_text=""),
                               "text-classification") == NO_SOURCE
    assert publish_wait_reason(_choice(loaded_address=None, read_failed=True, shown_text=B),
                               "text-classification") == READ_FAILED


def test_a_source_of_another_pipeline_waits_unless_custom_or_unknown() -> None:
    reason = publish_wait_reason(_choice(), "text-generation")
    assert reason == pipeline_misfit("text-classification", "text-generation")
    assert reason is not None
    assert reason.startswith(
        "This source runs text-classification, not text generation")
    assert publish_wait_reason(_choice(), "custom") is None
    assert publish_wait_reason(_choice(loaded_pipeline=None), "text-generation") is None
