"""Batches through the real window on a real Sandbox: drop, review, publish, follow, filter, export.

A folder of 20 real pictures (JPEG, PNG, WebP, GIF and BMP made by Pillow) with five files that
must be refused is dropped on the Compose page's batch panel together with a text file (not an
image: refused too). The one review offers the deposit (signed through the usual transaction
review), the batch is published in chunks, becomes one row above the task list, and its page
shows each picture's top label and percentage once the Sandbox's providers answer. Filters and
the CSV and JSON exports are read back.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.sandbox.engines import IMAGE_LABELS
from ogpu_desktop.ui.batch.batch_page import BatchPage
from ogpu_desktop.ui.batch.batch_review_dialog import BatchReviewDialog
from ogpu_desktop.ui.models.task_table_model import ROW_ROLE
from ogpu_desktop.ui.tasks.tasks_page import ONLY_BATCHES_TEXT
from tests.helpers.app_driver import (
    TASKS,
    AppDriver,
    collect_on_this_thread,
    run_on_qt_loop,
    visible_child,
    wait_until,
)
from tests.helpers.batch_files import image_folder, lines_txt, refusal_files, reviews_csv
from tests.helpers.sandbox import shared_sandbox, source_address

FLOW_LIMIT_S = 240.0
PICTURES = 20
HEADLINE = re.compile(r"^(?P<label>.+) \d{1,3}\.\d%$")
FEE = re.compile(r"about 0\.\d{1,8} OGPU in total, at most 0\.\d{1,8} OGPU")


@pytest.fixture
def sandbox_info() -> dict[str, Any]:
    """The shared two-provider Sandbox (each answers every task)."""
    return shared_sandbox("--providers", "2")


@pytest.fixture
def no_gc_in_threads() -> Iterator[None]:
    with collect_on_this_thread():
        yield


def drop_paths(widget: QWidget, paths: list[Path]) -> bool:
    """Drag ``paths`` as a file manager does (file URLs) over ``widget`` and drop them."""
    mime = QMimeData()  # kept here: the events point to it
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    position = QPointF(widget.width() / 2, widget.height() / 2)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(position, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


async def review_and_publish(driver: AppDriver, inputs: list[Path]) -> BatchPage:
    """Drop ``inputs`` on the batch panel, check the listing and review, deposit, publish."""
    panel = driver.compose.batch_panel
    assert drop_paths(panel, inputs)
    await wait_until(lambda: panel.listing is not None and panel.review_button.isEnabled(),
                     lambda: f"the listing ({panel.summary.text()!r})")
    listing = panel.listing
    assert listing is not None
    assert len(listing.accepted) == PICTURES
    assert panel.summary.text().startswith(f"{PICTURES} inputs ready, 6 refused")
    shown = {row.cells[0]: row.cells[1] for row in panel.model.rows}
    for name, words in refusal_files_words().items():
        assert words.lower() in shown[f"photos/{name}"].lower(), (name, shown[f"photos/{name}"])
    assert shown["notes.txt"].startswith("Left out:")
    assert [row.cells[1] for row in panel.model.rows[:PICTURES]] == ["Ready"] * PICTURES
    # Previews are made on demand for the rows painted, in a worker thread.
    await wait_until(lambda: len(panel.thumbnails) > 0, "a preview of a picture")

    review = await open_review(driver)
    facts = {key: label.text() for key, label in review.fields.items()}
    assert facts["tasks"] == f"{PICTURES} tasks ({PICTURES} inputs ready, 6 refused)."
    assert re.search(r" OGPU each", facts["price"]), facts["price"]
    assert f"for {PICTURES} tasks" in facts["total"], facts["total"]
    assert FEE.search(facts["fees"]), facts["fees"]
    assert facts["expiry"].startswith("Each task expires "), facts["expiry"]
    assert "scan.pdf" in review.refused.toPlainText()
    assert review.publish_button.text() == f"Sign and publish {PICTURES} tasks"
    return await deposit_and_publish(driver, review)


async def open_review(driver: AppDriver) -> BatchReviewDialog:
    """Press Review batch… and return the batch review once it is shown."""
    driver.compose.batch_panel.review_button.click()
    return await shown_review(driver)


async def shown_review(driver: AppDriver) -> BatchReviewDialog:
    """The batch review, once it is shown."""
    await wait_until(lambda: visible_child(driver.window, BatchReviewDialog) is not None,
                     lambda: f"the batch review (banner: {driver.window.banner.message()!r})")
    review = visible_child(driver.window, BatchReviewDialog)
    assert review is not None
    return review


async def deposit_and_publish(driver: AppDriver, review: BatchReviewDialog) -> BatchPage:
    """Deposit what the vault lacks (signed in its own review), publish; return the batch page."""
    if review.deposit_button.isVisible():  # a fresh Sandbox account's vault is empty
        assert review.deposit_note.text().startswith("Deposit needed: ")
        assert not review.publish_button.isEnabled()
        review.deposit_button.click()
        await driver.sign_transaction(review)
        await wait_until(review.publish_button.isEnabled,
                         lambda: f"the deposit ({review.deposit_note.text()!r})")
    review.publish_button.click()

    flow = driver.controller.batch_flow
    await wait_until(lambda: flow.last_batch is not None and flow.last_batch in flow.pages,
                     lambda: "the batch page after publishing (progress: "
                     f"{flow.progress_dialog.stage_label.text() if flow.progress_dialog else ''!r},"
                     f" banner: {driver.window.banner.message()!r})")
    assert flow.last_batch is not None
    return flow.pages[flow.last_batch]


def refusal_files_words() -> dict[str, str]:
    """The refused files of :func:`refusal_files` and a word each reason must hold."""
    return {"cut.jpg": "incomplete", "notes.jpg": "text file, not an image", "empty.png": "empty",
            "bomb.png": "megapixels", "scan.pdf": "PDF"}


async def flow(driver: AppDriver, info: dict[str, Any], folder: Path, out: Path) -> None:
    await driver.connected()
    driver.pick_type("image-classification")
    await driver.source_shown(source_address(info, "image-classification"))
    page = await review_and_publish(driver, [folder / "photos", folder / "notes.txt"])
    batch_id = page.batch_id

    # One row for the whole batch above the task list; it opens the same page.
    driver.show_page(TASKS)
    batches = driver.controller.batch_flow.batch_list
    assert batches is not None
    assert batches.isVisible()
    row = batches.row_of(batch_id)
    assert row >= 0
    cells = [batches.table.item(row, c).text() for c in range(4)]  # type: ignore[union-attr]
    assert cells[:3] == [f"Batch {batch_id}", "Image classification", f"{PICTURES + 6}"], cells
    # Its tasks are on its page, not one by one in the task list below.
    await wait_until(lambda: page.flow.items(batch_id, BatchFilter.ALL) and all(
        i.task for i in page.flow.items(batch_id, BatchFilter.ALL) if i.status
        is not BatchItemStatus.REFUSED), "every accepted input's task")
    proxy = driver.window.tasks_page.proxy
    batch_tasks = {i.task.lower() for i in page.flow.items(batch_id, BatchFilter.ALL) if i.task}
    assert len(batch_tasks) == PICTURES
    await wait_until(lambda: proxy.hidden_tasks() >= batch_tasks, "the batch's tasks left out")
    listed = {proxy.index(r, 0).data(ROW_ROLE).address.lower() for r in range(proxy.rowCount())}
    assert not listed & batch_tasks
    model = driver.window.tasks_page.model
    assert {model.row(r).address.lower() for r in range(model.rowCount())} >= batch_tasks
    assert driver.window.tasks_page.empty.text() == ONLY_BATCHES_TEXT
    page.hide()
    batches.table.selectRow(row)
    batches.open_button.click()
    assert page.isVisible()

    await wait_until(lambda: page.flow.counts(batch_id).get(BatchItemStatus.FINISHED) == PICTURES,
                     lambda: f"every picture answered ({page.counts.text()!r})", 150)
    await wait_until(lambda: page.counts.text() == f"{PICTURES} finished, 6 refused",
                     lambda: f"the counts shown ({page.counts.text()!r})")
    rows = page.shown_rows()
    assert len(rows) == PICTURES + 6
    finished = [r for r in rows if r[1] == "Finished"]
    assert len(finished) == PICTURES
    for name, _status, result, task in finished:
        match = HEADLINE.match(result)
        assert match is not None, (name, result)
        assert match["label"] in IMAGE_LABELS, (name, result)
        assert task.startswith("0x"), task

    page.set_filter(BatchFilter.FINISHED)
    assert {r[1] for r in page.shown_rows()} == {"Finished"}
    assert len(page.shown_rows()) == PICTURES
    page.set_filter(BatchFilter.FAILED)
    assert sorted(r[0] for r in page.shown_rows()) == sorted(
        [f"photos/{n}" for n in refusal_files_words()] + ["notes.txt"])
    page.set_filter(BatchFilter.WAITING)
    assert page.shown_rows() == []
    assert not page.cancel_button.isEnabled()  # nothing waits any more

    assert await page.export_to(out / "batch.csv", "csv") == PICTURES + 6
    with (out / "batch.csv").open(encoding="utf-8-sig", newline="") as stream:
        exported = list(csv.DictReader(stream))
    assert list(exported[0]) == ["input", "status", "task", "headline", "score", "error"]
    by_input = {r["input"]: r for r in exported}
    assert by_input["photos/scan.pdf"]["status"] == "refused"
    assert "PDF" in by_input["photos/scan.pdf"]["error"]
    answered = [r for r in exported if r["status"] == "finished"]
    assert len(answered) == PICTURES
    assert all(HEADLINE.match(r["headline"]) and 0 < float(r["score"]) <= 1 for r in answered)
    assert page.status.text() == f"Wrote {PICTURES + 6} row(s) to {out / 'batch.csv'}."

    assert await page.export_to(out / "batch.json", "json") == PICTURES + 6
    text = (out / "batch.json").read_text(encoding="utf-8")
    assert "photos/img1.jpg" in text
    assert json.loads(text)


@pytest.mark.e2e
def test_a_dropped_folder_becomes_one_batch_reviewed_published_and_exported(
    qtbot: QtBot, sandbox_info: dict[str, Any], tmp_path: Path, no_gc_in_threads: None
) -> None:
    image_folder(tmp_path / "photos", PICTURES)
    refusal_files(tmp_path / "photos")
    (tmp_path / "notes.txt").write_text("a text, not a picture\n", encoding="utf-8")
    options = LaunchOptions(data_dir=tmp_path / "profile", sandbox_url=sandbox_info["rpc_url"])

    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await asyncio.wait_for(flow(driver, sandbox_info, tmp_path, tmp_path), FLOW_LIMIT_S)
        finally:
            await driver.close()

    run_on_qt_loop(main())


@pytest.fixture
def silent_sandbox_info() -> dict[str, Any]:
    """The shared Sandbox whose provider never answers (tasks wait until canceled)."""
    return shared_sandbox("--never-answer")


async def cancel_flow(driver: AppDriver, info: dict[str, Any], texts: Path) -> None:
    await driver.connected()
    driver.pick_type("text-classification")
    await driver.source_shown(source_address(info, "text-classification"))
    panel = driver.compose.batch_panel
    assert drop_paths(driver.compose, [texts])  # on the page, outside the form
    await wait_until(panel.review_button.isEnabled, lambda: f"the texts ({panel.summary.text()!r})")
    assert [row.cells[0] for row in panel.model.rows] == [
        "prompts.txt:1 — Prompt number 1", "prompts.txt:2 — Prompt number 2",
        "prompts.txt:3 — Prompt number 3"]
    review = await open_review(driver)
    assert review.fields["tasks"].text() == "3 tasks (3 inputs ready)."
    page = await deposit_and_publish(driver, review)
    await wait_until(lambda: page.counts.text() == "3 waiting",
                     lambda: f"the tasks waiting ({page.counts.text()!r})")
    page.set_filter(BatchFilter.WAITING)
    assert [r[1] for r in page.shown_rows()] == ["Waiting"] * 3
    assert not page.retry_button.isEnabled()  # nothing failed or expired

    page.cancel_button.click()
    shown = await driver.sign_transaction(page)  # one review for the batch's cancels
    assert "Cancel the 3 waiting task(s) of batch" in shown["headline"], shown
    await wait_until(lambda: page.counts.text() == "3 canceled",
                     lambda: f"the tasks canceled ({page.counts.text()!r}, "
                     f"{page.status.text()!r})")
    assert page.status.text().startswith("3 task(s) canceled")
    assert page.shown_rows() == []  # none waits any more
    page.set_filter(BatchFilter.EXPIRED)
    assert [r[1] for r in page.shown_rows()] == ["Canceled"] * 3
    assert not page.cancel_button.isEnabled()


@pytest.mark.e2e
def test_the_waiting_tasks_of_a_batch_are_canceled_after_one_review(
    qtbot: QtBot, silent_sandbox_info: dict[str, Any], tmp_path: Path, no_gc_in_threads: None
) -> None:
    texts = lines_txt(tmp_path / "prompts.txt", 3)
    options = LaunchOptions(data_dir=tmp_path / "profile",
                            sandbox_url=silent_sandbox_info["rpc_url"])

    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await asyncio.wait_for(cancel_flow(driver, silent_sandbox_info, texts),
                                   FLOW_LIMIT_S)
        finally:
            await driver.close()

    run_on_qt_loop(main())


async def pause_stop_flow(driver: AppDriver, info: dict[str, Any], texts: Path) -> None:
    await driver.connected()
    driver.pick_type("text-classification")
    await driver.source_shown(source_address(info, "text-classification"))
    panel = driver.compose.batch_panel
    assert drop_paths(panel, [texts])
    await wait_until(panel.review_button.isEnabled, lambda: f"the texts ({panel.summary.text()!r})")
    review = await open_review(driver)
    if review.deposit_button.isVisible():
        review.deposit_button.click()
        await driver.sign_transaction(review)
        await wait_until(review.publish_button.isEnabled, "the deposit")
    flow = driver.controller.batch_flow
    review.publish_button.click()

    # Pause as soon as publishing shows, then stop: what was not sent stays in the batch.
    await wait_until(lambda: flow.progress_dialog is not None
                     and flow.progress_dialog.isVisible(), "the batch's progress")
    progress = flow.progress_dialog
    assert progress is not None
    progress.pause_button.click()
    assert progress.pause_button.text() == "Resume"
    await wait_until(lambda: progress.stage_label.text() == "Paused",
                     lambda: f"the pause ({progress.stage_label.text()!r})")
    progress.stop_button.click()
    await wait_until(lambda: progress.ended, "the run to end")
    assert progress.stage_label.text() == "Stopped"
    assert not progress.pause_button.isEnabled()
    batch_id = flow.last_batch
    assert batch_id is not None
    counts = flow.counts(batch_id)
    pending = counts.get(BatchItemStatus.PENDING, 0)
    assert pending > 0, counts  # at most one chunk went out before the pause
    assert pending + counts.get(BatchItemStatus.WAITING, 0) == TEXTS, counts
    progress.close_button.click()

    page = flow.open_page(batch_id)
    assert page.publish_button.isVisible()
    page.publish_button.click()
    rest = await shown_review(driver)
    assert rest.fields["tasks"].text().startswith(f"{pending} task"), rest.fields["tasks"].text()
    assert not rest.deposit_button.isVisible()  # the first review's deposit pays for all
    rest.publish_button.click()
    await wait_until(lambda: flow.counts(batch_id).get(BatchItemStatus.WAITING) == TEXTS,
                     lambda: f"every text published ({page.counts.text()!r})")
    tasks = {i.task for i in flow.items(batch_id, BatchFilter.ALL)}
    assert len(tasks) == TEXTS  # one task per input, none twice
    await wait_until(lambda: page.counts.text() == f"{TEXTS} waiting",
                     lambda: f"the page's counts ({page.counts.text()!r})")
    assert not page.publish_button.isVisible()


TEXTS = 55


@pytest.mark.e2e
def test_a_batch_paused_and_stopped_is_published_later_without_a_duplicate(
    qtbot: QtBot, silent_sandbox_info: dict[str, Any], tmp_path: Path, no_gc_in_threads: None
) -> None:
    texts = lines_txt(tmp_path / "prompts.txt", TEXTS)
    options = LaunchOptions(data_dir=tmp_path / "profile",
                            sandbox_url=silent_sandbox_info["rpc_url"])

    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await asyncio.wait_for(pause_stop_flow(driver, silent_sandbox_info, texts),
                                   FLOW_LIMIT_S)
        finally:
            await driver.close()

    run_on_qt_loop(main())


async def retry_flow(driver: AppDriver, info: dict[str, Any], photos: Path, away: Path) -> None:
    await driver.connected()
    driver.pick_type("image-classification")
    await driver.source_shown(source_address(info, "image-classification"))
    panel = driver.compose.batch_panel
    assert drop_paths(panel, [photos])
    await wait_until(panel.review_button.isEnabled, "the pictures listed")
    review = await open_review(driver)
    (photos / "img2.png").rename(away)  # moved after listing: its task can't be built
    page = await deposit_and_publish(driver, review)
    await wait_until(lambda: page.counts.text() == "2 finished, 1 failed",
                     lambda: f"two answers and a failure ({page.counts.text()!r})", 90)
    page.set_filter(BatchFilter.FAILED)
    ((name, status, reason, task),) = page.shown_rows()
    assert (name, status, task) == ("photos/img2.png", "Failed", "")
    assert "not there any more" in reason
    assert page.retry_button.isEnabled()

    away.rename(photos / "img2.png")  # back as it was listed (same size and time)
    page.retry_button.click()
    again = await shown_review(driver)  # a retry is reviewed again before anything is signed
    assert again.fields["tasks"].text().startswith("1 task ("), again.fields["tasks"].text()
    again.publish_button.click()
    await wait_until(lambda: page.counts.text() == "3 finished",
                     lambda: f"the retried picture answered ({page.counts.text()!r})", 90)
    assert page.shown_rows() == []  # nothing failed any more
    assert not page.retry_button.isEnabled()


@pytest.mark.e2e
def test_a_failed_input_is_retried_after_a_new_review(
    qtbot: QtBot, sandbox_info: dict[str, Any], tmp_path: Path, no_gc_in_threads: None
) -> None:
    image_folder(tmp_path / "photos", 3)
    options = LaunchOptions(data_dir=tmp_path / "profile", sandbox_url=sandbox_info["rpc_url"])

    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await asyncio.wait_for(
                retry_flow(driver, sandbox_info, tmp_path / "photos", tmp_path / "img2.png"),
                FLOW_LIMIT_S)
        finally:
            await driver.close()

    run_on_qt_loop(main())


@pytest.mark.e2e
def test_a_csv_of_1000_texts_is_listed_and_reviewed_as_one_batch_in_the_window(
    qtbot: QtBot, sandbox_info: dict[str, Any], tmp_path: Path, no_gc_in_threads: None
) -> None:
    """A spreadsheet export dropped on Compose: one review for its 1,000 rows, nothing signed.

    Publishing a thousand goes through the same services as the command's test of 1,000 texts
    (tests/e2e/test_batch_command.py), which also kills and resumes it.
    """
    reviews = reviews_csv(tmp_path / "reviews.csv", 1000)
    options = LaunchOptions(data_dir=tmp_path / "profile", sandbox_url=sandbox_info["rpc_url"])

    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await driver.connected()
            driver.pick_type("text-classification")
            await driver.source_shown(source_address(sandbox_info, "text-classification"))
            panel = driver.compose.batch_panel
            assert drop_paths(driver.compose, [reviews])  # anywhere on the page
            await wait_until(lambda: panel.listing is not None and panel.review_button.isEnabled(),
                             lambda: f"the listing ({panel.summary.text()!r})")
            assert panel.listing is not None
            assert len(panel.listing.accepted) == 1000
            assert panel.chosen_column() == "review"
            assert panel.model.rows[0].cells[0] == (
                "reviews.csv:2 — Great product, works as described. #1")
            review = await open_review(driver)
            facts = {key: label.text() for key, label in review.fields.items()}
            assert facts["tasks"].startswith("1,000 tasks ("), facts["tasks"]
            assert "for 1,000 tasks" in facts["total"], facts["total"]
            assert review.publish_button.text() == "Sign and publish 1,000 tasks"
            review.cancel_button.click()
            await wait_until(lambda: not review.isVisible(), "the review closed")
            kept = panel.listing  # going back keeps the listing for another review
            assert kept is not None
            assert len(kept.accepted) == 1000
        finally:
            await driver.close()

    run_on_qt_loop(main())
