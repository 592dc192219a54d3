"""Make the documentation screenshots (``docs/screenshots/*.png``) from the app itself.

Starts a fresh Sandbox (two providers, answers a few seconds after each attempt), opens the real
window offscreen on a throw-away profile, and drives it as a user would: a session-only account
funded from the faucet, one task of every type (pictures dropped as files), a manual-confirmation
task and a batch of three texts. Each state is grabbed with ``QWidget.grab()``.

The batch picture shows the batch viewer, which the app uses when a source answers one task with
one result per input (a source that accepts lists); the Sandbox's sources do not, so the picture
puts the three results of the batch's tasks into that viewer.

Run: ``python scripts/screenshots.py [--out docs/screenshots] [--size 1280x800] [--theme dark]``
(needs the test dependencies). The documentation keeps three sets: ``docs/screenshots`` (1280x800,
light), ``docs/screenshots/1920x1080`` and ``docs/screenshots/dark`` (1280x800).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QIODevice, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import QToolButton, QWidget  # noqa: E402

from ogpu_desktop.domain.results import normalise  # noqa: E402
from ogpu_desktop.domain.task_row import TaskState  # noqa: E402
from ogpu_desktop.launch_options import LaunchOptions  # noqa: E402
from ogpu_desktop.ui.palettes import use_scheme  # noqa: E402
from ogpu_desktop.ui.results.result_panel import ResultPanel  # noqa: E402
from tests.helpers.app_driver import (  # noqa: E402
    SETTINGS,
    TASKS,
    AppDriver,
    child,
    collect_on_this_thread,
    run_on_qt_loop,
    wait_until,
)
from tests.helpers.images import photo_like  # noqa: E402
from tests.helpers.sandbox import running_sandbox, source_address  # noqa: E402

ANSWER_DELAY_S = "4"
BATCH = ("I love this phone", "The battery is terrible", "Great camera, fun to use")
ARTICLE = (
    "The city council approved a plan on Tuesday to plant ten thousand trees along its main "
    "streets over the next five years. Officials said the trees would cool the streets in summer "
    "and clean the air. Residents can ask for a tree in front of their home on the city website."
)


def quiet_qt_messages(kind: QtMsgType, _context: object, message: str) -> None:
    """Pass Qt's messages on, except the offscreen platform's note about size hints."""
    if "propagateSizeHints" not in message:
        print(f"Qt {kind.name}: {message}", file=sys.stderr)


def save_png(widget: QWidget, path: Path) -> None:
    """Grab ``widget`` and write it as a small PNG (optimised, palette when it looks the same)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    image = Image.open(BytesIO(bytes(buffer.data().data()))).convert("RGB")
    # Screens of a desktop app have few colours: a 256-colour palette keeps them sharp and small.
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path} {image.width}x{image.height} {path.stat().st_size // 1024} KiB", flush=True)


def make_pictures(folder: Path) -> dict[str, Path]:
    """A photo-like JPEG, as a user would drop it."""
    photo = folder / "street.jpg"
    photo_like(640, 480, seed=3, grain=0.05, texture=0.1).save(photo, "JPEG", quality=90)
    return {"photo": photo}


async def show_result(driver: AppDriver, task: str, out: Path, name: str) -> None:
    """Open ``task``'s detail full size (as Details does) and save the window."""
    detail = await driver.open_detail(task)
    assert driver.window.tasks_page.detail_full_size
    detail.tabs.setCurrentIndex(0)
    await asyncio.sleep(0.2)
    save_png(driver.window, out / name)


async def batch_picture(driver: AppDriver, tasks: list[str], out: Path) -> None:
    """The batch viewer holding the results of the batch's three tasks, one per input."""
    outputs: list[Any] = []
    for task in tasks:
        detail = await driver.open_detail(task)
        payload = json.loads(detail.result_panel.json_text)
        outputs.append(payload["result"]["output"])
    view = normalise(outputs, "text-classification", batch_size=len(outputs))
    panel = ResultPanel()
    panel.setWindowTitle("Batch result")
    panel.show_result(view, BATCH)
    panel.resize(720, 640)
    panel.show()
    await asyncio.sleep(0.2)
    save_png(panel, out / "result_batch.png")
    panel.hide()
    panel.deleteLater()


async def account(driver: AppDriver) -> None:
    """A session-only account (nothing goes to this computer's keychain), funded and deposited."""
    view = await driver.wallet_view()
    view.use_session_only()
    dialog = await driver.start_account("Everyday")
    await driver.confirm_backup(dialog)
    await driver.get_test_tokens()
    await driver.deposit("2")


async def publish_all(driver: AppDriver, info: dict[str, Any], pictures: dict[str, Path],
                      out: Path) -> dict[str, list[str]]:
    """Publish one task of each type; save the Compose page and the review dialog on the way."""
    tasks: dict[str, list[str]] = {}

    driver.pick_type("image-classification")
    await driver.drop_image(pictures["photo"])
    await driver.source_shown(source_address(info, "image-classification"))
    await asyncio.sleep(0.2)
    save_png(driver.window, out / "compose.png")
    tasks["image-classification"] = (await driver.publish(open_json=False)).tasks

    driver.pick_type("text-classification")
    driver.fill({"text": "I love how light and fast this laptop is", "top_k": 2})
    await driver.source_shown(source_address(info, "text-classification"))
    review = await driver.open_review()
    review.json_toggle.click()
    review.resize(760, 560)
    await asyncio.sleep(0.2)
    save_png(review, out / "review.png")
    tasks["text-classification"] = await driver.sign(review)

    driver.pick_type("text-generation")
    driver.fill({"prompt": "Once upon a time, in a quiet harbour town,",
                 "num_return_sequences": 3, "max_new_tokens": 12})
    await driver.source_shown(source_address(info, "text-generation"))
    tasks["text-generation"] = (await driver.publish(open_json=False)).tasks

    driver.pick_type("visual-question-answering")
    driver.fill({"question": "What is in this picture?"})
    await driver.drop_image(pictures["photo"])
    await driver.source_shown(source_address(info, "visual-question-answering"))
    tasks["visual-question-answering"] = (await driver.publish(open_json=False)).tasks

    driver.pick_type("translation")
    driver.fill({"text": "The museum opens at nine and closes at six.", "tgt_lang": "fra_Latn"})
    await driver.source_shown(source_address(info, "translation"))
    tasks["translation"] = (await driver.publish(open_json=False)).tasks

    driver.pick_type("summarization")
    driver.fill({"text": ARTICLE})
    await driver.source_shown(source_address(info, "summarization"))
    tasks["summarization"] = (await driver.publish(open_json=False)).tasks

    driver.pick_type("text-classification")
    driver.fill({"text": "Nice and friendly service", "top_k": 2})
    await driver.browse_and_pick_source(
        source_address(info, "text-classification", "MANUAL_CONFIRMATION"))
    tasks["manual"] = (await driver.publish(open_json=False)).tasks
    return tasks


async def publish_batch(driver: AppDriver, info: dict[str, Any]) -> list[str]:
    """Publish three texts at once (Several on) on the first-response source."""
    driver.pick_type("text-classification")
    await driver.pick_source(source_address(info, "text-classification"))
    driver.fill({"text": "\n".join(BATCH), "several": True})
    return (await driver.publish(open_json=False)).tasks


async def flow(info: dict[str, Any], profile: Path, pictures: dict[str, Path], out: Path, *,
               size: tuple[int, int], dark: bool) -> None:
    """Drive the window through every state worth a picture."""
    driver = await AppDriver.open(LaunchOptions(data_dir=profile, sandbox_url=info["rpc_url"]))
    # Offscreen, there is no system scheme to follow: the scheme is set as Settings sets it.
    use_scheme(dark=dark)
    driver.window.resize(*size)
    try:
        await driver.connected()
        await account(driver)
        tasks = await publish_all(driver, info, pictures, out)

        # The list while the batch is still being answered and the manual task awaits a choice.
        await driver.tasks_reach(tasks["manual"], TaskState.RESPONDED, responses=2)
        tasks["batch"] = await publish_batch(driver, info)
        driver.show_page(TASKS)
        await wait_until(lambda: all(driver.task_state(t) is not None for t in tasks["batch"]),
                         "the batch in the list")
        driver.window.tasks_page.set_detail_full_size(False)  # the list, the detail below
        await asyncio.sleep(0.2)
        save_png(driver.window, out / "tasks.png")

        singles = [t for key, found in tasks.items() if key != "manual" for t in found]
        await driver.tasks_reach(singles, TaskState.FINALIZED)
        child(driver.window.tasks_page.banner, QToolButton, "noticeClose").click()
        await show_result(driver, tasks["image-classification"][0], out, "result_labels.png")
        for key, name in (
            ("text-generation", "result_generated.png"),
            ("visual-question-answering", "result_answers.png"),
            ("translation", "result_translation.png"),
            ("summarization", "result_summary.png"),
        ):
            await show_result(driver, tasks[key][0], out, name)
        await batch_picture(driver, tasks["batch"], out)

        await driver.wallet_view()
        await asyncio.sleep(0.2)
        save_png(driver.window, out / "wallet.png")
        driver.show_page(SETTINGS)
        await asyncio.sleep(0.2)
        save_png(driver.window, out / "settings.png")
    finally:
        await driver.close()


def main() -> int:
    """Parse the arguments, start a Sandbox and make the pictures."""
    parser = argparse.ArgumentParser(description="Make the documentation screenshots.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder for the PNG files (default: docs/screenshots)")
    parser.add_argument("--size", default="1280x800",
                        help="the window's size, WIDTHxHEIGHT (default: 1280x800)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light",
                        help="the colour scheme to picture (default: light)")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(part) for part in args.size.lower().split("x"))
    qInstallMessageHandler(quiet_qt_messages)
    with tempfile.TemporaryDirectory(prefix="ogpu-screenshots-") as folder, running_sandbox(
        "--providers", "2", "--answer-delay", ANSWER_DELAY_S
    ) as info, collect_on_this_thread():
        pictures = make_pictures(Path(folder))
        run_on_qt_loop(flow(info, Path(folder) / "profile", pictures, out,
                              size=(width, height), dark=args.theme == "dark"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
