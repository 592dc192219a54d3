"""One immutable row of the task list, and the task states the list shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TaskState(StrEnum):
    """What the list says about a task (the on-chain status, plus local publishing)."""

    PUBLISHING = "publishing"
    NEW = "new"
    ATTEMPTED = "attempted"
    RESPONDED = "responded"
    FINALIZED = "finalized"
    CANCELED = "canceled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        """The badge text."""
        return _LABELS[self]

    @property
    def is_final(self) -> bool:
        """Whether the state can no longer change."""
        return self in (TaskState.FINALIZED, TaskState.CANCELED, TaskState.EXPIRED)


_LABELS = {
    TaskState.PUBLISHING: "Publishing",
    TaskState.NEW: "Published",
    TaskState.ATTEMPTED: "Attempted",
    TaskState.RESPONDED: "Responded",
    TaskState.FINALIZED: "Finalized",
    TaskState.CANCELED: "Canceled",
    TaskState.EXPIRED: "Expired",
}


@dataclass(frozen=True)
class TaskRow:
    """A task as the list shows it; replaced as a whole when anything changes.

    Attributes:
        address: The task contract address (the row's identity).
        task_type: Task type key of the catalogue.
        source: The source contract address.
        state: The task's state.
        created: When the task was published (timezone-aware).
        expiry: When the task expires (timezone-aware).
        responses: How many responses arrived.
        payment_wei: The payment offered, in wei.
        previous_run: The task belongs to an earlier run of a Sandbox that was restarted since:
            that chain is gone, so the task can no longer change.
    """

    address: str
    task_type: str
    source: str
    state: TaskState
    created: datetime
    expiry: datetime
    responses: int
    payment_wei: int
    previous_run: bool = False

    def shown_state(self, now: datetime) -> TaskState:
        """The state to show at ``now``: an unfinished task past its expiry shows as expired."""
        if self.previous_run:
            return self.state
        if not self.state.is_final and self.state is not TaskState.RESPONDED and now >= self.expiry:
            return TaskState.EXPIRED
        return self.state
