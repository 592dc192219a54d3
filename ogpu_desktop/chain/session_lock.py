"""Makes web3's HTTP session lock safe to cancel: a cancelled request must not keep it forever.

web3 (7.x) takes one process-wide ``threading.Lock`` for every async HTTP request by running
``lock.acquire`` in a thread pool. When the awaiting request is cancelled (the app cancels reads
when it switches task, source or network, and when it closes), that thread still takes the lock
later and nobody gives it back: every later request of the process waits forever, and the process
cannot exit (web3.py issue #3867). This replacement waits for the acquisition while shielding it,
and releases the lock as soon as an abandoned acquisition completes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from web3._utils import http_session_manager


@asynccontextmanager
async def cancel_safe_lock(
    thread_pool: ThreadPoolExecutor, lock: threading.Lock
) -> AsyncIterator[None]:
    """Hold ``lock`` for the block, taking it in ``thread_pool`` without blocking the loop."""
    taking = asyncio.get_running_loop().run_in_executor(thread_pool, lock.acquire)
    try:
        await asyncio.shield(taking)
    except asyncio.CancelledError:
        # The thread takes the lock all the same: give it back once it has it.
        taking.add_done_callback(lambda done: _release_if_taken(done, lock))
        raise
    try:
        yield
    finally:
        lock.release()


def _release_if_taken(done: asyncio.Future[bool], lock: threading.Lock) -> None:
    if not done.cancelled() and done.exception() is None and done.result():
        lock.release()


def install() -> None:
    """Use :func:`cancel_safe_lock` for web3's HTTP sessions (idempotent)."""
    http_session_manager.async_lock = cancel_safe_lock  # type: ignore[attr-defined]
