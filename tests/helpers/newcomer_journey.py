"""A newcomer's first session, driven by real X input events (xdotool) on a real X display.

The window is the one ``ogpu-desktop --data-dir FRESH`` builds, made in this process on the X
display given by ``DISPLAY`` (Qt's xcb platform). The app has no automation hook, so the journey
reads each widget's place from the widget itself (``mapToGlobal`` on the object names of
``docs/ui-automation.md``) and acts only through xdotool: pointer moves, clicks, typed text and
key presses go through the X server like a user's. What the journey checks is what the user
sees: the texts of the widgets after each step. A picture of the whole screen (Qt's grab of the
root window, that is the X server's pixels) is saved after each step.

From a fresh profile: the first-run choice (the Sandbox, started by the app itself), a new
account kept in the keychain, test tokens, a deposit, then four tasks (text classification, image
classification with a picture chosen in the file dialog, text generation, translation), each
reviewed and signed, and their four results read on the Tasks page.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.sandbox.engines import IMAGE_LABELS, SANDBOX_MARK
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import ConfirmPublishDialog
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import ConfirmTransactionDialog
from ogpu_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
from ogpu_desktop.ui.dialogs.publish_progress_dialog import PublishProgressDialog
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.wallet.new_account_dialog import NewAccountDialog
from tests.helpers.app_driver import is_closed, visible_child, wait_until

W = TypeVar("W", bound=QWidget)
TYPE_DELAY_MS = "8"
SECTIONS = {"Compose": 0, "Tasks": 1, "Wallet": 2, "Settings": 3}
TEXT = "I love how light and quiet this laptop is"
PROMPT = "Once upon a time, in a quiet harbour town,"
TRANSLATE = "The museum opens at nine and closes at six."


def tools_missing() -> list[str]:
    """The programs the journey needs that are not installed."""
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


@dataclass
class Journey:
    """The steps of the journey over ``window``, with pictures saved in ``out``.

    Attributes:
        seen: What the user saw at the end of each step, by step name.
    """

    window: MainWindow
    out: Path
    picture: Path
    seen: dict[str, str] = field(default_factory=dict)
    step: int = 0

    # --- input through the X server ------------------------------------------------------

    async def xdotool(self, *args: str) -> str:
        """Run xdotool (off the Qt thread, so the window keeps answering); return its output."""
        loop = asyncio.get_running_loop()
        done = await loop.run_in_executor(None, lambda: subprocess.run(
            ["xdotool", *args], capture_output=True, text=True, timeout=60, check=False))
        if done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    async def click_at(self, point: QPoint) -> None:
        """Move the pointer to ``point`` (screen coordinates) and press the left button."""
        await self.xdotool("mousemove", "--sync", str(point.x()), str(point.y()))
        await self.xdotool("click", "1")
        await asyncio.sleep(0.15)

    async def click(self, widget: QWidget, rect: QRect | None = None) -> None:
        """Click the middle of ``widget`` (or of ``rect`` in its coordinates)."""
        await wait_until(lambda: widget.isVisible() and widget.isEnabled(),
                         f"{widget.objectName() or type(widget).__name__} to be clickable")
        area = rect if rect is not None else widget.rect()
        if rect is None and isinstance(widget, (QCheckBox, QRadioButton)):
            # Only the box and its text take a click, not the rest of the row.
            area = QRect(QPoint(0, 0), widget.sizeHint()).intersected(widget.rect())
        await self.click_at(widget.mapToGlobal(area.center()))

    async def type_text(self, text: str) -> None:
        """Type ``text`` on the keyboard into whatever has the focus."""
        await self.xdotool("type", "--delay", TYPE_DELAY_MS, text)
        await asyncio.sleep(0.1)

    async def key(self, *keys: str) -> None:
        """Press keys (``Return``, ``ctrl+a``…)."""
        await self.xdotool("key", *keys)
        await asyncio.sleep(0.1)

    def named(self, kind: type[W], name: str, parent: QWidget | None = None) -> W:
        """The visible widget of ``kind`` called ``name`` (under ``parent``, else the window)."""
        found = [w for w in (parent or self.window).findChildren(kind, name) if w.isVisible()]
        assert found, f"no visible {kind.__name__} named {name!r}"
        return found[-1]

    async def dialog(self, kind: type[W]) -> W:
        """The dialog of ``kind`` once it is on screen."""
        await wait_until(lambda: visible_child(self.window, kind) is not None, kind.__name__, 90)
        found = visible_child(self.window, kind)
        assert found is not None
        await asyncio.sleep(0.3)  # mapped and painted by the X server
        return found

    async def snap(self, name: str, saw: str) -> None:
        """Save the whole screen as ``NN-name.png`` and note what the user saw."""
        await asyncio.sleep(0.3)
        self.step += 1
        screen = QGuiApplication.primaryScreen()
        path = self.out / f"{self.step:02d}-{name}.png"
        assert screen.grabWindow(0).save(str(path)), path
        self.seen[name] = saw

    # --- the steps -----------------------------------------------------------------------

    async def section(self, title: str) -> None:
        """Click a section in the navigation list."""
        navigation = self.named(QListWidget, "navigationList")
        item = navigation.item(SECTIONS[title])
        await self.click(navigation.viewport(), navigation.visualItemRect(item))
        await wait_until(lambda: self.window.pages.currentIndex() == SECTIONS[title], title)

    async def first_run(self) -> None:
        """The first-run choice: keep the Sandbox and press Start, then wait to be connected."""
        dialog = await self.dialog(FirstRunDialog)
        await self.snap("first-run", dialog.windowTitle())
        assert dialog.buttons["sandbox"].isChecked()
        await self.click(self.named(QAbstractButton, "firstRun.start_button", dialog))
        status = self.window.status_bar.connection_label
        await wait_until(lambda: status.text() == "Connected",
                         lambda: f"the connection ({status.text()!r})", 180)
        await self.snap("connected", status.text())

    async def wallet(self) -> None:
        """Create an account (key shown once, backed up), get test tokens, deposit 0.1."""
        await self.section("Wallet")
        page = self.window.wallet_page
        await wait_until(lambda: page.view is not None and page.view.keychain_checked,
                         "the wallet")
        view = page.view
        assert view is not None
        await self.click(view.create_button)
        dialog = await self.dialog(NewAccountDialog)
        await self.click(dialog.label_edit)
        await self.type_text("My first account")
        await self.click(dialog.create_button)
        await wait_until(lambda: dialog.key_field.text() != "", "the new key")
        await self.snap("new-account-key", dialog.address_label.text())
        await self.click(dialog.confirm_check)
        await self.click(dialog.done_button)
        await wait_until(lambda: is_closed(dialog), "the new-account dialog to close")
        balances = view.balances
        await self.click(balances.faucet_button)
        await wait_until(lambda: balances.status_label.text().startswith("Test tokens sent"),
                         lambda: f"the faucet ({balances.status_label.text()!r})", 60)
        await self.snap("test-tokens", balances.wallet_balance_label.text())
        await self.click(balances.amount_edit)
        await self.type_text("0.1")
        await self.click(balances.deposit_button)
        confirm = await self.dialog(ConfirmTransactionDialog)
        await self.snap("deposit-review", confirm.headline.text())
        await self.click(confirm.sign_button)
        await wait_until(lambda: balances.status_label.text().startswith("Deposited"),
                         lambda: f"the deposit ({balances.status_label.text()!r})", 60)
        await self.snap("deposited", balances.vault_available_label.text())

    async def pick_type(self, title: str) -> None:
        """Open the task-type picker and click ``title`` in its list."""
        await self.section("Compose")
        picker = self.named(QComboBox, "taskTypePicker")
        await self.click(picker)
        popup = picker.view()
        await wait_until(popup.isVisible, "the task-type list")
        index = picker.findText(title)
        assert index >= 0, title
        model_index = picker.model().index(index, 0)
        popup.scrollTo(model_index)
        await asyncio.sleep(0.2)
        await self.click(popup.viewport(), popup.visualRect(model_index))
        await wait_until(lambda: picker.currentText() == title, f"the type {title}")

    async def type_into(self, field_name: str, text: str) -> None:
        """Click the text box of form field ``field_name`` and type ``text``."""
        editor = self.named(QWidget, f"field_{field_name}")
        boxes = [w for w in editor.findChildren(QPlainTextEdit) if w.isVisible()]
        await self.click(boxes[0] if boxes else editor)
        await self.type_text(text)

    async def publish(self, name: str) -> None:
        """Press Publish, read the review, Sign, follow the progress and close it."""
        compose = self.window.compose_page
        await wait_until(compose.publish_button.isEnabled,
                         lambda: f"Publish ({compose.summary.text()!r})", 90)
        await self.click(compose.publish_button)
        review = await self.dialog(ConfirmPublishDialog)
        await self.snap(f"{name}-review", review.headline.text())
        await self.click(review.sign_button)
        progress = await self.dialog(PublishProgressDialog)
        await wait_until(lambda: progress.finished_publishing, "the publish", 90)
        await self.snap(f"{name}-published", progress.headline.text())
        assert progress.headline.text().startswith("Published"), progress.headline.text()
        await self.click(progress.close_button)
        await wait_until(lambda: is_closed(progress), "the progress dialog to close")

    async def compose_four(self) -> None:
        """Publish the four tasks, typing every text and choosing the picture in the dialog."""
        await self.pick_type("Text classification")
        await self.type_into("text", TEXT)
        await self.publish("text-classification")

        await self.pick_type("Image classification")
        zone = self.named(QWidget, "field_image")
        await self.click(self.named(QAbstractButton, "imageBrowseButton", zone))
        await asyncio.sleep(1.0)  # the file dialog opens with its file-name box focused
        await self.type_text(str(self.picture))
        await self.key("Return")
        preview = self.named(QLabel, "imagePreview", zone)
        await wait_until(lambda: preview.pixmap() is not None and not preview.pixmap().isNull(),
                         "the picture to be loaded", 60)
        await self.snap("image-chosen", self.named(QLabel, "imageDetails", zone).text())
        await self.publish("image-classification")

        await self.pick_type("Text generation")
        await self.type_into("prompt", PROMPT)
        await self.publish("text-generation")

        await self.pick_type("Translation")
        await self.type_into("text", TRANSLATE)
        await self.publish("translation")

    async def results(self) -> dict[str, list[str]]:
        """Open each task on the Tasks page (click its row, double-click) and read its result."""
        await self.section("Tasks")
        model = self.window.task_model
        await wait_until(
            lambda: model.rowCount() == 4 and all(
                self.window.tasks_page.proxy.index(row, 0).data() == TaskState.FINALIZED.label
                for row in range(4)),
            "four finished tasks", 120)
        await self.snap("tasks", f"{model.rowCount()} tasks")
        table = self.window.tasks_page.table
        read: dict[str, list[str]] = {}
        for row in range(4):
            index = self.window.tasks_page.proxy.index(row, 2)
            rect = table.visualRect(index)
            await self.click(table.viewport(), rect)
            chosen = self.window.tasks_page.current_row()
            assert chosen is not None, "the click chose no task"
            await self.xdotool("click", "--repeat", "2", "1")
            shown = await self.opened_result(chosen.address)
            kind = str(index.siblingAtColumn(1).data())
            read[kind] = shown
            await self.snap(f"result-{row + 1}", f"{kind}: {shown}")
            # The double-click opened the result full size: back to the list as a user would.
            page = self.window.tasks_page
            if page.detail_full_size:
                await self.click(page.detail.full_size_button)
                await wait_until(table.isVisible, "the task list again")
        return read


    async def opened_result(self, address: str) -> list[str]:
        """Wait for the detail of ``address`` and its result; return the result's texts."""
        detail = self.window.tasks_page.detail
        await wait_until(lambda: detail.record is not None
                         and detail.record.address.lower() == address.lower(),
                         "the detail of the chosen task", 60)
        await detail.wait_loaded()
        await wait_until(lambda: detail.result_panel.view is not None, "the result", 60)
        await detail.wait_loaded()
        await asyncio.sleep(0.3)
        return result_texts(detail.result_panel)


def result_texts(panel: QWidget) -> list[str]:
    """The texts the result viewer shows: labels and scores, or the texts of its cards."""
    texts: list[str] = []
    for prefix, kind in (("scoreLabel", QLabel), ("resultText", QPlainTextEdit)):
        position = 0
        while (found := panel.findChild(kind, f"{prefix}{position}")) is not None:
            texts.append(found.text() if isinstance(found, QLabel) else found.toPlainText())
            position += 1
    return texts


def check_results(read: dict[str, list[str]]) -> list[str]:
    """What is wrong with the four results the user read (nothing when all are right)."""
    problems: list[str] = []
    expected: dict[str, Callable[[list[str]], bool]] = {
        "Text classification": lambda t: bool(t) and t[0] in ("POSITIVE", "NEGATIVE"),
        "Image classification": lambda t: bool(t) and set(t) <= set(IMAGE_LABELS),
        "Text generation": lambda t: bool(t) and t[0].startswith(PROMPT),
        "Translation": lambda t: bool(t) and SANDBOX_MARK in t[0] and TRANSLATE in t[0],
    }
    for kind, good in expected.items():
        if kind not in read:
            problems.append(f"no result read for {kind} (read: {sorted(read)})")
        elif not good(read[kind]):
            problems.append(f"{kind} shows {read[kind]!r}")
    return problems
