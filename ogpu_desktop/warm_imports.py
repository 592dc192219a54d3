"""Imports modules on a worker thread ahead of their first use, so it does not stall the window.

A module imported for the first time from an event handler holds the window's thread for as long
as its import takes (tens of milliseconds for a panel and its viewers, or for the HTTP client's
transport, which httpx loads on its first request). Importing it beforehand on another thread
leaves the window's thread free meanwhile; Python's import locks make a use that comes first
simply wait for the import under way.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future

_log = logging.getLogger(__name__)


AHEAD_OF_USE = "AHEAD_OF_USE"
"""A module's attribute naming, as a sequence of module names, what its first use will import."""


def warm_imports(names: Sequence[str], *, with_ahead_of_use: bool = False) -> Future[None]:
    """Import ``names`` in order on a new daemon thread.

    Args:
        with_ahead_of_use: After each module, import also the modules its ``AHEAD_OF_USE``
            attribute names (a page's detail panel and viewers, say), in their order.

    Returns:
        A future done when all are imported; it holds the first import error, if any (the
        module is then imported, and fails, again where it is used).
    """
    done: Future[None] = Future()

    def run() -> None:
        try:
            for name in names:
                module = importlib.import_module(name)
                for later in getattr(module, AHEAD_OF_USE, ()) if with_ahead_of_use else ():
                    importlib.import_module(later)
        except Exception as exc:  # reported through the future
            _log.warning("importing %s ahead of time failed: %s", name, exc)
            done.set_exception(exc)
        else:
            done.set_result(None)

    threading.Thread(target=run, name="warm-imports", daemon=True).start()
    return done
