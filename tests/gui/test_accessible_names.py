"""Every control a keyboard reaches has a name a screen reader can say."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QLabel, QWidget

from ogpu_desktop.ui.main_window import COMPOSE_ROW, SETTINGS_ROW, WALLET_ROW, MainWindow
from ogpu_desktop.wallet.accounts import Wallet
from tests.gui.wallet_helpers import settle
from tests.helpers.keychain import no_keychain

__all__ = ["no_keychain"]


def _has_name(widget: QWidget, labels: list[QLabel]) -> bool:
    if widget.accessibleName():
        return True
    if isinstance(widget, QAbstractButton) and widget.text():
        return True
    if isinstance(widget.parent(), QAbstractSpinBox):
        return True  # the spin box's own line edit: the spin box carries the name
    return any(label.buddy() is widget and label.text() for label in labels)


def unnamed_controls(page: QWidget) -> list[str]:
    """The keyboard-reachable, visible controls of ``page`` that have no name."""
    labels = page.findChildren(QLabel)
    return [
        f"{type(child).__name__} {child.objectName()!r} in {child.parent().objectName()!r}"
        for child in page.findChildren(QWidget)
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isVisibleTo(page)
        and not _has_name(child, labels)
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("row", [COMPOSE_ROW, WALLET_ROW, SETTINGS_ROW],
                         ids=["compose", "wallet", "settings"])
async def test_every_reachable_control_has_a_name(
    main_window: MainWindow, tmp_path: Path, no_keychain: None, row: int
) -> None:
    if row == WALLET_ROW:
        wallet = Wallet.for_config_dir(tmp_path / "config")
        view = main_window.wallet_page.set_wallet(wallet)
        view.use_session_only()
        wallet.create_account("Everyday", session_only=True)
        view.refresh_accounts()
        await settle()  # the keychain check the view starts
    main_window.show_page(row)
    # The page is built once its module is imported (on a worker thread when it is not yet):
    # waited for here, so no build is left pending when the test ends.
    for _ in range(500):
        if not main_window.pages.is_loading(row):
            break
        await asyncio.sleep(0.01)
    QApplication.processEvents()
    page = main_window.pages.currentWidget()
    assert page.findChildren(QWidget)  # the real page, not its stand-in
    assert unnamed_controls(page) == []
    assert main_window.navigation.accessibleName() == "Sections"
