"""A request cancelled while waiting for web3's HTTP session lock does not keep the lock."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from web3._utils import http_session_manager

from ogpu_desktop.chain.session_lock import cancel_safe_lock, install


@pytest.mark.asyncio
async def test_a_cancelled_wait_gives_the_lock_back_once_its_thread_takes_it() -> None:
    lock = threading.Lock()
    lock.acquire()  # another request holds it
    with ThreadPoolExecutor(max_workers=1) as pool:

        async def request() -> None:
            async with cancel_safe_lock(pool, lock):
                pytest.fail("the cancelled request must never run")

        waiting = asyncio.ensure_future(request())
        await asyncio.sleep(0.05)  # the pool thread is now blocked in lock.acquire
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        lock.release()  # the holder finishes; the abandoned thread takes the lock next
        for _ in range(100):
            await asyncio.sleep(0.01)
            if lock.acquire(blocking=False):
                break
        else:
            pytest.fail("the lock stayed taken after the cancelled wait")
        lock.release()

        # And the normal path holds the lock inside the block and frees it after.
        async with cancel_safe_lock(pool, lock):
            assert lock.locked()
        assert not lock.locked()


def test_install_replaces_web3s_session_lock() -> None:
    install()
    assert http_session_manager.async_lock is cancel_safe_lock  # type: ignore[attr-defined]
