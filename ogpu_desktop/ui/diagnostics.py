"""Support information the user can copy: versions, platform and folders, never a key."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion

from ogpu_desktop import APP_NAME, __version__
from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions


def diagnostics_text(paths: AppPaths, options: LaunchOptions, connection: str) -> str:
    """Return a plain-text report for a support request.

    Only versions, the platform, the profile folders, the network choice and the connection state
    are included; no key, address book or history.
    """
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} ({sys.platform}, {platform.machine()})",
        f"Qt {qVersion()}, PySide6 {pyside_version}",
        f"OS: {platform.platform()}",
        f"Config folder: {paths.config_dir}",
        f"Data folder: {paths.data_dir}",
        f"Log folder: {paths.log_dir}",
        f"Network option: {options.network or 'not set'}",
        f"Custom RPC: {'set' if options.rpc else 'not set'}",
        f"Sandbox URL: {options.sandbox_url or 'not set'}",
        f"Connection: {connection}",
    ]
    return "\n".join(lines)
