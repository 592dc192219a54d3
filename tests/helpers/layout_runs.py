"""Run the layout tour in a child process per screen: its size and scale are fixed per process.

Qt reads the screen once per process, and dialogs size themselves from it (at most two thirds of
it), so each screen gets its own process: the offscreen platform with a configured screen
(``offscreen:configfile=…``) of the wanted size. 200 % is Qt's own high-DPI scaling, as on an
X11 desktop set to 200 %: ``QT_SCALE_FACTOR=2`` over a screen of twice the pixels, so the window
works in the same logical size (1280 x 800) with every text drawn, and measured, at scale 2.

``python -m tests.helpers.layout_runs 1280x800@1 RPC_URL`` is the child: it prints one JSON line
per stop of :data:`~tests.helpers.layout_tour.STOPS`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 600


@dataclass(frozen=True)
class Screen:
    """A screen to audit on: logical size and scale factor."""

    width: int
    height: int
    scale: int = 1

    @classmethod
    def parse(cls, text: str) -> Screen:
        """``1280x800`` or ``1280x800@2``."""
        size, _, scale = text.partition("@")
        width, height = (int(part) for part in size.lower().split("x"))
        return cls(width, height, int(scale or 1))

    @property
    def size(self) -> str:
        """``1280x800``."""
        return f"{self.width}x{self.height}"

    @property
    def key(self) -> str:
        """``1280x800@2``."""
        return f"{self.size}@{self.scale}"

    @property
    def label(self) -> str:
        """``1280x800 at 200 %``."""
        return f"{self.size} at {self.scale * 100} %"

    def environment(self, folder: Path) -> dict[str, str]:
        """The environment of a child process whose only screen is this one."""
        config = folder / f"screen-{self.key}.json"
        # No simulated window frame: a desktop's frame belongs to its window manager.
        config.write_text(json.dumps({"windowFrameMargins": False, "screens": [{
            "name": "audit", "x": 0, "y": 0, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
            "width": self.width * self.scale, "height": self.height * self.scale,
        }]}))
        env = dict(os.environ)
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
        env.pop("QT_SCALE_FACTOR", None)
        env.pop("QT_SCREEN_SCALE_FACTORS", None)
        if self.scale != 1:
            env["QT_SCALE_FACTOR"] = str(self.scale)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env


#: The screens the audit covers by default.
SCREENS = (Screen(1280, 800), Screen(1920, 1080), Screen(1280, 800, 2))


THEME_ENV = "OGPU_TOUR_THEME"
"""``dark`` or ``light``: tour the window in that theme (offscreen follows no system scheme)."""


@dataclass
class StopResult:
    """What one stop of the tour showed: its findings (as dicts) and notes."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)


def start_tour(screen: Screen, rpc_url: str, folder: Path,
               grab: Path | None = None) -> subprocess.Popen[str]:
    """Start the child process that tours the window on ``screen`` against the Sandbox.

    With ``grab``, the child also saves a picture of each stop there (``{screen}-{stop}.png``).
    """
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.layout_runs", screen.key, rpc_url,
         *([str(grab)] if grab is not None else [])],
        cwd=ROOT, env=screen.environment(folder), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )


def finish_tour(process: subprocess.Popen[str]) -> dict[str, StopResult]:
    """Wait for a child of :func:`start_tour`; its results by stop, or an error with its output."""
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    results: dict[str, StopResult] = {}
    for line in out.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            results[record["stop"]] = StopResult(record["findings"], record["notes"])
    if process.returncode != 0:
        raise RuntimeError(f"the layout tour failed ({process.returncode}):\n{err[-6000:]}")
    return results


def tour_screens(
    screens: tuple[Screen, ...], rpc_url: str, grab: Path | None = None
) -> dict[str, dict[str, StopResult]]:
    """Tour the window on every screen at once; results by screen key, then by stop.

    The tours mostly wait for blocks and answers, so they run side by side, each with its own
    profile and accounts on the same Sandbox.
    """
    results: dict[str, dict[str, StopResult]] = {}
    with tempfile.TemporaryDirectory(prefix="ogpu-layout-") as folder:
        running = [(screen, start_tour(screen, rpc_url, Path(folder), grab))
                   for screen in screens]
        try:
            for screen, process in running:
                results[screen.key] = finish_tour(process)
        finally:
            # One tour failing must not leave the others running past the test.
            for _screen, process in running:
                if process.poll() is None:
                    process.kill()
                    process.communicate()
    return results


def _child(screen_key: str, rpc_url: str, grab: str | None = None) -> int:
    """Tour the window on this process's screen and print each stop as a JSON line."""
    # Imported here: the parent side needs no Qt.
    import asyncio  # noqa: PLC0415

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler  # noqa: PLC0415
    from PySide6.QtWidgets import QWidget  # noqa: PLC0415

    from ogpu_desktop.launch_options import LaunchOptions  # noqa: PLC0415
    from tests.helpers.app_driver import (  # noqa: PLC0415
        AppDriver,
        collect_on_this_thread,
        run_on_qt_loop,
    )
    from tests.helpers.layout_audit import Finding  # noqa: PLC0415
    from tests.helpers.layout_tour import LayoutTour  # noqa: PLC0415

    screen = Screen.parse(screen_key)
    info: dict[str, Any] = json.loads(_get(rpc_url.rstrip("/") + "/info"))

    def quiet(kind: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(f"Qt {kind.name}: {message}", file=sys.stderr)

    def report(stop: str, findings: list[Finding], notes: dict[str, str],
               shown: QWidget) -> None:
        if grab is not None:
            shown.grab().save(str(Path(grab) / f"{screen_key}-{stop}.png"))
        print(json.dumps({"stop": stop, "findings": [f.as_dict() for f in findings],
                          "notes": notes}, ensure_ascii=False), flush=True)

    async def main(folder: Path) -> None:
        driver = await AppDriver.open(
            LaunchOptions(data_dir=folder / "profile", sandbox_url=rpc_url))
        try:
            if os.environ.get(THEME_ENV) in ("light", "dark"):
                from ogpu_desktop.ui.palettes import use_scheme  # noqa: PLC0415

                use_scheme(dark=os.environ[THEME_ENV] == "dark")
            driver.window.resize(screen.width, screen.height)
            await asyncio.wait_for(LayoutTour(driver, info, folder, report).run(), 400)
        finally:
            await driver.close()

    qInstallMessageHandler(quiet)
    with tempfile.TemporaryDirectory(prefix="ogpu-layout-tour-") as folder, \
            collect_on_this_thread():
        run_on_qt_loop(main(Path(folder)))
    return 0


def _get(url: str) -> str:
    import httpx  # noqa: PLC0415

    answer = httpx.get(url, timeout=30)
    answer.raise_for_status()
    return answer.text


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:4]))
