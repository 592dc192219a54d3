"""Starts the Qt application on an asyncio loop and paints the window before any heavy import."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from PySide6.QtWidgets import QApplication

from ogpu_desktop import APP_ID, APP_NAME, __version__
from ogpu_desktop.config import AppPaths
from ogpu_desktop.log import configure_logging
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.asyncutils import set_default_error_sink
from ogpu_desktop.ui.first_paint import (
    FirstPaintWatcher,
    exit_after_first_paint_requested,
    report_first_paint_and_quit,
)
from ogpu_desktop.ui.launch_options import LaunchOptions
from ogpu_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


def create_application() -> QApplication:
    """Return the process's QApplication, creating it with the app's names if needed."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    return app


def build_window(options: LaunchOptions) -> MainWindow:
    """Prepare the profile folders and logging, and return the (not yet shown) main window."""
    paths = AppPaths.for_profile(options.data_dir)
    paths.ensure()
    log_file = configure_logging(paths.log_dir)
    _log.info("Starting %s %s (log: %s)", APP_NAME, __version__, log_file)
    window = MainWindow(paths, options, AppSettings(paths.config_dir))
    set_default_error_sink(window)
    return window


def after_first_paint(window: MainWindow) -> None:
    """Start what may be slow once the user sees the window (services connect here)."""
    _log.info("Window painted; services start now")
    if exit_after_first_paint_requested():
        report_first_paint_and_quit()


def run(args: argparse.Namespace) -> int:
    """Create the QApplication, show the window and run asyncio on the Qt loop until it closes."""
    options = LaunchOptions.from_args(args)
    if options.self_test:
        print(
            "--self-test needs the publishing services, which this build does not have yet.",
            file=sys.stderr,
        )
        return 2
    import qasync  # noqa: PLC0415 - imported with Qt, only when the window is wanted

    app = create_application()
    window = build_window(options)
    watcher = FirstPaintWatcher(window)
    watcher.first_painted.connect(lambda: after_first_paint(window))
    window.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        code = loop.run_forever()
    return int(code) if isinstance(code, int) else 0
