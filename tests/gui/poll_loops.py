"""The task tests' running poll loops, asked to stop as each test returns (see conftest).

pytest-qt processes Qt events right after each test, while the qasync loop is not running: a
poll loop stepped then would start its next pause outside a running loop and leave an
un-awaited coroutine behind (a warning that fails the test). Asked to stop first, it just ends.
"""

from __future__ import annotations

import asyncio

_STOPS: list[asyncio.Event] = []


def following(stop: asyncio.Event) -> None:
    """Remember the stop event of a poll loop that runs now."""
    _STOPS.append(stop)


def stopped(stop: asyncio.Event) -> None:
    """Forget a poll loop that was stopped."""
    if stop in _STOPS:
        _STOPS.remove(stop)


def stop_following() -> None:
    """Ask every remembered poll loop to end."""
    for stop in _STOPS:
        stop.set()
