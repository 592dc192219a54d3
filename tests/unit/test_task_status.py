"""The task-state vocabulary: lazy expiry, earlier runs, and words for every state."""

from __future__ import annotations

import pytest

from ogpu_desktop.domain.task_status import (
    ANSWERED_PAST_EXPIRY_NOTE,
    TaskState,
    state_at,
    state_note,
    state_of,
)


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        (0, 999, TaskState.NEW),
        (0, 1000, TaskState.NEW),  # the contracts expire a task strictly after its time
        (0, 1001, TaskState.EXPIRED_UNSETTLED),
        (1, 1001, TaskState.EXPIRED_UNSETTLED),
        (2, 1001, TaskState.RESPONDED),
        (3, 1001, TaskState.CANCELED),
        (4, 5, TaskState.EXPIRED),
        (5, 5000, TaskState.FINALIZED),
        (99, 5, TaskState.NEW),
    ],
)
def test_state_at_applies_the_lazy_expiry(status: int, now: int, expected: TaskState) -> None:
    assert state_at(status, 1000, now) is expected


def test_a_task_of_a_gone_chain_shows_as_last_seen() -> None:
    assert state_at(0, 1000, 5000, chain_gone=True) is TaskState.NEW
    assert state_note(0, 1000, 5000, chain_gone=True) == ""


def test_every_state_has_distinct_plain_words_and_a_stable_value() -> None:
    labels = [state.label for state in TaskState]
    assert len(set(labels)) == len(labels)
    assert all(state.explanation.endswith(".") for state in TaskState)
    assert [state_of(s).value for s in range(6)] == [
        "new", "attempted", "responded", "canceled", "expired", "finalized"
    ]


def test_running_and_final_states() -> None:
    assert {s for s in TaskState if s.is_final} == {
        TaskState.FINALIZED, TaskState.CANCELED, TaskState.EXPIRED
    }
    assert not TaskState.EXPIRED_UNSETTLED.is_running
    assert TaskState.RESPONDED.is_running


def test_notes_say_what_happens_to_the_payment() -> None:
    assert state_note(0, 1000, 1001) == TaskState.EXPIRED_UNSETTLED.explanation
    assert state_note(2, 1000, 1001) == ANSWERED_PAST_EXPIRY_NOTE
    assert state_note(2, 1000, 999) == ""
    assert state_note(5, 1000, 1001) == ""
