"""Shared pieces of the publish GUI tests: a real connection to the test Sandbox, and waiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from ogpu_desktop.services.connection import Connection, NetworkChoice
from ogpu_desktop.store import Store
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.key_store import SessionKeyStore
from tests.helpers.sandbox import fund

W = TypeVar("W", bound=QWidget)


async def wait_for(condition: Callable[[], object], what: str, limit_s: float = 60.0) -> None:
    """Let the Qt loop run until ``condition()`` is true; fail saying ``what`` did not happen."""
    for _ in range(int(limit_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still waiting for: {what}")


async def visible_dialog(parent: QWidget, kind: type[W], limit_s: float = 60.0) -> W:
    """Wait for a visible dialog of ``kind`` among ``parent``'s children and return it."""
    found: list[W] = []

    def visible() -> bool:
        found[:] = [d for d in parent.findChildren(kind) if d.isVisible()]
        return bool(found)

    await wait_for(visible, f"a {kind.__name__}", limit_s)
    return found[-1]


@asynccontextmanager
async def sandbox_connection(
    info: dict[str, Any], folder: Path, *, funded: bool = True
) -> AsyncIterator[Connection]:
    """A connection to the test Sandbox with a session-only account, funded from the faucet."""
    store = Store(folder / "history.sqlite3")
    wallet = Wallet(folder / "wallet.json", keychain=SessionKeyStore())
    account = wallet.create_account("Test", session_only=True).account
    wallet.set_active(account.address)
    if funded:
        fund(info, account.address)
    connection = await Connection.open(
        NetworkChoice("sandbox", sandbox_url=info["rpc_url"]), store, wallet
    )
    try:
        yield connection
    finally:
        await connection.close()
        store.close()
