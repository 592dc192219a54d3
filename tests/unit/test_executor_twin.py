"""An executor twin runs its blocking method off the loop's thread, with the same arguments."""

from __future__ import annotations

import threading

import pytest

from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.blocking import executor_twin


class Slow:
    def __init__(self) -> None:
        self.threads: list[int] = []

    def work(self, first: int, second: int = 0, *, scale: int = 1) -> int:
        """Blocking work."""
        self.threads.append(threading.get_ident())
        if first < 0:
            raise ValueError("negative")
        return (first + second) * scale

    work_async = executor_twin(work)


@pytest.mark.asyncio
async def test_the_twin_runs_the_method_in_another_thread_with_its_arguments() -> None:
    slow = Slow()
    assert await slow.work_async(2, 3, scale=10) == 50
    assert await slow.work_async(4) == 4
    assert slow.threads[0] != threading.get_ident()
    with pytest.raises(ValueError, match="negative"):
        await slow.work_async(-1)
    assert Slow.work_async.__name__ == "work_async"
    assert Slow.work_async.__doc__ is not None
    assert ":meth:`work`" in Slow.work_async.__doc__


def test_every_blocking_wallet_operation_has_its_twin() -> None:
    for name in ("create_account", "import_private_key", "import_keystore", "export_keystore",
                 "reveal_key_for_backup", "remove", "ensure_sandbox_account"):
        assert getattr(Wallet, f"{name}_async").__qualname__ == f"Wallet.{name}_async"
