"""Starts the Qt application and shows the main window before any heavy import."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    """Create the QApplication, show the window and run the event loop until it closes."""
    from PySide6.QtWidgets import QApplication, QLabel  # noqa: PLC0415

    from ogpu_desktop import APP_NAME  # noqa: PLC0415

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QLabel(f"{APP_NAME}")
    window.setWindowTitle(APP_NAME)
    window.resize(960, 640)
    window.show()
    return int(app.exec())
