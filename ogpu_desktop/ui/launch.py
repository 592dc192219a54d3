"""Starts the Qt application on an asyncio loop and paints the window before any heavy import."""

from __future__ import annotations

import argparse
import logging
import signal
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ogpu_desktop import APP_NAME, __version__
from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.application import create_application
from ogpu_desktop.ui.first_paint import (
    FirstPaintWatcher,
    exit_after_first_paint_requested,
    report_first_paint,
)
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.qt_thread_gc import freeze_startup_objects

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from ogpu_desktop.services.app_parts import AppParts

    PartsBuilder = Callable[[AppPaths], AppParts]

_log = logging.getLogger(__name__)
#: The app's wiring: importing it loads web3, eth-account and the services (seconds).
CONTROLLER_MODULE = "ogpu_desktop.ui.controller.app_controller"
#: The Tasks page, imported (with what it needs ahead of use) once the wiring has started.
TASKS_PAGE_MODULE = "ogpu_desktop.ui.tasks.tasks_page"
__all__ = ["after_first_paint", "build_window", "create_application", "run"]
_starting: set[asyncio.Task[None]] = set()  # held until done: the loop keeps weak references


def build_window(options: LaunchOptions) -> MainWindow:
    """Prepare the profile folders and return the (not yet shown) main window's skeleton."""
    paths = AppPaths.for_profile(options.data_dir)
    paths.ensure()
    settings = AppSettings(paths.config_dir)
    apply_saved_theme(settings)
    return MainWindow(paths, options, settings, defer_pages=True)


def apply_saved_theme(settings: AppSettings) -> None:
    """Colour the application as saved before anything paints (no light flash on a dark choice).

    Every choice, "follow the system" (the default) too, gets the app's own light or dark
    palette from the first paint; the platform's colour scheme is asked only once the window
    is on screen (:func:`settle_saved_theme`; see ``palettes.paint_first_in`` for why).
    """
    from ogpu_desktop.ui import palettes  # noqa: PLC0415

    palettes.paint_first_in(settings.saved_theme())


def settle_saved_theme(settings: AppSettings) -> None:
    """Follow the saved choice for good: the platform's scheme, and its changes, when following
    it. The Settings page applies the same choice again when it is built."""
    from ogpu_desktop.ui import palettes  # noqa: PLC0415

    saved = settings.saved_theme()
    if saved in ("light", "dark"):
        palettes.use_scheme(dark=saved == "dark")
    else:
        palettes.follow_system()


def paint_first(app: QApplication, window: MainWindow) -> bool:
    """Show ``window`` and process events until it has painted; return whether it did."""
    watcher = FirstPaintWatcher(window)
    painted: list[bool] = []
    watcher.first_painted.connect(lambda: painted.append(True))
    window.show()
    for _ in range(100):
        app.processEvents()
        if painted:
            return True
    return False


def start_logging(paths: AppPaths) -> None:
    """Log to the profile's file from now on (set up after the paint: its imports cost ~7 ms)."""
    from ogpu_desktop.log import configure_logging  # noqa: PLC0415

    log_file = configure_logging(paths.log_dir)
    _log.info("Starting %s %s (log: %s)", APP_NAME, __version__, log_file)


def after_first_paint(window: MainWindow, build_parts: PartsBuilder) -> asyncio.Task[None]:
    """Start what may be slow once the user sees the window (services connect here).

    Builds the page shown, then imports the app's wiring on a worker thread, so the window
    keeps answering during the seconds web3 and the services take to import, and starts it
    once they are in, over the services ``build_parts`` makes (the composition root's).
    Call while the asyncio loop runs.

    Returns:
        The task starting the wiring; done once the window's ``AppController`` exists.
    """
    import asyncio  # noqa: PLC0415 - loaded after the first paint

    from ogpu_desktop.ui.asyncutils import set_default_error_sink  # noqa: PLC0415

    start_logging(window.paths)
    set_default_error_sink(window)
    settle_saved_theme(window.settings)
    window.after_first_paint()
    _log.info("Window painted; the page shown is built")
    task = asyncio.ensure_future(_start_wiring(window, build_parts))
    _starting.add(task)
    task.add_done_callback(_starting.discard)
    return task


async def _start_wiring(window: MainWindow, build_parts: PartsBuilder) -> None:
    import asyncio  # noqa: PLC0415
    import contextlib  # noqa: PLC0415

    import shiboken6  # noqa: PLC0415

    from ogpu_desktop.warm_imports import warm_imports  # noqa: PLC0415

    # An import error there comes back from the import below, which reports it.
    with contextlib.suppress(Exception):
        await asyncio.wrap_future(warm_imports([CONTROLLER_MODULE]))
    if not shiboken6.isValid(window) or not window.isVisible():
        return  # closed meanwhile
    try:
        from ogpu_desktop.ui.controller.app_controller import AppController  # noqa: PLC0415
    except Exception as exc:
        _log.exception("The app's wiring could not be loaded")
        window.show_error(f"The app could not start its network part: {exc}")
        return
    # The start-up imports are done: later full collections need not walk what they made.
    _log.info("%d start-up objects kept out of garbage collection", freeze_startup_objects())
    try:
        parts = build_parts(window.paths)
    except Exception as exc:
        _log.exception("The history or the wallet could not be opened")
        window.show_error(f"The app could not open its history or wallet: {exc}")
        return
    AppController(window, parts).start()
    # What the Tasks page needs once it follows a network (its detail panel, result viewers,
    # HTTP transport) is imported now, while the network starts, not when the page attaches to
    # it: a publish made right after connecting then does not share the interpreter with those
    # imports (which doubled the loop's stalls while publishing in the loop-stall bench).
    warm_imports([TASKS_PAGE_MODULE], with_ahead_of_use=True)


def close_on_signals(window: MainWindow) -> None:
    """Close the window (saving its state) on Ctrl+C or SIGTERM instead of dying mid-write."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: window.close())
    # Python runs signal handlers only between bytecodes; a slow timer gives it the chance.
    heartbeat = QTimer(window)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(300)


def run(args: argparse.Namespace, build_parts: PartsBuilder) -> int:
    """Create the QApplication, show the window and run asyncio on the Qt loop until it closes.

    Args:
        args: The parsed command line.
        build_parts: Builds the window's services once it has painted (from ``app.py``).
    """
    options = LaunchOptions.from_args(args)
    if options.self_test:
        from ogpu_desktop.ui.controller.self_test_launch import run_self_test  # noqa: PLC0415

        return run_self_test(options)
    app = create_application()
    window = build_window(options)
    # The window paints before asyncio, qasync and the task forms are imported.
    painted = paint_first(app, window)
    if exit_after_first_paint_requested():
        report_first_paint(painted)
        start_logging(window.paths)  # the profile ends up as after a normal start
        return 0 if painted else 1
    import asyncio  # noqa: PLC0415 - only once the window is on screen

    import qasync  # noqa: PLC0415

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    QTimer.singleShot(0, lambda: after_first_paint(window, build_parts))
    close_on_signals(window)
    with loop:
        code = loop.run_forever()
    return int(code) if isinstance(code, int) else 0
