"""The first-run network choice, and how the start-up network is picked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.controller.network_pick import choice_for, network_was_chosen, pick_network
from ogpu_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
from ogpu_desktop.ui.settings.preferences import Preferences, PreferencesStore
from tests.gui.publish_helpers import shown, visible_dialog


@pytest.fixture
def parent(qtbot: QtBot) -> Iterator[QWidget]:
    """The window behind the dialog: closing the dialog must not end the Qt loop."""
    with shown(QWidget()) as widget:
        yield widget


@pytest.fixture
def dialog(parent: QWidget) -> Iterator[FirstRunDialog]:
    with shown(FirstRunDialog(parent)) as widget:
        yield widget


def test_sandbox_is_preselected_and_every_network_is_explained(dialog: FirstRunDialog) -> None:
    assert dialog.choice() == "sandbox"
    assert dialog.buttons["sandbox"].isChecked()
    assert "free, offline, on this computer" in dialog.buttons["sandbox"].text()
    assert list(dialog.buttons) == ["sandbox", "testnet", "mainnet", "custom"]
    note = dialog.findChild(QLabel, "firstRun.mainnet_note")
    assert note is not None
    assert "real money" in note.text()
    dialog.buttons["mainnet"].click()
    assert dialog.choice() == "mainnet"


def test_closing_the_dialog_keeps_the_choice_shown(dialog: FirstRunDialog) -> None:
    dialog.buttons["testnet"].click()
    dialog.reject()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    assert dialog.choice() == "testnet"


@pytest.mark.asyncio
async def test_first_run_asks_once_and_saves_the_choice(
    parent: QWidget, profile: AppPaths
) -> None:
    settings = AppSettings(profile.config_dir)
    assert not network_was_chosen(settings.path)
    picking = asyncio.ensure_future(pick_network(LaunchOptions(), settings.path, parent))
    dialog = await visible_dialog(parent, FirstRunDialog, 10)
    dialog.buttons["testnet"].click()
    dialog.start_button.click()
    kind, preferences = await picking
    assert (kind, preferences.network) == ("testnet", "testnet")
    assert network_was_chosen(settings.path)
    assert PreferencesStore(settings.path).load().network == "testnet"
    # The second start asks nothing.
    kind, _ = await asyncio.wait_for(pick_network(LaunchOptions(), settings.path, parent), 5)
    assert kind == "testnet"
    assert not [d for d in parent.findChildren(FirstRunDialog) if d.isVisible()]


@pytest.mark.asyncio
async def test_the_command_line_wins_over_the_saved_choice(
    parent: QWidget, profile: AppPaths
) -> None:
    settings = AppSettings(profile.config_dir)
    PreferencesStore(settings.path).save(Preferences(network="testnet"))
    options = LaunchOptions(network="mainnet", rpc="https://rpc.example")
    kind, preferences = await asyncio.wait_for(pick_network(options, settings.path, parent), 5)
    assert kind == "mainnet"
    choice = choice_for(kind, options, preferences)
    assert choice.rpc_url == "https://rpc.example"
    # --sandbox-url alone means the Sandbox, attached instead of started.
    attach = LaunchOptions(sandbox_url="http://127.0.0.1:9")
    kind, preferences = await asyncio.wait_for(pick_network(attach, settings.path, parent), 5)
    assert kind == "sandbox"
    assert choice_for(kind, attach, preferences).sandbox_url == "http://127.0.0.1:9"
    # The saved network gets no command-line endpoint meant for another one.
    assert choice_for("testnet", options, preferences).rpc_url is None
