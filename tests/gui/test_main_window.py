"""The main window: navigation, status bar, banner, Help menu and remembered state."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop import __version__
from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.connection_status_bar import ConnectionState
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.pages.lazy_page_stack import LazyPageStack
from ogpu_desktop.ui.settings.settings_page import SettingsPage
from ogpu_desktop.ui.wallet.wallet_page import WalletPage


def test_navigation_lists_the_four_sections_and_switches_pages(main_window: MainWindow) -> None:
    titles = [main_window.navigation.item(i).text() for i in range(main_window.navigation.count())]
    assert titles == ["Compose", "Tasks", "Wallet", "Settings"]
    main_window.show_page(2)
    assert main_window.pages.currentWidget().objectName() == "walletPage"
    main_window.show_page(99)
    assert main_window.pages.currentWidget() is main_window.compose_page


def test_wallet_and_settings_are_their_real_pages_once_shown(main_window: MainWindow) -> None:
    # Pages are built on first show: before that only their loading stand-in exists.
    assert main_window.findChild(WalletPage, "walletPage") is None
    assert main_window.findChild(QWidget, "walletPageLoading") is not None
    main_window.show_page(2)
    assert isinstance(main_window.findChild(WalletPage, "walletPage"), WalletPage)
    assert main_window.findChild(QWidget, "walletPageLoading") is None
    main_window.show_page(3)
    assert isinstance(main_window.findChild(SettingsPage, "settingsPage"), SettingsPage)


def test_status_bar_starts_not_connected_and_shows_a_state(main_window: MainWindow) -> None:
    bar = main_window.status_bar
    assert bar.connection_label.text() == "Not connected"
    assert bar.chain_label.text() == "Chain ID: —"
    bar.show_connection(ConnectionState("Sandbox", 1337, 42, connected=True))
    assert bar.network_label.text() == "Network: Sandbox"
    assert bar.chain_label.text() == "Chain ID: 1337"
    assert bar.block_label.text() == "Block: 42"
    assert bar.connection_label.text() == "Connected"


def test_errors_appear_in_the_banner_as_plain_text(main_window: MainWindow) -> None:
    assert not main_window.banner.isVisible()
    main_window.show_error("<b>Payment</b> is below the source minimum.")
    assert main_window.banner.isVisible()
    assert main_window.banner.message() == "<b>Payment</b> is below the source minimum."


def test_copy_diagnostics_puts_versions_on_the_clipboard(main_window: MainWindow) -> None:
    main_window.help_menu.copy_diagnostics_action.trigger()
    text = QApplication.clipboard().text()
    assert __version__ in text
    assert "Connection: Not connected" in text
    assert str(main_window.paths.log_dir) in text
    assert "copied" in main_window.status_bar.currentMessage()


def test_geometry_and_page_are_remembered(qtbot: QtBot, profile: AppPaths) -> None:
    options = LaunchOptions()
    first = MainWindow(profile, options, AppSettings(profile.config_dir))
    qtbot.addWidget(first)
    with qtbot.waitExposed(first):
        first.show()
    first.resize(700, 510)
    first.show_page(3)
    first.close()

    second = MainWindow(profile, options, AppSettings(profile.config_dir))
    qtbot.addWidget(second)
    assert second.size() == QSize(700, 510)
    assert second.pages.currentWidget() is second.settings_page
    assert (profile.config_dir / "settings.ini").is_file()


def test_a_deferred_window_builds_no_page_and_sets_no_shortcut_before_its_first_paint(
    qtbot: QtBot, profile: AppPaths
) -> None:
    window = MainWindow(
        profile, LaunchOptions(), AppSettings(profile.config_dir), defer_pages=True
    )
    qtbot.addWidget(window)
    built: list[int] = []
    window.pages.page_built.connect(built.append)
    window.show_page(1)
    names = [window.pages.widget(row).objectName() for row in range(window.pages.count())]
    assert names == [
        "composePageLoading", "tasksPageLoading", "walletPageLoading", "settingsPageLoading"
    ]
    quit_action = window.findChild(QAction, "actionQuit")
    assert quit_action is not None
    assert quit_action.shortcut().isEmpty()

    window.after_first_paint()
    # Only the page shown is built; its stand-in is gone and the row is unchanged.
    assert built == [1]
    assert window.pages.currentWidget() is window.tasks_page
    assert window.pages.widget(0).objectName() == "composePageLoading"
    assert window.pages.count() == 4
    assert quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert window.findChild(QAction, "actionShowPage1").shortcut() == QKeySequence("Ctrl+1")

    window.show_page(0)
    assert built == [1, 0]
    assert window.pages.currentWidget().objectName() == "composePage"
    assert window.findChild(QWidget, "composePageLoading") is None
    window.show_page(1)
    window.after_first_paint()
    assert built == [1, 0]  # each page is built once


def test_reading_a_page_builds_it_without_showing_it(
    qtbot: QtBot, profile: AppPaths
) -> None:
    window = MainWindow(
        profile, LaunchOptions(), AppSettings(profile.config_dir), defer_pages=True
    )
    qtbot.addWidget(window)
    window.show_page(0)
    assert not window.has_page(2)
    page = window.wallet_page
    assert window.has_page(2)
    assert window.pages.widget(2) is page
    assert window.pages.currentIndex() == 0
    assert not window.has_page(0)  # the page shown waits for the first paint


SLOW_PAGE = """
import threading
from PySide6.QtWidgets import QLabel

import slow_page_gate

loaded_on = threading.current_thread().name
slow_page_gate.release.wait(30)


def make():
    label = QLabel("ready")
    label.setObjectName("slowPage")
    return label
"""


async def _until(condition: Callable[[], object], limit_s: float = 30.0) -> None:
    for _ in range(int(limit_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met")


@pytest.mark.asyncio
async def test_a_page_shown_before_its_module_is_loaded_is_built_once_it_is(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("slow_page", "slow_page_two"):
        (tmp_path / f"{name}.py").write_text(SLOW_PAGE)
    # The pages' modules stay mid-import until the test lets them finish, however fast the
    # worker thread runs: a module another thread is importing counts as not loaded yet.
    (tmp_path / "slow_page_gate.py").write_text("import threading\nrelease = threading.Event()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    gate = importlib.import_module("slow_page_gate")
    stack = LazyPageStack()
    qtbot.addWidget(stack)
    try:
        stack.add_page("firstLoading", "First", lambda: QLabel("first"))
        stack.add_page("slowLoading", "Slow",
                       lambda: importlib.import_module("slow_page").make(), "slow_page")
        stack.add_page("otherLoading", "Other",
                       lambda: importlib.import_module("slow_page_two").make(), "slow_page_two")
        stack.show()
        stack.open()
        assert stack.built(0) is not None  # no module to wait for: built at once
        stack.setCurrentIndex(1)
        # The placeholder stays while the module loads on the worker thread.
        assert stack.is_loading(1)
        assert stack.currentWidget().objectName() == "slowLoading"
        gate.release.set()
        await _until(lambda: stack.built(1) is not None)
        assert stack.currentWidget().objectName() == "slowPage"
        assert sys.modules["slow_page"].loaded_on == "warm-imports"
        # open() loaded the other page's module ahead: shown now, it is built at once.
        await _until(lambda: "slow_page_two" in sys.modules)
        stack.setCurrentIndex(2)
        assert stack.currentWidget().objectName() == "slowPage"
        assert stack.built(2) is stack.currentWidget()
    finally:
        gate.release.set()
        for name in ("slow_page", "slow_page_two", "slow_page_gate"):
            sys.modules.pop(name, None)
