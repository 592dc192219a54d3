"""Runs coroutine slot handlers on the asyncio loop and shows their errors in the window."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast, runtime_checkable

import shiboken6
from PySide6.QtCore import QObject
from qasync import asyncSlot

from ogpu_desktop.errors import UserFacingError

_log = logging.getLogger(__name__)

GENERIC_ERROR_MESSAGE = (
    "Something went wrong. The details are in the log file (Help → Open log folder)."
)

P = ParamSpec("P")
S = TypeVar("S", bound=QObject)


@runtime_checkable
class ErrorSink(Protocol):
    """Something that can show an error message to the user inside the window."""

    def show_error(self, message: str) -> None:
        """Show ``message`` (plain text) where the user will see it."""


_default_sink: ErrorSink | None = None


def set_default_error_sink(sink: ErrorSink | None) -> None:
    """Use ``sink`` for handlers whose widget has no :class:`ErrorSink` among its parents."""
    global _default_sink  # noqa: PLW0603 - one window per process owns the fallback
    _default_sink = sink


def user_message(exc: BaseException) -> str:
    """Return what to tell the user about ``exc``: its own message only if it is meant for them."""
    if isinstance(exc, UserFacingError):
        return exc.message
    return GENERIC_ERROR_MESSAGE


def find_error_sink(obj: QObject | None) -> ErrorSink | None:
    """Return the nearest :class:`ErrorSink` among ``obj`` and its parents, or the default one."""
    while obj is not None:
        if isinstance(obj, ErrorSink):
            return obj
        obj = obj.parent()
    return _default_sink


def report_error(origin: QObject | None, exc: BaseException, action: str) -> None:
    """Log ``exc`` and show the user a message about it near ``origin``."""
    if isinstance(exc, UserFacingError):
        _log.info("%s failed: %s", action, exc.message)
    else:
        _log.error("%s failed", action, exc_info=exc)
    sink = find_error_sink(origin)
    if sink is not None:
        sink.show_error(user_message(exc))


def async_action(
    trigger: str | None = None,
) -> Callable[
    [Callable[Concatenate[S, P], Awaitable[None]]],
    Callable[Concatenate[S, P], asyncio.Task[None]],
]:
    """Turn an ``async`` method into a Qt slot that cannot leak an exception.

    While the coroutine runs, the widget or action named ``trigger`` (an attribute of ``self``) is
    disabled, so a second click cannot start it twice. A :class:`UserFacingError` is shown as it
    is; anything else is logged with its traceback and shown as a short generic message.

    Args:
        trigger: Attribute name of the button or action to disable while the handler runs.

    Returns:
        A decorator for methods of a ``QObject``.
    """

    def decorate(
        fn: Callable[Concatenate[S, P], Awaitable[None]],
    ) -> Callable[Concatenate[S, P], asyncio.Task[None]]:
        @functools.wraps(fn)
        async def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> None:
            control = getattr(self, trigger) if trigger else None
            if control is not None:
                control.setEnabled(False)
            try:
                await fn(self, *args, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                report_error(self, exc, fn.__qualname__)
            finally:
                if control is not None and shiboken6.isValid(control):
                    control.setEnabled(True)

        slot: Any = asyncSlot()(guarded)
        return cast("Callable[Concatenate[S, P], asyncio.Task[None]]", slot)

    return decorate
