"""Qt set-up for the GUI tests: offscreen platform, asyncio on the Qt loop, isolated settings."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

# Must happen before any Qt module creates the application.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.main_window import MainWindow
from tests.gui.poll_loops import stop_following


def _qt_event_loop() -> asyncio.AbstractEventLoop:
    app = QApplication.instance() or QApplication([])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Run ``async def`` GUI tests on a qasync loop, so Qt events and timers run during awaits."""
    return {"qt": _qt_event_loop}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Stop the task tests' poll loops as each test returns (see ``tests/gui/poll_loops.py``)."""
    try:
        return (yield)
    finally:
        stop_following()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_qt_thread() -> Iterator[None]:
    """As the app does (ui/qt_thread_gc.py): no automatic collection in executor threads.

    A widget caught in a reference cycle and collected by an executor thread crashes Qt; the
    app collects only from a timer on the Qt thread, and each GUI test collects when it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture
def profile(tmp_path: Path) -> AppPaths:
    """A fresh profile (settings, data, logs) under the test's temporary folder."""
    paths = AppPaths.for_profile(tmp_path / "profile")
    paths.ensure()
    return paths


@pytest.fixture
def main_window(qtbot: QtBot, profile: AppPaths) -> MainWindow:
    """The main window on a fresh profile, shown offscreen."""
    window = MainWindow(
        profile, LaunchOptions(data_dir=profile.config_dir.parent), AppSettings(profile.config_dir)
    )
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window
