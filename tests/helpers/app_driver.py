"""Drives the real app window as a user would, through its widgets and their object names.

Used by the end-to-end test and by ``scripts/screenshots.py``. The window is built by the same
start-up code as ``ogpu-desktop`` (``build_window`` and ``after_first_paint``), so the real
:class:`AppController` opens the wallet, the history and the connection. Everything here runs on
a qasync loop: waits poll with ``asyncio.sleep`` so Qt keeps running meanwhile.

Usage::

    driver = await AppDriver.open(LaunchOptions(data_dir=folder, sandbox_url=info["rpc_url"]))
    run_on_qt_loop(flow(driver))   # flow awaits driver.connected(), driver.publish(...), …
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import qasync
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ogpu_desktop.app import build_parts
from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.asyncutils import set_default_error_sink
from ogpu_desktop.ui.controller.app_controller import AppController
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import ConfirmPublishDialog
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import ConfirmTransactionDialog
from ogpu_desktop.ui.dialogs.publish_progress_dialog import PublishProgressDialog
from ogpu_desktop.ui.forms.image_drop_zone import ImageDropZone
from ogpu_desktop.ui.launch import after_first_paint, build_window, create_application
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.models.task_table_model import STATE_ROLE, Column
from ogpu_desktop.ui.pages.compose_page import ComposePage
from ogpu_desktop.ui.tasks.task_detail_panel import TaskDetailPanel
from ogpu_desktop.ui.wallet.new_account_dialog import NewAccountDialog
from ogpu_desktop.ui.wallet.wallet_view import WalletView

W = TypeVar("W", bound=QWidget)
T = TypeVar("T")

POLL_S = 0.02
COMPOSE, TASKS, WALLET, SETTINGS = range(4)
WINDOW_SIZE = (1200, 800)


async def wait_until(
    condition: Callable[[], object], what: str | Callable[[], str], limit_s: float = 60.0
) -> None:
    """Let the Qt loop run until ``condition()`` is true; fail saying what did not happen."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"still waiting after {limit_s:.0f} s for: {said}")
        await asyncio.sleep(POLL_S)


def run_on_qt_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to its end on a qasync loop over the process's QApplication."""
    app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        result: T = loop.run_until_complete(main)
        return result
    finally:
        loop.close()
        asyncio.set_event_loop(None)


@contextmanager
def collect_on_this_thread() -> Iterator[None]:
    """As the app does: no automatic garbage collection (an executor thread would free widgets)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()


def file_mime(path: Path) -> QMimeData:
    """What a file manager puts on a drag of ``path``: its file URL."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def drop_file(zone: ImageDropZone, path: Path) -> bool:
    """Drag ``path`` over ``zone`` and drop it there; return whether the zone took it."""
    mime = file_mime(path)
    position = QPointF(zone.width() / 2, zone.height() / 2)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(position, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(zone, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(zone, drop)
    return drop.isAccepted()


def visible_child(parent: QWidget, kind: type[W]) -> W | None:
    """The last visible widget of ``kind`` among ``parent``'s children, if any."""
    shown = [w for w in parent.findChildren(kind) if shiboken6.isValid(w) and w.isVisible()]
    return shown[-1] if shown else None


def child(parent: QWidget, kind: type[W], name: str) -> W:
    """``parent``'s child of ``kind`` called ``name``; fails when there is none."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def labels_in(parent: QWidget, prefix: str) -> list[str]:
    """The texts of the labels ``{prefix}0``, ``{prefix}1``, … under ``parent``, in order."""
    texts: list[str] = []
    while (label := parent.findChild(QLabel, f"{prefix}{len(texts)}")) is not None:
        texts.append(label.text())
    return texts


def is_closed(widget: QWidget) -> bool:
    """True once ``widget`` is hidden or deleted."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


@dataclass
class Published:
    """What one publish through the window gave: the review it showed and the tasks made."""

    review: dict[str, str]
    review_json: str
    ipfs_notice: str
    tasks: list[str]


class AppDriver:
    """The real main window and its controller, with the steps a user takes.

    Args:
        window: The main window, shown.
        controller: Its app controller (network, wallet, publishing).
        log_handlers: Logging handlers the start-up added, removed again by :meth:`close`.
    """

    def __init__(
        self, window: MainWindow, controller: AppController, log_handlers: list[logging.Handler],
        quit_on_last_window: bool = True,
    ) -> None:
        self.window = window
        self.controller = controller
        self._log_handlers = log_handlers
        self._quit_on_last_window = quit_on_last_window

    @classmethod
    async def open(cls, options: LaunchOptions) -> AppDriver:
        """Build and show the window as ``ogpu-desktop`` does, then start its controller.

        Call while the qasync loop runs: the wiring loads on a worker thread, and the
        controller's start-up is a task on the loop.
        """
        app = create_application()
        # The window is closed (and the loop kept) by :meth:`close`, not by Qt's last-window rule.
        quit_on_last_window = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)
        app_logger = logging.getLogger("ogpu_desktop")
        before = list(app_logger.handlers)
        window = build_window(options)
        window.resize(*WINDOW_SIZE)
        window.show()
        await after_first_paint(window, build_parts)
        added = [h for h in app_logger.handlers if h not in before]
        controller = window.findChild(AppController)
        assert controller is not None, "the start-up made no AppController"
        return cls(window, controller, added, quit_on_last_window)

    # --- connection and pages --------------------------------------------------------------

    async def connected(self, limit_s: float = 60.0) -> None:
        """Wait until the status bar says the window is connected."""
        status = self.window.status_bar
        await wait_until(
            lambda: status.connection_label.text() == "Connected",
            lambda: f"the connection (status: {status.connection_label.text()!r}, "
            f"banner: {self.window.banner.message()!r})",
            limit_s,
        )

    def show_page(self, row: int) -> None:
        """Click the section ``row`` in the navigation list."""
        self.window.navigation.setCurrentRow(row)
        assert self.window.pages.currentIndex() == row

    @property
    def compose(self) -> ComposePage:
        """The Compose page."""
        return self.window.compose_page

    @property
    def detail(self) -> TaskDetailPanel:
        """The Tasks page's detail panel."""
        return self.window.tasks_page.detail

    async def close(self) -> None:
        """Close the window as the user does (the connection closes first), then free it."""
        window, controller = self.window, self.controller
        try:
            if shiboken6.isValid(window) and window.isVisible():
                window.close()
                await wait_until(lambda: is_closed(window), "the window to close", 30)
                await wait_until(lambda: controller.parts is None, "the history to close", 30)
        finally:
            app_logger = logging.getLogger("ogpu_desktop")
            for handler in self._log_handlers:
                app_logger.removeHandler(handler)
                handler.close()
            set_default_error_sink(None)
            if shiboken6.isValid(window):
                window.hide()
                shiboken6.delete(window)
            gc.unfreeze()  # the start-up froze the test process's objects: collect them again
            gc.collect()
            create_application().setQuitOnLastWindowClosed(self._quit_on_last_window)

    # --- wallet ----------------------------------------------------------------------------

    async def wallet_view(self) -> WalletView:
        """Show the Wallet page and return its view once the keychain check is done."""
        self.show_page(WALLET)
        page = self.window.wallet_page
        await wait_until(lambda: page.view is not None, "the wallet to open")
        view = page.view
        assert view is not None
        await wait_until(lambda: view.keychain_checked, "the keychain check")
        return view

    async def start_account(self, label: str) -> NewAccountDialog:
        """Wallet → Create…: name the account, create it, and return the dialog showing its key."""
        view = await self.wallet_view()
        view.create_button.click()
        await wait_until(lambda: visible_child(view, NewAccountDialog) is not None,
                         "the new-account dialog")
        dialog = visible_child(view, NewAccountDialog)
        assert dialog is not None
        dialog.label_edit.setText(label)
        dialog.create_button.click()
        await wait_until(lambda: dialog.key_field.text() != "", "the new key to be shown")
        return dialog

    async def confirm_backup(self, dialog: NewAccountDialog) -> str:
        """Tick "I have kept a backup", press Done; return the new account's address."""
        new = dialog.new_account
        assert new is not None
        dialog.confirm_check.setChecked(True)
        dialog.done_button.click()
        await wait_until(lambda: is_closed(dialog), "the new-account dialog to close")
        view = self.window.wallet_page.view
        assert view is not None
        await wait_until(lambda: view.wallet.active_address == new.address,
                         "the new account to sign")
        return new.address

    async def get_test_tokens(self) -> str:
        """Press "Get test tokens" and wait for the tokens; return the wallet balance shown."""
        view = await self.wallet_view()
        balances = view.balances
        await wait_until(balances.faucet_button.isEnabled, "the faucet button")
        balances.faucet_button.click()
        await wait_until(lambda: balances.status_label.text().startswith("Test tokens sent"),
                         lambda: f"the faucet (status: {balances.status_label.text()!r})")
        await wait_until(lambda: balances.wallet_balance_label.text() not in ("—", "0 OGPU"),
                         "the wallet balance")
        return balances.wallet_balance_label.text()

    async def sign_transaction(self, parent: QWidget) -> dict[str, str]:
        """Press Sign in the transaction confirmation over ``parent``; return what it showed."""
        await wait_until(
            lambda: visible_child(parent, ConfirmTransactionDialog) is not None,
            "the transaction's fee and total",
        )
        dialog = visible_child(parent, ConfirmTransactionDialog)
        assert dialog is not None
        shown = {key: label.text() for key, label in dialog.fields.items()}
        shown["headline"] = dialog.headline.text()
        dialog.sign_button.click()
        return shown

    async def deposit(self, amount: str) -> str:
        """Type ``amount``, press Deposit, sign; return the vault balance shown afterwards."""
        view = await self.wallet_view()
        balances = view.balances
        balances.amount_edit.setText(amount)
        balances.deposit_button.click()
        await self.sign_transaction(view)
        await wait_until(lambda: balances.status_label.text().startswith("Deposited"),
                         lambda: f"the deposit (status: {balances.status_label.text()!r}, "
                         f"error: {balances.amount_error.text()!r})")
        await wait_until(lambda: balances.vault_available_label.text() not in ("—", "0 OGPU"),
                         "the vault balance")
        return balances.vault_available_label.text()

    # --- compose ---------------------------------------------------------------------------

    def pick_type(self, key: str) -> None:
        """Choose the task type ``key`` in the picker, as a user does."""
        self.show_page(COMPOSE)
        picker = self.compose.picker
        index = picker.findData(key)
        assert index >= 0, key
        picker.setCurrentIndex(index)
        assert self.compose.current_type() == key

    def fill(self, values: Mapping[str, object]) -> None:
        """Type ``values`` into the form's fields (advanced ones open the Advanced section)."""
        form = self.compose.form
        for name, value in values.items():
            if form.spec.field(name).advanced:
                form.show_advanced(True)
            form.editors[name].set_value(value)

    async def drop_image(self, path: Path, field: str = "image") -> ImageDropZone:
        """Drop the file ``path`` on the form's image zone and wait until it is prepared."""
        zone = child(self.compose.form, ImageDropZone, f"field_{field}")
        assert drop_file(zone, path), "the drop zone refused the file"
        await wait_until(lambda: not zone.is_busy(), "the image to be prepared", 30)
        assert zone.error_message() == "", zone.error_message()
        return zone

    async def source_shown(self, address: str) -> None:
        """Wait until the source picker shows the on-chain terms of ``address``."""
        picker = self.compose.source_picker
        await wait_until(
            lambda: picker.info is not None and picker.info.address.lower() == address.lower(),
            lambda: f"the source {address} (terms: {picker.terms_label.text()!r})",
        )

    async def pick_source(self, address: str) -> None:
        """Pick ``address`` in the source list and wait for its terms."""
        combo = self.compose.source_picker.combo
        index = combo.findData(address)
        assert index >= 0, f"{address} is not in the source list"
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        await self.source_shown(address)

    async def browse_and_pick_source(self, address: str) -> None:
        """Browse the network's sources and pick ``address`` in the list."""
        picker = self.compose.source_picker
        picker.browse_button.click()
        await wait_until(lambda: picker.combo.findData(address) >= 0, "the browsed sources")
        await self.pick_source(address)

    async def open_review(self) -> ConfirmPublishDialog:
        """Press Publish and return the review-and-sign dialog once it is shown."""
        flow = self.controller.publish_flow
        await wait_until(lambda: not flow.busy, "the previous publish to end")
        # Publish waits, as for a user, until the source shown is read and fits the form.
        summary = self.compose.summary
        await wait_until(self.compose.publish_button.isEnabled,
                         lambda: f"Publish to be enabled (summary: {summary.text()!r})")
        self.compose.publish_button.click()
        await wait_until(
            lambda: visible_child(self.window, ConfirmPublishDialog) is not None,
            lambda: f"the review dialog (banner: {self.window.banner.message()!r}, "
            f"summary: {self.compose.summary.text()!r})",
        )
        review = visible_child(self.window, ConfirmPublishDialog)
        assert review is not None
        return review

    async def sign(self, review: ConfirmPublishDialog) -> list[str]:
        """Press Sign, follow the progress dialog to its end, close it; return the new tasks."""
        flow = self.controller.publish_flow
        before = flow.last_outcome
        assert review.sign_button.isEnabled(), review.problems.text()
        review.sign_button.click()
        await wait_until(lambda: visible_child(self.window, PublishProgressDialog) is not None,
                         "the progress dialog")
        progress = visible_child(self.window, PublishProgressDialog)
        assert progress is not None
        await wait_until(lambda: progress.finished_publishing,
                         lambda: f"the publish ({progress.headline.text()!r})")
        headline = progress.headline.text()
        assert headline.startswith("Published"), headline
        progress.close_button.click()
        await wait_until(lambda: flow.last_outcome is not before and not flow.busy,
                         "the publish to be recorded")
        outcome = flow.last_outcome
        assert outcome is not None
        assert outcome.all_published, outcome
        return [t.task for t in outcome.tasks if t.task is not None]

    async def publish(self, *, open_json: bool = True) -> Published:
        """Publish what the form holds: review (facts read), Sign, progress; the new tasks."""
        review = await self.open_review()
        if open_json:
            assert not review.json_view.isVisible()  # collapsed until asked for
            review.json_toggle.click()
            assert review.json_view.isVisible()
        facts = {key: label.text() for key, label in review.fields.items()}
        facts["headline"] = review.headline.text()
        shown_json = review.json_view.toPlainText()
        notice = review.ipfs_notice.text() if review.ipfs_notice.isVisible() else ""
        tasks = await self.sign(review)
        return Published(facts, shown_json, notice, tasks)

    # --- tasks -----------------------------------------------------------------------------

    def task_cell(self, address: str, column: Column, role: int = 0) -> Any:
        """The task list model's data for ``address`` in ``column`` (``None`` if not listed)."""
        model = self.window.task_model
        position = model.position_of(address)
        if position is None:
            return None
        return model.data(model.index(position, int(column)), role)

    def task_state(self, address: str) -> TaskState | None:
        """The state the list shows for ``address``."""
        state = self.task_cell(address, Column.STATUS, STATE_ROLE)
        return state if isinstance(state, TaskState) else None

    async def tasks_reach(
        self, tasks: list[str], state: TaskState, responses: int | None = None,
        limit_s: float = 60.0,
    ) -> None:
        """Wait until the list shows every task of ``tasks`` in ``state`` (with ``responses``)."""
        label = state.label

        def reached(task: str) -> bool:
            if self.task_cell(task, Column.STATUS) != label:
                return False
            return responses is None or self.task_cell(task, Column.RESPONSES) == str(responses)

        await wait_until(
            lambda: all(reached(t) for t in tasks),
            lambda: f"{label} for every task; the list shows "
            + ", ".join(f"{t[:8]}: {self.task_cell(t, Column.STATUS)}/"
                        f"{self.task_cell(t, Column.RESPONSES)}" for t in tasks),
            limit_s,
        )

    async def open_detail(self, task: str) -> TaskDetailPanel:
        """Tasks page: select ``task``, press Details, and wait for its chain data and result."""
        self.show_page(TASKS)
        page = self.window.tasks_page
        assert page.select_task(task), f"{task} is not listed"
        assert page.details_action.isEnabled()
        page.details_action.trigger()
        detail = page.detail
        await wait_until(
            lambda: detail.record is not None and detail.record.address.lower() == task.lower(),
            "the detail of the task",
        )
        await detail.wait_loaded()
        if detail.responses.rowCount():
            await wait_until(
                lambda: detail.result_panel.view is not None,
                lambda: f"the result ({detail.responses.rowCount()} responses, chosen: "
                f"{detail.responses.selected_response()}, error: {detail.result_error.text()!r})",
                30,
            )
            await detail.wait_loaded()
        return detail

    async def confirm_response(self, detail: TaskDetailPanel, row: int) -> str:
        """Choose response ``row``, press Confirm and answer Yes; return the response address."""
        detail.responses.selectRow(row)
        chosen = detail.responses.selected_response()
        assert chosen is not None
        await detail.wait_loaded()
        await wait_until(detail.confirm_button.isEnabled, "the Confirm button")
        detail.confirm_button.click()
        await self.sign_transaction(detail)
        return chosen.address
