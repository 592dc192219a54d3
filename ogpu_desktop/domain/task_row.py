"""One immutable row of the task list (its states and their words live in the domain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ogpu_desktop.domain.task_status import TaskState, state_at

__all__ = ["TaskRow", "TaskState"]


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
        history_key: The store key of that earlier run (``None`` for the current run).
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
    history_key: int | None = None

    @property
    def key(self) -> str:
        """The row's identity in the list: the address, plus the run for an earlier run's task.

        A new run of a Sandbox reuses task addresses, so an earlier run's task and the current
        task at the same address are two rows.
        """
        address = self.address.lower()
        return address if self.history_key is None else f"{address}@{self.history_key}"

    def shown_state(self, now: datetime) -> TaskState:
        """The state to show at ``now`` (the domain's rule, as every other surface shows it)."""
        return state_at(self.state, self.expiry.timestamp(), now.timestamp(),
                        chain_gone=self.previous_run)
