"""Where each input of a batch stands, in the words of the batch page, its filters and exports."""

from __future__ import annotations

from enum import StrEnum

from ogpu_desktop.domain.task_status import TaskState


class BatchItemStatus(StrEnum):
    """The status of one input of a batch. The values are written in exports and stay stable."""

    REFUSED = "refused"
    """Never a task: the input can't be used (the reason goes beside it)."""
    PENDING = "pending"
    """Accepted, not published yet (still to come, paused or stopped)."""
    WAITING = "waiting"
    """Published; no answer yet."""
    FINISHED = "finished"
    """Answered."""
    FAILED = "failed"
    """Could not be published, or its provider failed instead of answering."""
    EXPIRED = "expired"
    """Its time ran out without an answer."""
    CANCELED = "canceled"
    """Canceled before a provider took it."""

    @property
    def label(self) -> str:
        """The word shown in the batch table."""
        return _LABELS[self]

    @property
    def is_final(self) -> bool:
        """Whether nothing more will happen to it without the user (a retry)."""
        return self not in (BatchItemStatus.PENDING, BatchItemStatus.WAITING)

    @property
    def can_retry(self) -> bool:
        """Whether "Retry" applies: a new task with the same settings, reviewed again."""
        return self in (BatchItemStatus.FAILED, BatchItemStatus.EXPIRED)

    @property
    def can_cancel(self) -> bool:
        """Whether "Cancel" applies (the chain still decides: only untaken tasks can be)."""
        return self is BatchItemStatus.WAITING


_LABELS = {
    BatchItemStatus.REFUSED: "Refused",
    BatchItemStatus.PENDING: "Not published yet",
    BatchItemStatus.WAITING: "Waiting",
    BatchItemStatus.FINISHED: "Finished",
    BatchItemStatus.FAILED: "Failed",
    BatchItemStatus.EXPIRED: "Expired",
    BatchItemStatus.CANCELED: "Canceled",
}


class BatchFilter(StrEnum):
    """The filters of the batch page; each shows the statuses :meth:`matches` lets through."""

    ALL = "all"
    FINISHED = "finished"
    WAITING = "waiting"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        """The filter's name as shown."""
        return _FILTER_LABELS[self]

    def matches(self, status: BatchItemStatus) -> bool:
        """Whether an input with ``status`` is shown under this filter."""
        return self is BatchFilter.ALL or status in _FILTERED[self]


_FILTER_LABELS = {
    BatchFilter.ALL: "All",
    BatchFilter.FINISHED: "Finished",
    BatchFilter.WAITING: "Waiting",
    BatchFilter.FAILED: "Failed or refused",
    BatchFilter.EXPIRED: "Expired or canceled",
}
_FILTERED = {
    BatchFilter.FINISHED: frozenset({BatchItemStatus.FINISHED}),
    BatchFilter.WAITING: frozenset({BatchItemStatus.PENDING, BatchItemStatus.WAITING}),
    BatchFilter.FAILED: frozenset({BatchItemStatus.FAILED, BatchItemStatus.REFUSED}),
    BatchFilter.EXPIRED: frozenset({BatchItemStatus.EXPIRED, BatchItemStatus.CANCELED}),
}


_BY_STATE = {
    TaskState.PUBLISHING: BatchItemStatus.WAITING,  # signed and journaled: it will land
    TaskState.NEW: BatchItemStatus.WAITING,
    TaskState.ATTEMPTED: BatchItemStatus.WAITING,
    TaskState.RESPONDED: BatchItemStatus.FINISHED,
    TaskState.FINALIZED: BatchItemStatus.FINISHED,
    TaskState.CANCELED: BatchItemStatus.CANCELED,
    TaskState.EXPIRED: BatchItemStatus.EXPIRED,
    TaskState.EXPIRED_UNSETTLED: BatchItemStatus.EXPIRED,
}


def item_status(state: TaskState | None, *, provider_failed: bool = False) -> BatchItemStatus:
    """The status of one accepted input of a batch, from its task's state.

    Args:
        state: The state of the input's task as every surface shows it
            (:func:`ogpu_desktop.domain.task_status.state_at`: expiry already applied), or
            ``None`` while the input has no task yet.
        provider_failed: The task's result is a provider's failure (an error view).

    Returns:
        The status: an answered task whose answer is a failure is failed, not finished.
    """
    if state is None:
        return BatchItemStatus.PENDING
    status = _BY_STATE[state]
    if status is BatchItemStatus.FINISHED and provider_failed:
        return BatchItemStatus.FAILED
    return status
