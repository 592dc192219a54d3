"""Starting the app: the window paints before any heavy library is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication, QPalette
from pytestqt.qtbot import QtBot

from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.application import APP_ICON
from ogpu_desktop.ui.first_paint import EXIT_AFTER_FIRST_PAINT_ENV
from ogpu_desktop.ui.launch import build_window, create_application
from ogpu_desktop.ui.palettes import apply_theme, palette_for
from ogpu_desktop.ui.settings.preferences import Theme

# Everything the window's skeleton needs before its first paint; the pages, the services and
# the network libraries load after it. A module added here must be one the skeleton paints with.
SKELETON_MODULES = {
    "ogpu_desktop", "ogpu_desktop.app", "ogpu_desktop.config", "ogpu_desktop.ui",
    "ogpu_desktop.ui.application",
    "ogpu_desktop.ui.app_settings", "ogpu_desktop.ui.connection_status_bar",
    "ogpu_desktop.ui.first_paint", "ogpu_desktop.ui.help_menu", "ogpu_desktop.ui.launch",
    "ogpu_desktop.launch_options", "ogpu_desktop.ui.main_window",
    # The app's palettes and message colours: the first paint is already in the theme chosen.
    "ogpu_desktop.ui.message_colours", "ogpu_desktop.ui.navigation_list",
    "ogpu_desktop.ui.notice_banner", "ogpu_desktop.ui.pages", "ogpu_desktop.ui.palettes",
    "ogpu_desktop.ui.pages.lazy_page_stack", "ogpu_desktop.ui.qt_thread_gc",
    # The first window's size, taken from the screen before it is shown.
    "ogpu_desktop.ui.window_size",
}
SKELETON_PACKAGES = {"PySide6", "shiboken6", "shibokensupport", "signature_bootstrap"}
# Standard modules that only the services, the store or the network code use.
NOT_BEFORE_PAINT_STDLIB = {
    "asyncio", "concurrent", "decimal", "email", "hashlib", "http", "multiprocessing",
    "platform", "socket", "sqlite3", "ssl", "xml",
}


def _first_paint_line(profile: Path, **env_extra: str) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{EXIT_AFTER_FIRST_PAINT_ENV: "1"})
    env.update(env_extra)
    done = subprocess.run(
        [sys.executable, "-m", "ogpu_desktop", "--data-dir", str(profile)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return line


def test_app_paints_its_window_without_loading_web3(tmp_path: Path) -> None:
    line = _first_paint_line(tmp_path / "profile")
    assert line["event"] == "first_paint"
    assert line["heavy_modules_loaded"] == []
    assert (tmp_path / "profile" / "logs" / "ogpu-desktop.log").is_file()
    assert (tmp_path / "profile" / "config").is_dir()


def test_the_first_paint_leaves_the_qt_namespace_unbuilt(tmp_path: Path) -> None:
    line = _first_paint_line(tmp_path / "profile")
    assert line["qt_namespace_loaded"] is False


def test_the_first_paint_follows_a_dark_platform_palette_and_an_explicit_choice(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Before the first paint the platform's palette stands for its colour scheme."""
    system = QGuiApplication.palette()
    profile = tmp_path / "profile"
    try:
        QGuiApplication.setPalette(palette_for(dark=True))  # a platform that is dark
        window = build_window(LaunchOptions(data_dir=profile))
        qtbot.addWidget(window)
        assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
        QGuiApplication.setPalette(system)
        (profile / "config" / "settings.ini").write_text("[preferences]\ntheme=light\n")
        light = build_window(LaunchOptions(data_dir=profile))
        qtbot.addWidget(light)
        assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() > 200
    finally:
        QGuiApplication.setPalette(system)
        apply_theme(Theme.SYSTEM)


def test_the_app_icon_is_set_and_renders_at_small_and_large_sizes() -> None:
    app = create_application()
    assert APP_ICON.is_file()
    icon = app.windowIcon()
    for side in (16, 256):
        image = icon.pixmap(side, side).toImage()
        assert image.width() == side
        # A rendered drawing, not an empty square: the centre pixel is opaque.
        assert image.pixelColor(side // 2, side // 2).alpha() > 0


def test_only_the_window_skeleton_is_imported_before_the_first_paint(tmp_path: Path) -> None:
    modules = _first_paint_line(tmp_path / "profile")["modules"]
    unexpected_app = sorted(set(modules["app"]) - SKELETON_MODULES)
    assert unexpected_app == [], f"imported before the first paint: {unexpected_app}"
    assert "ogpu_desktop.ui.main_window" in modules["app"]
    unexpected_packages = sorted(set(modules["packages"]) - SKELETON_PACKAGES)
    assert unexpected_packages == [], f"imported before the first paint: {unexpected_packages}"
    assert sorted(NOT_BEFORE_PAINT_STDLIB & set(modules["stdlib"])) == []
    assert "json" in modules["stdlib"]  # the list is real: the report itself uses json


def test_a_saved_dark_theme_colours_the_window_before_it_paints(
    qtbot: QtBot, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    (profile / "config").mkdir(parents=True)
    (profile / "config" / "settings.ini").write_text("[preferences]\ntheme=dark\n")
    try:
        window = build_window(LaunchOptions(data_dir=profile))
        qtbot.addWidget(window)
        # Before any page is built (the Settings page applies the theme too, later).
        assert not any(window.has_page(row) for row in range(window.pages.count()))
        window_colour = QGuiApplication.palette().color(QPalette.ColorRole.Window)
        assert window_colour.lightness() < 80
    finally:
        apply_theme(Theme.SYSTEM)


def test_the_wiring_loads_on_a_worker_thread_while_the_window_keeps_answering(
    tmp_path: Path,
) -> None:
    code = '''
import asyncio, importlib.abc, sys, threading

seen = {}

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in ("web3", "ogpu_desktop.ui.controller.app_controller"):
            seen.setdefault(name, threading.current_thread().name)
        return None

sys.meta_path.insert(0, Watch())
from PySide6.QtCore import QTimer
from ogpu_desktop.ui.launch import after_first_paint, build_window, create_application
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.app import build_parts

app = create_application()
window = build_window(LaunchOptions(data_dir=__import__("pathlib").Path(sys.argv[1]),
                                    network="sandbox", sandbox_url="http://127.0.0.1:9"))
window.show()
import qasync
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
ticks = []
timer = QTimer()
timer.timeout.connect(lambda: ticks.append(1))

async def main():
    timer.start(5)
    task = after_first_paint(window, build_parts)
    assert "web3" not in sys.modules or seen.get("web3") != "MainThread"
    await task
    timer.stop()
    from ogpu_desktop.ui.controller.app_controller import AppController
    print(seen.get("web3"), seen.get("ogpu_desktop.ui.controller.app_controller"),
          window.findChild(AppController) is not None, len(ticks) > 0, flush=True)
    window.hide()

with loop:
    loop.run_until_complete(main())
'''
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "profile")],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr
    web3_thread, wiring_thread, has_controller, ticked = done.stdout.split()
    # Both imported on the worker thread; the window's loop ran timers meanwhile.
    assert web3_thread == wiring_thread == "warm-imports"
    assert has_controller == "True"
    assert ticked == "True"
