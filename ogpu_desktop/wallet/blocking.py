"""Running blocking wallet work (keychain calls, scrypt) off the event loop's thread."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S")


async def run_blocking(function: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Run ``function(*args, **kwargs)`` in the loop's default executor and return its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(function, *args, **kwargs))


def executor_twin(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], Coroutine[Any, Any, _R]]:
    """Return an async method that runs the blocking ``method`` in the default executor.

    Written in a class body (``create_account_async = executor_twin(create_account)``), it gives
    the event loop a twin with the same parameters, without a second definition to keep in step.
    """

    async def twin(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return await run_blocking(method, self, *args, **kwargs)

    twin.__name__ = f"{method.__name__}_async"
    twin.__qualname__ = f"{method.__qualname__}_async"
    twin.__doc__ = f":meth:`{method.__name__}` in the default executor, off the loop's thread."
    return twin
