"""Batches for the window: review, publish with progress, keep statuses fresh, open batch pages.

One object per window, owned by the app controller. It works through the batch services only:

- the Compose page's batch panel hands over a listing; the flow reads the shared settings (the
  source picker and the form), reviews (``review_batch``), offers the deposit, records the batch
  (``BatchPublisher.create``) and publishes it with progress, pause and stop;
- while connected, a keeper brings waiting inputs up to date every few seconds
  (``BatchResults.refresh``; the tracker follows the tasks) and settles publishes in flight
  (``BatchPublisher.reconcile``), then refreshes the batch rows and any open batch page;
- the batch pages ask it to retry (reviewed again), publish the rest, cancel and export.

Network I/O is awaited on the Qt loop; listing, image encoding and exports run in worker threads
inside the services, so the window never freezes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from ogpu_desktop.domain.batch_configs import batch_input_field
from ogpu_desktop.domain.batch_entries import BatchListing
from ogpu_desktop.domain.batch_status import BatchFilter, BatchItemStatus
from ogpu_desktop.domain.catalogue import SEVERAL
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.batch_models import (
    BatchInfo,
    BatchItem,
    BatchReview,
    BatchSettings,
    RunEnd,
)
from ogpu_desktop.services.batch_publish import BatchPublisher, pending_count
from ogpu_desktop.services.batch_results import BatchResults
from ogpu_desktop.services.batch_review import review_batch
from ogpu_desktop.services.connection import Connection
from ogpu_desktop.services.sandbox_funding import ready_sandbox_account
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.batch.batch_list import BatchList, place_above
from ogpu_desktop.ui.batch.batch_page import BatchPage
from ogpu_desktop.ui.batch.batch_progress_dialog import BatchProgressDialog
from ogpu_desktop.ui.batch.batch_review_dialog import BatchReviewDialog
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import review_transaction
from ogpu_desktop.ui.dialogs.dialog_await import answer_of

if TYPE_CHECKING:
    from ogpu_desktop.ui.batch.batch_inputs_panel import BatchInputsPanel
    from ogpu_desktop.ui.main_window import MainWindow
    from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy
    from ogpu_desktop.ui.tasks.tasks_page import TasksPage

_log = logging.getLogger(__name__)

KEEP_EVERY_MS = 2000
NOT_CONNECTED = (
    "Publishing a batch needs a wallet and a network, which are not connected yet. Wait for the "
    "connection (see the status bar) or choose a network in Settings."
)
NO_ACCOUNT = "No wallet account is chosen. Create or import one on the Wallet page first."
BUSY = "A batch is being published; wait for it to end (or stop it) before publishing another."


def shared_values(task_type: str, values: Mapping[str, object]) -> dict[str, object]:
    """The form's values every task of a batch shares: all but the input and "Several"."""
    field = batch_input_field(task_type).name
    return {name: value for name, value in values.items() if name not in (field, SEVERAL)}


class BatchHost(Protocol):
    """What the flow needs of the app controller: the window and the open connection."""

    @property
    def window(self) -> MainWindow:
        """The main window."""

    @property
    def connection(self) -> Connection | None:
        """The open connection, if any."""


class BatchFlow(QObject):
    """Reviews, publishes and follows the window's batches.

    Args:
        controller: What holds the window and the connection (the app controller).
        parent: Owner (the app controller).
    """

    def __init__(self, controller: BatchHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.batch_list: BatchList | None = None
        self._tasks_proxy: TaskFilterProxy | None = None
        self.pages: dict[int, BatchPage] = {}
        self.progress_dialog: BatchProgressDialog | None = None
        self.last_batch: int | None = None
        self._publisher: BatchPublisher | None = None
        self._keeping = False
        self._keeper = QTimer(self)
        self._keeper.setInterval(KEEP_EVERY_MS)
        self._keeper.timeout.connect(self._keep)

    # -- wiring -------------------------------------------------------------------------------

    def connect_panel(self, panel: BatchInputsPanel) -> None:
        """Review the listings the Compose page's batch panel hands over."""
        panel.review_requested.connect(self.review_listing)

    def install(self, tasks_page: TasksPage) -> None:
        """Show the batch rows above the Tasks page's task list and its filters (once)."""
        if self.batch_list is not None and shiboken6.isValid(self.batch_list):
            return
        self.batch_list = BatchList(tasks_page)
        self._tasks_proxy = tasks_page.proxy
        place_above(self.batch_list, tasks_page.filters)
        self.batch_list.open_requested.connect(self.open_page)
        self.show_batches()

    def attach(self, connection: Connection | None) -> None:
        """Follow ``connection``'s batches (``None``: disconnected)."""
        self._publisher = None
        if connection is None:
            self._keeper.stop()
        else:
            self._keeper.start()
        self.show_batches()

    # -- reading (the batch page's questions) ------------------------------------------------

    def batch(self, batch_id: int) -> BatchInfo | None:
        """The batch, from the history."""
        connection = self.controller.connection
        return None if connection is None else self._results(connection).batch(batch_id)

    def items(self, batch_id: int, view: BatchFilter) -> list[BatchItem]:
        """The inputs of the batch ``view`` shows, in order."""
        connection = self.controller.connection
        return [] if connection is None else self._results(connection).items(batch_id, view)

    def counts(self, batch_id: int) -> dict[BatchItemStatus, int]:
        """How many inputs have each status."""
        connection = self.controller.connection
        return {} if connection is None else self._results(connection).counts(batch_id)

    def show_batches(self) -> None:
        """Show the network's batches in the batch rows, newest first."""
        listing = self.batch_list
        if listing is None or not shiboken6.isValid(listing):
            return
        connection = self.controller.connection
        proxy = self._tasks_proxy
        if connection is None:
            listing.show_batches([])
            if proxy is not None and shiboken6.isValid(proxy):
                proxy.set_hidden_tasks(frozenset())
            return
        results = self._results(connection)
        batches = results.batches()
        listing.show_batches(sorted(batches, key=lambda b: b.info.batch_id, reverse=True))
        if proxy is not None and shiboken6.isValid(proxy):
            # A batch is one thing in the history: its tasks are on its page, not in the list.
            proxy.set_hidden_tasks(results.task_addresses() if batches else frozenset())

    # -- the review and publishing ------------------------------------------------------------

    @async_action()
    async def review_listing(self, listing: object) -> None:
        """Review a listing from the Compose page; publish it as a new batch once agreed."""
        if not isinstance(listing, BatchListing):
            return
        connection = self._connection()
        window = self.controller.window
        compose = window.compose_page
        task_type = listing.task_type
        # Read before anything is awaited: the source and form shown now.
        selection = compose.source_picker.selection(task_type)
        panel = compose.batch_panel
        settings = BatchSettings(
            task_type=task_type, source=selection.address, payment_wei=selection.payment_wei,
            duration_s=selection.duration_s,
            values=shared_values(task_type, compose.forms[task_type].values()),
            paths=tuple(panel.paths), column=panel.chosen_column(),
        )
        self._check_idle()
        sender = await self._sender(connection)
        window.status_bar.showMessage("Preparing the batch's review…", 3000)
        review = await self._decide(connection, listing, settings, sender, None)
        if review is None:
            return
        batch_id = self._publisher_for(connection).create(listing, settings)
        self.last_batch = batch_id
        self.show_batches()
        await self._publish(connection, batch_id, sender, review.task_count)

    async def publish_rest(self, batch_id: int) -> None:
        """Review the inputs of a batch not published yet, then publish them."""
        connection = self._connection()
        results = self._results(connection)
        batch = results.batch(batch_id)
        if batch is None:
            raise UserFacingError(f"There is no batch {batch_id} in this network's history.")
        self._check_idle()
        await self._publisher_for(connection).reconcile(batch_id)
        items = results.items(batch_id)
        to_publish = pending_count(items)
        if not to_publish:
            raise UserFacingError("Every input of this batch is published already.")
        settings = BatchSettings.from_json(batch.settings)
        listing = BatchListing(batch.task_type, tuple(i.entry for i in items))
        sender = await self._sender(connection)
        review = await self._decide(connection, listing, settings, sender, to_publish)
        if review is not None:
            await self._publish(connection, batch_id, sender, review.task_count)

    async def retry(self, batch_id: int) -> None:
        """Make the failed and expired inputs new tasks: reviewed again, then published."""
        connection = self._connection()
        again = self._results(connection).retry(batch_id)
        if not again:
            raise UserFacingError("No input of this batch failed or expired.")
        self._refresh_views(batch_id)
        await self.publish_rest(batch_id)

    async def _decide(
        self, connection: Connection, listing: BatchListing, settings: BatchSettings,
        sender: str, task_count: int | None,
    ) -> BatchReview | None:
        """Show the review (with the deposit offered); the review agreed to, or ``None``."""
        session, services = connection.session, connection.services
        window = self.controller.window

        async def review_again() -> BatchReview:
            return await review_batch(session, listing, settings, sender, task_count=task_count)

        async def top_up(amount_wei: int, over: QWidget) -> BatchReview | None:
            plan = await services.actions.plan_deposit(sender, amount_wei)
            if not await review_transaction(plan, over):
                return None
            signer = services.wallet.signer_for(sender, session.chain_id)
            await services.actions.execute(plan, signer)
            return await review_again()

        dialog = BatchReviewDialog(await review_again(), top_up, window)
        await answer_of(dialog)
        chosen = dialog.decision()
        dialog.deleteLater()
        if chosen is None:
            window.status_bar.showMessage("Nothing was published.", 5000)
        return chosen

    async def _publish(
        self, connection: Connection, batch_id: int, sender: str, count: int
    ) -> None:
        window = self.controller.window
        publisher = self._publisher_for(connection)
        signer = connection.services.wallet.signer_for(sender, connection.session.chain_id)
        dialog = BatchProgressDialog(count, window)
        self.progress_dialog = dialog
        dialog.pause_requested.connect(publisher.pause)
        dialog.resume_requested.connect(publisher.resume)
        dialog.stop_requested.connect(publisher.stop)

        def on_progress(event: object) -> None:
            if shiboken6.isValid(dialog):
                dialog.on_progress(event)  # type: ignore[arg-type]
            self._refresh_views(batch_id)

        unsubscribe = publisher.progress.subscribe(on_progress)
        dialog.open()
        publisher.resume()  # a pause left from an earlier run must not hold this one
        try:
            outcome = await publisher.publish(batch_id, signer)
        except UserFacingError as exc:
            dialog.finish(None, f"Publishing stopped: {exc.message}")
            raise
        finally:
            unsubscribe()
        dialog.finish(outcome)
        _log.info("batch %d: %s, %d published", batch_id, outcome.end, outcome.published)
        self._refresh_views(batch_id)
        if outcome.end is RunEnd.DONE:
            dialog.accept()
            dialog.deleteLater()
            self.progress_dialog = None
            self.open_page(batch_id)

    # -- acting on a batch --------------------------------------------------------------------

    async def cancel_waiting(self, batch_id: int, over: QWidget) -> str:
        """Cancel the batch's waiting tasks once the user agreed; what happened, in plain words.

        The usual transaction review is shown once, for the first task that can still be
        canceled, saying how many transactions follow (one per task, each with that fee).
        """
        connection = self._connection()
        services = connection.services
        results = self._results(connection)
        waiting = [i for i in results.items(batch_id, BatchFilter.WAITING)
                   if i.status is BatchItemStatus.WAITING and i.task]
        if not waiting:
            raise UserFacingError("No task of this batch is waiting for an answer.")
        sender = await self._sender(connection)
        plan = None
        reason = ""
        for item in waiting:  # the first one no provider took yet shows the fee
            assert item.task is not None
            try:
                plan = await services.actions.plan_cancel(sender, item.task, name=item.label)
                break
            except UserFacingError as exc:
                reason = exc.message
        if plan is None:
            return f"Nothing was canceled: {reason}"
        count = len(waiting)
        plan = replace(
            plan, title="Cancel the waiting tasks",
            summary=f"Cancel the {count:,} waiting task(s) of batch {batch_id}: one transaction "
            "each, each with about the fee below. Their payment goes back to your vault; a task "
            "a provider has already taken is left to finish.")
        if not await review_transaction(plan, over):
            return "Nothing was canceled."
        signer = services.wallet.signer_for(sender, connection.session.chain_id)
        report = await results.cancel_waiting(batch_id, signer)
        self._refresh_views(batch_id)
        words = f"{len(report.canceled):,} task(s) canceled; their payment is back in the vault."
        if report.not_cancelable:
            words += (f" {len(report.not_cancelable):,} could not be canceled: "
                      f"{report.not_cancelable[0][1]}")
        return words

    async def export(self, batch_id: int, path: Path, kind: str) -> int:
        """Write the batch's results to ``path`` as ``csv`` or ``json``; the rows written."""
        results = self._results(self._connection())
        if kind == "json":
            return await results.export_json(batch_id, path)
        return await results.export_csv(batch_id, path)

    def open_page(self, batch_id: int) -> BatchPage:
        """Show the page of ``batch_id`` (made if it is not open)."""
        page = self.pages.get(batch_id)
        if page is None or not shiboken6.isValid(page):
            page = BatchPage(batch_id, self, self.controller.window)
            self.pages[batch_id] = page
        page.show_items(force=True)
        if page.isVisible() and QGuiApplication.platformName() != "offscreen":
            page.raise_()  # already open: bring it to the front (offscreen has no stacking)
        page.show()
        return page

    # -- keeping statuses fresh ---------------------------------------------------------------

    def _keep(self) -> None:
        if self._keeping:
            return
        self._keeping = True
        task = asyncio.ensure_future(self.keep_once())
        task.add_done_callback(self._kept)

    def _kept(self, task: asyncio.Future[None]) -> None:
        self._keeping = False
        if not task.cancelled() and task.exception() is not None:
            _log.warning("bringing the batches up to date failed: %s", task.exception())

    async def keep_once(self) -> None:
        """Bring every unfinished batch of the network up to date once, and show it."""
        connection = self.controller.connection
        if connection is None:
            return
        results = self._results(connection)
        publisher = self._publisher_for(connection)
        for summary in results.batches():
            batch_id, counts = summary.info.batch_id, summary.counts
            in_flight = counts.get(BatchItemStatus.PENDING, 0) and any(
                i.tx_hash is not None for i in results.items(batch_id, BatchFilter.WAITING)
                if i.status is BatchItemStatus.PENDING)
            if in_flight and publisher.running_batch is None:
                await publisher.reconcile(batch_id)
            if counts.get(BatchItemStatus.WAITING, 0) or in_flight:
                await results.refresh(batch_id)
                self._refresh_views(batch_id)

    def _refresh_views(self, batch_id: int) -> None:
        self.show_batches()
        page = self.pages.get(batch_id)
        if page is not None and shiboken6.isValid(page) and page.isVisible():
            page.show_items()

    # -- helpers ------------------------------------------------------------------------------

    def _connection(self) -> Connection:
        connection = self.controller.connection
        if connection is None:
            raise UserFacingError(NOT_CONNECTED)
        return connection

    def _check_idle(self) -> None:
        if self._publisher is not None and self._publisher.running_batch is not None:
            raise UserFacingError(BUSY)

    def _publisher_for(self, connection: Connection) -> BatchPublisher:
        if self._publisher is None or self._publisher.session is not connection.session:
            self._publisher = BatchPublisher(connection.session)
        return self._publisher

    @staticmethod
    def _results(connection: Connection) -> BatchResults:
        services = connection.services
        return BatchResults(connection.session, services.results, services.actions)

    async def _sender(self, connection: Connection) -> str:
        wallet = connection.services.wallet
        chosen = wallet.active_address
        faucet = connection.faucet_url
        if faucet is None:
            if chosen is None:
                raise UserFacingError(NO_ACCOUNT)
            return chosen
        # On the Sandbox nothing is at stake: its account is made and funded when needed.
        return await ready_sandbox_account(connection.services, faucet)
