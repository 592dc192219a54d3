"""A newcomer's first session under Xvfb, with real mouse and keyboard events, and its pictures.

For each size, starts Xvfb on a free display (Xvfb picks it: ``-displayfd``), then starts the
app on it from a fresh profile (a temporary ``--data-dir``; the keychain is the session's
Secret Service) and drives it with xdotool from the first-run choice to four results: text
classification, image classification with a picture chosen in the file dialog, text
generation and translation (``tests/helpers/newcomer_journey.py`` has the steps). A picture of
the whole screen is saved after each step in ``OUT/WIDTHxHEIGHT/``; one JSON line per size tells
what the user saw and whether each result was right.

The app offers no automation hook, so the window is made by this script's child process on the
X display (as ``ogpu-desktop`` makes it), and the places of its widgets are read from the
widgets; every action goes through the X server.

Run: ``python scripts/newcomer_journey.py --out /tmp/journey [--size 1280x800 --size 1920x1080]``
(needs Xvfb and xdotool, and a Secret Service keychain: run it inside ``scripts/test``'s kind
of D-Bus session, or on a desktop).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = ("1280x800", "1920x1080")
JOURNEY_LIMIT_S = 420


def start_xvfb(size: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb with one screen of ``size`` on a display it picks; return it and ``:N``."""
    read, write = os.pipe()
    command = ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments; Xvfb from PATH
        command,
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    if not number:
        process.kill()
        raise RuntimeError("Xvfb did not start")
    return process, f":{number}"


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a child by its PID and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_size(size: str, out: Path) -> dict[str, Any]:
    """The journey on a fresh Xvfb screen of ``size``; what the child reported."""
    folder = out / size
    folder.mkdir(parents=True, exist_ok=True)
    xvfb, display = start_xvfb(size)
    try:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env.pop("QT_SCALE_FACTOR", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        child = subprocess.run(  # noqa: S603 - this script itself
            [sys.executable, str(Path(__file__).resolve()), "--child", size, str(folder)],
            env=env, capture_output=True, text=True, timeout=JOURNEY_LIMIT_S, check=False,
        )
    finally:
        stop(xvfb)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    report: dict[str, Any] = json.loads(lines[-1]) if lines else {"size": size}
    report["exit_code"] = child.returncode
    if child.returncode != 0:
        report["error"] = child.stderr[-4000:]
    return report


def child(size: str, folder: Path) -> int:
    """In the child: the app on this X display, driven through the journey."""
    import asyncio  # noqa: PLC0415

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler  # noqa: PLC0415

    from ogpu_desktop.app import build_parts  # noqa: PLC0415
    from ogpu_desktop.launch_options import LaunchOptions  # noqa: PLC0415
    from ogpu_desktop.ui.launch import after_first_paint, build_window  # noqa: PLC0415
    from tests.helpers.app_driver import (  # noqa: PLC0415
        AppDriver,
        collect_on_this_thread,
        run_on_qt_loop,
        wait_until,
    )
    from tests.helpers.images import photo_like  # noqa: PLC0415
    from tests.helpers.newcomer_journey import Journey, check_results  # noqa: PLC0415

    width, height = (int(part) for part in size.split("x"))

    def quiet(kind: QtMsgType, _context: object, message: str) -> None:
        print(f"Qt {kind.name}: {message}", file=sys.stderr)

    async def main(scratch: Path) -> dict[str, Any]:
        from PySide6.QtWidgets import QApplication  # noqa: PLC0415

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)
        window = build_window(LaunchOptions(data_dir=scratch / "profile"))
        window.move(0, 0)
        window.resize(width, height)
        window.show()
        await after_first_paint(window, build_parts)
        driver = AppDriver(window, _controller(window), [])
        picture = scratch / "harbour.jpg"
        photo_like(800, 600, seed=5, texture=0.15).save(picture, "JPEG", quality=88)
        journey = Journey(window, folder, picture)
        try:
            await wait_until(window.isVisible, "the window")
            await journey.xdotool("search", "--sync", "--onlyvisible", "--name", "OGPU Desktop")
            await journey.first_run()
            await journey.wallet()
            await journey.compose_four()
            read = await asyncio.wait_for(journey.results(), 240)
            return {"size": size, "seen": journey.seen, "results": read,
                    "problems": check_results(read)}
        finally:
            wallet = driver.controller.wallet
            await driver.close()
            if wallet is not None:  # the new account's key leaves the keychain again
                for account in wallet.accounts():
                    wallet.remove(account.address, confirmed=True, export_offered=True)

    qInstallMessageHandler(quiet)
    with tempfile.TemporaryDirectory(prefix="ogpu-journey-") as scratch, \
            collect_on_this_thread():
        report = run_on_qt_loop(main(Path(scratch)))
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0 if not report["problems"] else 1


def _controller(window: Any) -> Any:
    from ogpu_desktop.ui.controller.app_controller import AppController  # noqa: PLC0415

    found = window.findChild(AppController)
    assert found is not None, "the start-up made no AppController"
    return found


def main() -> int:
    """Parse the arguments and run the journey at each size."""
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return child(sys.argv[2], Path(sys.argv[3]))
    parser = argparse.ArgumentParser(description="A newcomer's first session under Xvfb.")
    parser.add_argument("--out", type=Path, required=True, help="folder for the pictures")
    parser.add_argument("--size", action="append", help="WIDTHxHEIGHT, repeatable "
                        "(default: 1280x800 and 1920x1080)")
    args = parser.parse_args()
    failed = 0
    for size in args.size or SIZES:
        report = run_size(size, args.out)
        print(json.dumps(report, ensure_ascii=False), flush=True)
        failed += bool(report.get("exit_code") or report.get("problems"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
