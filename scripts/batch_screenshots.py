"""Make the batch screenshots (``docs/screenshots/batch_*.png``).

Starts a fresh Sandbox, opens the real window offscreen on a throw-away profile with a
session-only account, drops a folder of pictures made by Pillow (with two files that must be
refused) on the Compose page's batch panel and grabs the batch review (the deposit offered), then
deposits, publishes, and grabs the batch page once the answers are in, then the Tasks page
with the batch's row.

Run: ``python scripts/batch_screenshots.py [--out docs/screenshots]`` (needs the test
dependencies).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

from PIL import Image  # noqa: E402
from PySide6.QtCore import qInstallMessageHandler  # noqa: E402
from screenshots import ROOT, quiet_qt_messages, save_png  # noqa: E402

from ogpu_desktop.domain.batch_status import BatchItemStatus  # noqa: E402
from ogpu_desktop.launch_options import LaunchOptions  # noqa: E402
from ogpu_desktop.ui.batch.batch_review_dialog import BatchReviewDialog  # noqa: E402
from tests.gui.test_batch_window import drop_paths  # noqa: E402
from tests.helpers.app_driver import (  # noqa: E402
    TASKS,
    AppDriver,
    collect_on_this_thread,
    run_on_qt_loop,
    visible_child,
    wait_until,
)
from tests.helpers.images import photo_like  # noqa: E402
from tests.helpers.sandbox import running_sandbox, source_address  # noqa: E402

PICTURES = 12
NAMES = ("beach", "bike", "bridge", "cat", "coffee", "dog", "forest", "fox", "harbour",
         "lighthouse", "market", "sunflower")


def make_folder(folder: Path) -> Path:
    """Twelve photo-like JPEGs and PNGs, a PDF and an empty file, as a user's folder might hold."""
    photos = folder / "holiday photos"
    photos.mkdir(parents=True)
    for index, name in enumerate(NAMES[:PICTURES]):
        picture = photo_like(480, 360, seed=10 + index, grain=0.05, texture=0.15)
        # Channels in another order for each picture, so the previews tell them apart.
        bands = picture.split()
        picture = Image.merge("RGB", [bands[(i + index) % 3] for i in range(3)])
        if index % 2:
            picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if index % 3 == 2:
            picture.save(photos / f"{name}.png", "PNG")
        else:
            picture.save(photos / f"{name}.jpg", "JPEG", quality=88)
    (photos / "itinerary.pdf").write_bytes(b"%PDF-1.7\n" + bytes(300))
    (photos / "empty.jpg").write_bytes(b"")
    return photos


async def flow(info: dict[str, Any], profile: Path, photos: Path, out: Path) -> None:
    """Drive the window to the batch review and the batch page, grabbing both."""
    driver = await AppDriver.open(LaunchOptions(data_dir=profile, sandbox_url=info["rpc_url"]))
    try:
        await driver.connected()
        view = await driver.wallet_view()
        view.use_session_only()
        dialog = await driver.start_account("Everyday")
        await driver.confirm_backup(dialog)
        await driver.get_test_tokens()

        driver.pick_type("image-classification")
        await driver.source_shown(source_address(info, "image-classification"))
        panel = driver.compose.batch_panel
        assert drop_paths(panel, [photos])
        await wait_until(panel.review_button.isEnabled, "the listing")
        await wait_until(lambda: len(panel.thumbnails) >= 3, "the previews")
        await asyncio.sleep(0.3)
        save_png(driver.window, out / "batch_compose.png")

        panel.review_button.click()
        await wait_until(lambda: visible_child(driver.window, BatchReviewDialog) is not None,
                         "the batch review")
        review = visible_child(driver.window, BatchReviewDialog)
        assert review is not None
        review.resize(720, 300)
        await asyncio.sleep(0.1)
        review.fit_height()  # as tall as the facts need at this width
        await asyncio.sleep(0.3)
        save_png(review, out / "batch_review.png")
        review.deposit_button.click()
        await driver.sign_transaction(review)
        await wait_until(review.publish_button.isEnabled, "the deposit")
        review.publish_button.click()

        batch_flow = driver.controller.batch_flow
        await wait_until(lambda: batch_flow.last_batch in batch_flow.pages, "the batch page", 120)
        assert batch_flow.last_batch is not None
        page = batch_flow.pages[batch_flow.last_batch]
        page.resize(1000, 680)
        await wait_until(
            lambda: batch_flow.counts(page.batch_id).get(BatchItemStatus.FINISHED) == PICTURES,
            "the answers", 120)
        page.show_items()
        page.table.clearSelection()
        await wait_until(lambda: len(page.thumbnails) >= 8, "the previews", 30)
        await asyncio.sleep(0.3)
        save_png(page, out / "batch_page.png")
        page.hide()
        driver.show_page(TASKS)  # the batch as one row above the task list
        await asyncio.sleep(0.5)
        save_png(driver.window, out / "batch_tasks.png")
    finally:
        await driver.close()


def main() -> int:
    """Parse the arguments, start a Sandbox and make the pictures."""
    parser = argparse.ArgumentParser(description="Make the batch screenshots.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder for the PNG files (default: docs/screenshots)")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    qInstallMessageHandler(quiet_qt_messages)
    with tempfile.TemporaryDirectory(prefix="ogpu-batch-screenshots-") as folder, \
            running_sandbox("--providers", "2") as info, collect_on_this_thread():
        photos = make_folder(Path(folder))
        run_on_qt_loop(flow(info, Path(folder) / "profile", photos, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
