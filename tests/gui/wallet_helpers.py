"""Shared pieces of the Wallet page tests: a real wallet, the page, and polling on the Qt loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.ui.wallet.import_account_dialog import ImportAccountDialog
from ogpu_desktop.ui.wallet.wallet_page import WalletPage
from ogpu_desktop.ui.wallet.wallet_view import WalletView
from ogpu_desktop.wallet import Wallet

W = TypeVar("W", bound=QWidget)


async def wait_for(condition: Callable[[], object], what: str, limit_s: float = 20.0) -> None:
    """Let the Qt loop run until ``condition()`` is true; fail saying ``what`` did not happen."""
    for _ in range(int(limit_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still waiting for: {what}")


async def settle() -> None:
    """Let every other task on the loop finish (actions a click scheduled)."""
    current = asyncio.current_task()
    for _ in range(50):
        # A finished action may start another one (an import chooses the active account).
        others = [task for task in asyncio.all_tasks() if task is not current]
        if not others:
            return
        await asyncio.wait(others, timeout=20)
        await asyncio.sleep(0.01)


async def open_dialog(parent: QWidget, kind: type[W]) -> W:
    """Wait for a visible dialog of ``kind`` among ``parent``'s children and return it."""
    found: list[W] = []

    def visible() -> bool:
        found[:] = [d for d in parent.findChildren(kind) if d.isVisible()]
        return bool(found)

    await wait_for(visible, f"a {kind.__name__}")
    return found[-1]


async def wallet_page(qtbot: QtBot, wallet: Wallet) -> tuple[WalletPage, WalletView]:
    """The Wallet page showing ``wallet``, on screen, with its keychain check done."""
    page = WalletPage()
    # Deleted by Qt when qtbot closes it, on this thread: left to Python's garbage collector, it
    # could be destroyed on an executor thread later (Qt warns about timers then).
    page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    view = page.set_wallet(wallet)
    await wait_for(lambda: view.keychain_checked, "the keychain check")
    return page, view


def is_closed(widget: QWidget) -> bool:
    """True once ``widget`` is hidden or deleted (dialogs delete themselves on close)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def texts_in_line_edits() -> list[str]:
    """The text of every line edit alive in the application."""
    return [w.text() for w in QApplication.allWidgets() if isinstance(w, QLineEdit)]


async def session_view(qtbot: QtBot, wallet: Wallet) -> tuple[WalletPage, WalletView]:
    """The page after the user accepted session-only accounts."""
    page, view = await wallet_page(qtbot, wallet)
    view.keychain_banner.session_button.click()
    assert view.session_only
    return page, view


async def import_hex(view: WalletView, key: str, label: str = "") -> ImportAccountDialog:
    """Import ``key`` through the dialog, as a user would, and let the actions finish."""
    view.import_button.click()
    dialog = await open_dialog(view, ImportAccountDialog)
    dialog.label_edit.setText(label)
    dialog.hex_edit.setText(key)
    dialog.import_button.click()
    await settle()
    return dialog
