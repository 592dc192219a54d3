"""Every page and dialog of the real window, filled with real content from a Sandbox, audited.

:class:`LayoutTour` drives the window that ``ogpu-desktop`` builds (through
:class:`~tests.helpers.app_driver.AppDriver`) as a user would and calls
:func:`~tests.helpers.layout_audit.audit` at each of the :data:`STOPS`: two session-only
accounts (one with a long name), test tokens and a deposit; one task of every type with long
texts and a 1200 x 800 photo, each through its review and progress dialogs; a batch of three
texts; every task's detail once answered; the Wallet page with balances read after the fees (so
with 18 decimals), its rename, export, remove and import dialogs; Settings, with the custom
network's fields; the first-run choice.

Everything shown is real: real transactions on the Sandbox, real answers of its providers. One
view is assembled: the Sandbox's sources answer one input per task, so the batch viewer is shown,
in the detail's own result panel, with the three real answers of the batch's tasks (as
``scripts/screenshots.py`` does for its picture).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QComboBox, QDialog, QWidget

from ogpu_desktop.domain.results import normalise
from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import ConfirmTransactionDialog
from ogpu_desktop.ui.dialogs.first_run_dialog import FirstRunDialog
from ogpu_desktop.ui.dialogs.publish_progress_dialog import PublishProgressDialog
from ogpu_desktop.ui.wallet.export_keystore_dialog import ExportKeystoreDialog
from ogpu_desktop.ui.wallet.import_account_dialog import ImportAccountDialog
from ogpu_desktop.ui.wallet.new_account_dialog import NewAccountDialog
from ogpu_desktop.ui.wallet.remove_account_dialog import RemoveAccountDialog
from ogpu_desktop.ui.wallet.rename_account_dialog import RenameAccountDialog
from tests.helpers.app_driver import (
    SETTINGS,
    TASKS,
    AppDriver,
    child,
    is_closed,
    visible_child,
    wait_until,
)
from tests.helpers.images import photo_like
from tests.helpers.layout_audit import Finding, audit
from tests.helpers.sandbox import source_address

D = TypeVar("D", bound=QDialog)

#: Scroll areas that must never scroll sideways (besides result viewers): every page's.
NO_SIDE_SCROLL = ("composePage", "taskDetailScroll", "taskTable", "walletPage", "settingsPage")

LONG_ACCOUNT = "Household savings for the summer holidays"
REVIEW = (
    "I bought this laptop for my daughter's first year at university and, after three months "
    "of daily use, I can say it is light, quiet and fast, the battery lasts a whole day of "
    "lectures, and the screen is bright enough to work outside in the garden."
)
ARTICLE = (
    "The city council approved a plan on Tuesday to plant ten thousand trees along its main "
    "streets over the next five years. Officials said the trees would cool the streets in "
    "summer, clean the air and slow the rain water that floods the lower town every spring. "
    "Residents can ask for a tree in front of their home on the city website, and schools "
    "will get small orchards that pupils look after during the year."
)
BATCH = ("I love this phone", "The battery is terrible and the charger broke", "Great camera")

#: What each task type's form gets: long texts, several answers, a picture where it takes one.
FORMS: dict[str, dict[str, object]] = {
    "text-classification": {"text": REVIEW, "top_k": 2},
    "image-classification": {"top_k": 5},
    "text-generation": {"prompt": "Once upon a time, in a quiet harbour town where the fishing "
                        "boats came home at dusk, an old lighthouse keeper",
                        "num_return_sequences": 3, "max_new_tokens": 40},
    "visual-question-answering": {"question": "What is the colour of the small boat near the "
                                  "pier on the left side of the picture?", "top_k": 5},
    "translation": {"text": REVIEW, "tgt_lang": "fra_Latn"},
    "summarization": {"text": ARTICLE},
    "custom": {"input": json.dumps({"text": REVIEW}), "args": '{"top_k": 2}'},
}
PICTURED = ("image-classification", "visual-question-answering")
KINDS = (*FORMS, "batch")

#: The stops of the tour, in order: a page (``compose-…``, ``tasks``, ``result-…``…) or a dialog.
STOPS: tuple[str, ...] = (
    "dialog-new-account", "dialog-new-account-key", "dialog-transaction",
    *(f"{step}-{kind}" for kind in KINDS for step in ("compose", "review", "progress")),
    "tasks",
    *(f"result-{kind}" for kind in KINDS),
    "detail-timeline", "detail-config", "result-raw-json",
    "wallet", "dialog-rename", "dialog-export", "dialog-remove", "dialog-import",
    "dialog-import-keystore", "settings", "settings-custom", "dialog-first-run",
)

Report = Callable[[str, list[Finding], dict[str, str], QWidget], None]


def pipeline_of(kind: str) -> str:
    """The Sandbox pipeline that answers a task of ``kind``."""
    return "text-classification" if kind in ("custom", "batch") else kind


async def settled() -> None:
    """Let posted layout requests and resizes run (on the Qt loop) before measuring."""
    for _ in range(3):
        await asyncio.sleep(0.03)


class LayoutTour:
    """Drives the window through :data:`STOPS` and reports each stop's findings.

    Args:
        driver: The opened window (connected to the Sandbox ``info``).
        info: The Sandbox's ``/info``.
        folder: A scratch folder (the photo is written there).
        report: Called with each stop's name, findings, notes on what it showed, and the
            audited window.
    """

    def __init__(self, driver: AppDriver, info: Mapping[str, Any], folder: Path,
                 report: Report) -> None:
        self.driver = driver
        self.info = info
        self.folder = folder
        self.report = report
        self.tasks: dict[str, list[str]] = {}

    async def stop(self, name: str, top: QWidget | None = None, **notes: str) -> None:
        """Audit ``top`` (the main window by default) as stop ``name``."""
        assert name in STOPS, name
        await settled()
        shown = top if top is not None else self.driver.window
        extra = (shown.objectName(),) if top is not None else ()
        self.report(name, audit(shown, no_side_scroll=(*NO_SIDE_SCROLL, *extra)), notes, shown)

    async def dialog(self, parent: QWidget, kind: type[D]) -> D:
        """The visible dialog of ``kind`` over ``parent``, once it is shown."""
        await wait_until(lambda: visible_child(parent, kind) is not None, kind.__name__)
        found = visible_child(parent, kind)
        assert found is not None
        return found

    async def close(self, dialog: QDialog) -> None:
        """Close ``dialog`` as Cancel does."""
        dialog.reject()
        await wait_until(lambda: is_closed(dialog), "the dialog to close")

    async def run(self) -> None:
        """The whole tour."""
        await self.driver.connected()
        await self.accounts()
        photo = self.folder / "harbour.jpg"
        photo_like(1200, 800, seed=5, texture=0.15).save(photo, "JPEG", quality=88)
        for kind in KINDS:
            await self.publish(kind, photo)
        await self.results()
        await self.wallet()
        await self.settings()
        first_run = FirstRunDialog(self.driver.window)
        first_run.open()
        await self.stop("dialog-first-run", first_run)
        await self.close(first_run)
        first_run.deleteLater()

    async def accounts(self) -> None:
        """Two accounts (the long-named one signs), test tokens and a deposit."""
        driver = self.driver
        view = await driver.wallet_view()
        view.use_session_only()
        await driver.confirm_backup(await driver.start_account("Everyday"))
        view.create_button.click()
        dialog = await self.dialog(view, NewAccountDialog)
        dialog.label_edit.setText(LONG_ACCOUNT)
        await self.stop("dialog-new-account", dialog)
        dialog.create_button.click()
        await wait_until(lambda: dialog.key_field.text() != "", "the new key to be shown")
        await self.stop("dialog-new-account-key", dialog)
        new = dialog.new_account
        assert new is not None
        dialog.confirm_check.setChecked(True)
        dialog.done_button.click()
        await wait_until(lambda: is_closed(dialog), "the new-account dialog to close")
        # The first account signs by itself; a later one when the user says so.
        await wait_until(lambda: view.account_list.selected_address() == new.address,
                         "the new account to be selected")
        view.set_active_button.click()
        await wait_until(lambda: view.wallet.active_address == new.address,
                         "the new account to sign")
        balances = view.balances
        await wait_until(balances.faucet_button.isEnabled, "the faucet button")
        balances.faucet_button.click()
        await wait_until(lambda: balances.status_label.text().startswith("Test tokens sent"),
                         lambda: f"the faucet ({balances.status_label.text()!r})")
        await self.read_balances(lambda: balances.wallet_balance_label.text() != "0 OGPU")
        balances.amount_edit.setText("2")
        balances.deposit_button.click()
        confirm = await self.dialog(view, ConfirmTransactionDialog)
        await self.stop("dialog-transaction", confirm, headline=confirm.headline.text())
        confirm.sign_button.click()
        await wait_until(lambda: balances.status_label.text().startswith("Deposited"),
                         lambda: f"the deposit ({balances.status_label.text()!r})")

    async def read_balances(self, until: Callable[[], bool]) -> None:
        """Press Refresh, as a user does while a balance looks stale, until ``until()`` holds."""
        view = self.driver.window.wallet_page.view
        assert view is not None
        balances = view.balances
        for _ in range(60):
            await wait_until(balances.refresh_button.isEnabled, "Refresh")
            if until():
                return
            balances.refresh_button.click()
            await asyncio.sleep(0.5)
        raise AssertionError(f"the balances never changed: {balances.wallet_balance_label.text()}")

    async def publish(self, kind: str, photo: Path) -> None:
        """Fill the form of ``kind``, review, sign and follow the progress to its end."""
        driver = self.driver
        driver.pick_type(pipeline_of(kind) if kind == "batch" else kind)
        if kind == "batch":
            driver.fill({"text": "\n".join(BATCH), "several": True})
        else:
            driver.fill(FORMS[kind])
        if kind in PICTURED:
            await driver.drop_image(photo)
        await driver.source_shown(source_address(self.info, pipeline_of(kind)))
        await self.stop(f"compose-{kind}")
        review = await driver.open_review()
        review.json_toggle.click()
        await self.stop(f"review-{kind}", review, headline=review.headline.text())
        flow = driver.controller.publish_flow
        before = flow.last_outcome
        review.sign_button.click()
        progress = await self.dialog(driver.window, PublishProgressDialog)
        await wait_until(lambda: progress.finished_publishing, "the publish")
        await self.stop(f"progress-{kind}", progress, headline=progress.headline.text())
        progress.close_button.click()
        await wait_until(lambda: flow.last_outcome is not before and not flow.busy,
                         "the publish to be recorded")
        outcome = flow.last_outcome
        assert outcome is not None
        assert outcome.all_published, outcome
        self.tasks[kind] = [t.task for t in outcome.tasks if t.task is not None]
        if kind == "batch":
            driver.fill({"several": False})

    async def results(self) -> None:
        """The task list, then every task's detail with its result."""
        driver = self.driver
        every = [task for found in self.tasks.values() for task in found]
        await driver.tasks_reach(every, TaskState.FINALIZED, limit_s=120)
        driver.show_page(TASKS)
        await self.stop("tasks")
        for kind in FORMS:
            detail = await driver.open_detail(self.tasks[kind][0])
            detail.tabs.setCurrentIndex(0)
            await self.stop(f"result-{kind}")
        detail = await driver.open_detail(self.tasks["text-classification"][0])
        detail.tabs.setCurrentIndex(1)
        await self.stop("detail-timeline")
        detail.tabs.setCurrentIndex(2)
        await self.stop("detail-config")
        detail.tabs.setCurrentIndex(0)
        detail.result_panel.raw_toggle.click()
        await self.stop("result-raw-json")
        detail.result_panel.raw_toggle.click()
        outputs = []
        for task in self.tasks["batch"]:
            detail = await driver.open_detail(task)
            outputs.append(json.loads(detail.result_panel.json_text)["result"]["output"])
        view = normalise(outputs, "text-classification", batch_size=len(outputs))
        detail.result_panel.show_result(view, BATCH)
        await self.stop("result-batch")

    async def wallet(self) -> None:
        """The Wallet page with fresh balances, and each of its dialogs."""
        driver = self.driver
        view = await driver.wallet_view()
        balances = view.balances
        balances.refresh_button.click()
        await asyncio.sleep(0.1)
        await wait_until(lambda: balances.refresh_button.isEnabled()
                         and not balances.status_label.text(), "the balances to be read")
        await self.stop("wallet", wallet=balances.wallet_balance_label.text(),
                        vault=balances.vault_available_label.text())
        for name, button, kind in (
            ("dialog-rename", view.rename_button, RenameAccountDialog),
            ("dialog-export", view.export_button, ExportKeystoreDialog),
            ("dialog-remove", view.remove_button, RemoveAccountDialog),
        ):
            button.click()
            dialog: QDialog = await self.dialog(view, kind)
            await self.stop(name, dialog)
            await self.close(dialog)
        view.import_button.click()
        importer = await self.dialog(view, ImportAccountDialog)
        await self.stop("dialog-import", importer)
        importer.tabs.setCurrentIndex(1)
        await self.stop("dialog-import-keystore", importer)
        await self.close(importer)

    async def settings(self) -> None:
        """The Settings page, and with the custom network's fields shown."""
        driver = self.driver
        driver.show_page(SETTINGS)
        await self.stop("settings")
        page = driver.window.settings_page
        combo = child(page, QComboBox, "settings.network_combo")
        combo.setCurrentIndex(combo.findData("custom"))
        await self.stop("settings-custom")
        page.revert_button.click()
