"""Where each input of a batch stands: from its task's state, and the batch page's filters."""

from __future__ import annotations

import pytest

from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus, item_status
from ogpu_desktop.domain.task_status import NEW, TaskState, state_at


@pytest.mark.parametrize(
    ("state", "failed", "status"),
    [
        (None, False, BatchItemStatus.PENDING),
        (TaskState.PUBLISHING, False, BatchItemStatus.WAITING),
        (TaskState.NEW, False, BatchItemStatus.WAITING),
        (TaskState.ATTEMPTED, False, BatchItemStatus.WAITING),
        (TaskState.EXPIRED_UNSETTLED, False, BatchItemStatus.EXPIRED),
        (TaskState.RESPONDED, False, BatchItemStatus.FINISHED),
        (TaskState.FINALIZED, False, BatchItemStatus.FINISHED),
        (TaskState.FINALIZED, True, BatchItemStatus.FAILED),
        (TaskState.RESPONDED, True, BatchItemStatus.FAILED),
        (TaskState.CANCELED, False, BatchItemStatus.CANCELED),
        (TaskState.EXPIRED, False, BatchItemStatus.EXPIRED),
        (TaskState.EXPIRED, True, BatchItemStatus.EXPIRED),
    ],
)
def test_status_of_each_task_state(
    state: TaskState | None, failed: bool, status: BatchItemStatus
) -> None:
    assert item_status(state, provider_failed=failed) is status


def test_lazy_expiry_on_chain_reads_as_expired() -> None:
    # The chain still says NEW after the expiry time; the one vocabulary says expired.
    state = state_at(NEW, expiry_time=1_000, now=1_001)

    assert item_status(state) is BatchItemStatus.EXPIRED
    assert item_status(state_at(NEW, expiry_time=1_000, now=999)) is BatchItemStatus.WAITING


def test_every_task_state_has_a_status() -> None:
    assert {item_status(state) for state in TaskState} <= set(BatchItemStatus)


def test_final_retry_and_cancel_follow_the_status() -> None:
    final = {s for s in BatchItemStatus if s.is_final}
    retry = {s for s in BatchItemStatus if s.can_retry}
    cancel = {s for s in BatchItemStatus if s.can_cancel}

    assert final == set(BatchItemStatus) - {BatchItemStatus.PENDING, BatchItemStatus.WAITING}
    assert retry == {BatchItemStatus.FAILED, BatchItemStatus.EXPIRED}
    assert cancel == {BatchItemStatus.WAITING}


def test_every_status_is_under_all_and_exactly_one_other_filter_but_nothing_lost() -> None:
    for status in BatchItemStatus:
        assert BatchFilter.ALL.matches(status)
        matching = [f for f in BatchFilter if f is not BatchFilter.ALL and f.matches(status)]
        assert len(matching) == 1, status
    assert BatchFilter.WAITING.matches(BatchItemStatus.PENDING)
    assert BatchFilter.FAILED.matches(BatchItemStatus.REFUSED)
    assert BatchFilter.EXPIRED.matches(BatchItemStatus.CANCELED)
    assert [f.label for f in BatchFilter] == [
        "All", "Finished", "Waiting", "Failed or refused", "Expired or canceled"
    ]
    assert BatchItemStatus.PENDING.label == "Not published yet"
