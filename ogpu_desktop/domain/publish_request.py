"""One publish as the Compose page asks for it: the tasks, their source and their terms."""

from __future__ import annotations

from dataclasses import dataclass

from ogpu_desktop.domain.payload import TaskPayloads


@dataclass(frozen=True)
class PublishRequest:
    """Everything a publish needs from the page, read at the moment Publish was pressed.

    Attributes:
        payloads: The task config(s) the form built, with its task type.
        source: The source's address, read and checked for this task type.
        payment_wei: The payment per task.
        duration_s: The task lifetime, in seconds from the moment it is signed.
    """

    payloads: TaskPayloads
    source: str
    payment_wei: int
    duration_s: int

    @property
    def task_type(self) -> str:
        """The task type the form was for."""
        return self.payloads.task_type
