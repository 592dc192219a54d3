"""The one vocabulary of task states, shown alike by the task list, detail, export and notices."""

from __future__ import annotations

from enum import StrEnum

NEW, ATTEMPTED, RESPONDED, CANCELED, EXPIRED, FINALIZED = range(6)
"""The on-chain ``TaskStatus`` values."""
ON_CHAIN_FINAL = frozenset({CANCELED, EXPIRED, FINALIZED})


class TaskState(StrEnum):
    """What the app says about a task.

    The values are stable (the Tasks page's state filter carries them as item data and exports
    write them); the words a person reads are :attr:`label` and :attr:`explanation`.
    """

    PUBLISHING = "publishing"
    NEW = "new"
    ATTEMPTED = "attempted"
    RESPONDED = "responded"
    FINALIZED = "finalized"
    CANCELED = "canceled"
    EXPIRED = "expired"
    EXPIRED_UNSETTLED = "expired_unsettled"
    """Past its expiry time while the chain still says NEW or ATTEMPTED (expiry is lazy)."""

    @property
    def label(self) -> str:
        """The few words shown for the state (badge, detail, export, notification)."""
        return _LABELS[self]

    @property
    def explanation(self) -> str:
        """One or two plain sentences: what the state means for the task and its payment."""
        return _EXPLANATIONS[self]

    @property
    def is_final(self) -> bool:
        """Whether the chain has settled the task (it can no longer change)."""
        return self in (TaskState.FINALIZED, TaskState.CANCELED, TaskState.EXPIRED)

    @property
    def is_running(self) -> bool:
        """Whether the task can still get or settle an answer (not final, not past expiry)."""
        return not self.is_final and self is not TaskState.EXPIRED_UNSETTLED


_LABELS = {
    TaskState.PUBLISHING: "Publishing",
    TaskState.NEW: "Waiting for a provider",
    TaskState.ATTEMPTED: "Being worked on",
    TaskState.RESPONDED: "Answered",
    TaskState.FINALIZED: "Done",
    TaskState.CANCELED: "Canceled",
    TaskState.EXPIRED: "Expired",
    TaskState.EXPIRED_UNSETTLED: "Expired — payment not yet returned",
}

_EXPLANATIONS = {
    TaskState.PUBLISHING: "The task is being sent to the network.",
    TaskState.NEW: "Published. No provider has taken the task yet; you can still cancel it and "
    "get its payment back.",
    TaskState.ATTEMPTED: "A provider took the task and is working on it.",
    TaskState.RESPONDED: "An answer arrived. Where the source waits for your confirmation, "
    "choose the answer you accept and confirm it: the provider is paid then.",
    TaskState.FINALIZED: "The task is finished and its provider was paid.",
    TaskState.CANCELED: "Canceled before any provider took it; the payment went back to your "
    "vault.",
    TaskState.EXPIRED: "Its time ran out without an accepted answer; the payment went back to "
    "your vault.",
    TaskState.EXPIRED_UNSETTLED: "Its time ran out without an answer. The payment stays held "
    "until the network settles the task (the next time anyone touches it); then it goes back "
    "to your vault.",
}

ANSWERED_PAST_EXPIRY_NOTE = (
    "The task's time is up, but its answer arrived in time: you can still confirm an answer. "
    "Once the network settles the task, its payment goes back to your vault instead."
)

_BY_STATUS = {
    NEW: TaskState.NEW,
    ATTEMPTED: TaskState.ATTEMPTED,
    RESPONDED: TaskState.RESPONDED,
    CANCELED: TaskState.CANCELED,
    EXPIRED: TaskState.EXPIRED,
    FINALIZED: TaskState.FINALIZED,
}


def state_of(status: int) -> TaskState:
    """The state of an on-chain ``TaskStatus`` value, as stored (unknown values read as NEW)."""
    return _BY_STATUS.get(status, TaskState.NEW)


def past_expiry(expiry_time: float, now: float) -> bool:
    """Whether ``now`` is after the expiry time (the contracts' own rule: strictly after)."""
    return now > expiry_time


def state_at(
    status: int | TaskState, expiry_time: float, now: float, *, chain_gone: bool = False
) -> TaskState:
    """The state to show for a task at ``now``: every surface asks this one function.

    Expiry is lazy on chain: the status stays NEW or ATTEMPTED after the expiry time until
    someone touches the task, so such a task shows as expired with its payment not yet
    returned. A RESPONDED task keeps showing as answered: its answer came in time and can still
    be confirmed until the task is settled.

    Args:
        status: The stored on-chain status (or a state already derived from it).
        expiry_time: The task's expiry, unix seconds.
        now: The time to judge at, unix seconds.
        chain_gone: The task belongs to a chain that no longer runs (an earlier Sandbox run):
            it shows as it was last seen.

    Returns:
        The state to show.
    """
    state = status if isinstance(status, TaskState) else state_of(status)
    if chain_gone:
        return state
    if state in (TaskState.NEW, TaskState.ATTEMPTED) and past_expiry(expiry_time, now):
        return TaskState.EXPIRED_UNSETTLED
    return state


def state_note(
    status: int | TaskState, expiry_time: float, now: float, *, chain_gone: bool = False
) -> str:
    """A note to show beside the state when it needs one ("" otherwise).

    Said for a task past its expiry whose payment is still held (why, and what happens), and for
    an answered task past its expiry (it can still be confirmed).
    """
    state = state_at(status, expiry_time, now, chain_gone=chain_gone)
    if chain_gone:
        return ""
    if state is TaskState.EXPIRED_UNSETTLED:
        return state.explanation
    if state is TaskState.RESPONDED and past_expiry(expiry_time, now):
        return ANSWERED_PAST_EXPIRY_NOTE
    return ""
