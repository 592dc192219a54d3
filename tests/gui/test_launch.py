"""Starting the app: the window paints before any heavy library is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ogpu_desktop.ui.first_paint import EXIT_AFTER_FIRST_PAINT_ENV
from ogpu_desktop.ui.launch import APP_ICON, create_application


def test_app_paints_its_window_without_loading_web3(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{EXIT_AFTER_FIRST_PAINT_ENV: "1"})
    done = subprocess.run(
        [sys.executable, "-m", "ogpu_desktop", "--data-dir", str(tmp_path / "profile")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert line["event"] == "first_paint"
    assert line["heavy_modules_loaded"] == []
    assert (tmp_path / "profile" / "logs" / "ogpu-desktop.log").is_file()
    assert (tmp_path / "profile" / "config").is_dir()


def test_the_app_icon_is_set_and_renders_at_small_and_large_sizes() -> None:
    app = create_application()
    assert APP_ICON.is_file()
    icon = app.windowIcon()
    for side in (16, 256):
        image = icon.pixmap(side, side).toImage()
        assert image.width() == side
        # A rendered drawing, not an empty square: the centre pixel is opaque.
        assert image.pixelColor(side // 2, side // 2).alpha() > 0
