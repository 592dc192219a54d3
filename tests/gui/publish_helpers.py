"""Shared pieces of the publish GUI tests: a real connection to the test Sandbox, and waiting."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtWidgets import QWidget

from ogpu_desktop.services.connection import Connection, NetworkChoice
from ogpu_desktop.store import Store
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.key_store import SessionKeyStore
from tests.helpers.sandbox import fund

W = TypeVar("W", bound=QWidget)


def dispose(widget: QWidget) -> None:
    """Hide and delete ``widget`` now, on this (the Qt) thread.

    Left to Python's garbage collector, a widget could be destroyed on an executor thread
    during a later test (Qt warns about timers then, or crashes).
    """
    if shiboken6.isValid(widget):
        # Hidden, not closed: closing the last window would post a quit for a later loop.
        widget.hide()
        shiboken6.delete(widget)
    collect_garbage()


def collect_garbage() -> None:
    """Free this test's cyclic garbage now, on the Qt thread (see :func:`dispose`)."""
    gc.collect()


@contextmanager
def shown(widget: W) -> Iterator[W]:
    """Show ``widget`` for the block, then dispose of it."""
    widget.show()
    try:
        yield widget
    finally:
        dispose(widget)


def is_closed(widget: QWidget) -> bool:
    """True once ``widget`` is hidden or deleted."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


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
        collect_garbage()


async def answer_transaction(parent: QWidget, *, sign: bool) -> dict[str, str]:
    """Wait for the transaction confirmation over ``parent``, press Sign or Go back.

    Returns:
        What the dialog showed: its headline and each fact (``fee``, ``total``...).
    """
    from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import (  # noqa: PLC0415
        ConfirmTransactionDialog,
    )

    dialog = await visible_dialog(parent, ConfirmTransactionDialog)
    shown = {key: label.text() for key, label in dialog.fields.items()}
    shown["headline"] = dialog.headline.text()
    (dialog.sign_button if sign else dialog.cancel_button).click()
    await wait_for(lambda: is_closed(dialog), "the transaction dialog to close")
    return shown
