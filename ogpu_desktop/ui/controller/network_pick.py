"""The network to start on: command line, else the saved preference, else the first-run choice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.services.connection import CustomNetworkSpec, NetworkChoice
from ogpu_desktop.ui.dialogs.dialog_await import answer_of
from ogpu_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
from ogpu_desktop.ui.settings.preferences import Preferences, PreferencesStore

SAVED_NETWORK_KEY = "preferences/network"


def network_was_chosen(settings_file: Path) -> bool:
    """Whether a network choice was ever saved in the profile (else this is a first run)."""
    return QSettings(str(settings_file), QSettings.Format.IniFormat).contains(SAVED_NETWORK_KEY)


def command_line_network(options: LaunchOptions) -> str | None:
    """The network the command line asks for (``--sandbox-url`` implies the Sandbox)."""
    if options.network:
        return options.network
    return "sandbox" if options.sandbox_url else None


async def pick_network(
    options: LaunchOptions, settings_file: Path, parent: QWidget
) -> tuple[str, Preferences]:
    """Return the network key to start on and the preferences (saved with a first-run choice)."""
    store = PreferencesStore(settings_file)
    preferences = store.load()
    flagged = command_line_network(options)
    if flagged is not None:
        return flagged, preferences
    if network_was_chosen(settings_file):
        return preferences.network, preferences
    dialog = FirstRunDialog(parent)
    await answer_of(dialog)
    chosen = dialog.choice()
    dialog.deleteLater()
    preferences = replace(preferences, network=chosen)
    store.save(preferences)
    return chosen, preferences


def choice_for(kind: str, options: LaunchOptions, preferences: Preferences) -> NetworkChoice:
    """The connection request for ``kind`` with the command line's and preferences' details."""
    from_cli = command_line_network(options) == kind
    custom = preferences.custom_network
    return NetworkChoice(
        kind=kind,
        rpc_url=options.rpc if from_cli and kind != "sandbox" else None,
        sandbox_url=options.sandbox_url if from_cli and kind == "sandbox" else None,
        custom=CustomNetworkSpec(custom.rpc_url, custom.chain_id, custom.contracts())
        if custom is not None else None,
        pinning_url=preferences.pinning_url,
        gateway_url=preferences.gateway_url,
    )
