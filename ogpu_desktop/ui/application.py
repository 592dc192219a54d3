"""The process's QApplication, made once with the app's names, icon and garbage collection."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ogpu_desktop import APP_ID, APP_NAME, __version__
from ogpu_desktop.ui.qt_thread_gc import QtThreadGarbageCollector

APP_ICON = Path(__file__).resolve().parent.parent / "resources" / "ogpu-desktop.svg"


def create_application() -> QApplication:
    """Return the process's QApplication, creating it with the app's names if needed."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setApplicationVersion(__version__)
        app.setDesktopFileName(APP_ID)
        QtThreadGarbageCollector(app)
    if app.windowIcon().isNull():
        # An SVG, so the window and tray icons stay sharp at every scale factor.
        app.setWindowIcon(QIcon(str(APP_ICON)))
    return app
