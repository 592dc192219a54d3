"""Typed progress events the services emit, and a tiny subscription hub (no Qt)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

E = TypeVar("E")
log = logging.getLogger(__name__)


class PublishStage(StrEnum):
    """The stages one task goes through when published."""

    PIN = "pin"
    SIGN = "sign"
    SEND = "send"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class PublishProgress:
    """One step of publishing task ``index`` of ``total`` (0-based index).

    Attributes:
        tx_hash: Known from the SIGN stage on.
        task: The new task's address, at CONFIRMED.
        message: Plain words for the UI (the error's message at FAILED).
    """

    stage: PublishStage
    index: int
    total: int
    message: str = ""
    tx_hash: str | None = None
    task: str | None = None


ProgressCallback = Callable[[PublishProgress], None]


class EventHub(Generic[E]):
    """Subscribers receive every emitted event in order; a failing subscriber is logged only."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[E], None]] = []

    def subscribe(self, callback: Callable[[E], None]) -> Callable[[], None]:
        """Add ``callback``; return a function that removes it."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, event: E) -> None:
        """Deliver ``event`` to every subscriber."""
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("an event subscriber failed")
