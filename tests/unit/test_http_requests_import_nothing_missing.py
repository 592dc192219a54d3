"""An HTTP request looks for no module that is not installed (each miss searches every path)."""

from __future__ import annotations

import asyncio
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

import httpcore._synchronization


class _Misses(importlib.abc.MetaPathFinder):
    """Last on the finder list: asked only for names no other finder could find."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        self.names.append(fullname)
        return None


def test_telling_the_async_library_finds_every_module_it_imports() -> None:
    misses = _Misses()
    sys.meta_path.append(misses)
    try:
        async def ask() -> str:
            return httpcore._synchronization.current_async_library()

        assert asyncio.run(ask()) == "asyncio"
    finally:
        sys.meta_path.remove(misses)
    assert misses.names == []
