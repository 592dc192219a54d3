"""Publishing from the Compose page: preview → review and sign → progress → the Tasks page."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ogpu_desktop.domain.publish_request import PublishRequest
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.connection import Connection
from ogpu_desktop.services.publish_models import PublishOutcome, PublishPreview
from ogpu_desktop.services.sandbox_funding import ready_sandbox_account
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.compose.source_picker import NOT_CONNECTED_TO_PUBLISH
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import ConfirmPublishDialog
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import review_transaction
from ogpu_desktop.ui.dialogs.dialog_await import answer_of
from ogpu_desktop.ui.dialogs.publish_progress_dialog import PublishProgressDialog
from ogpu_desktop.ui.main_window import TASKS_ROW, WALLET_ROW

if TYPE_CHECKING:
    from ogpu_desktop.services.tx_plans import TxPlan
    from ogpu_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)

NO_ACCOUNT = "No wallet account is chosen. Create or import one on the Wallet page first."


class PublishFlow(QObject):
    """Runs one publish at a time for the window; the key stays inside the signer.

    Args:
        window: The main window (also the parent).
        connection: Returns the open connection (``None`` while not connected).
    """

    def __init__(self, window: MainWindow, connection: Callable[[], Connection | None]) -> None:
        super().__init__(window)
        self.window = window
        self._connection = connection
        self.busy = False
        self.last_outcome: PublishOutcome | None = None

    @async_action()
    async def publish(self, request: PublishRequest) -> None:
        """Preview ``request``, ask for a decision, then publish with progress shown."""
        connection = self._connection()
        if connection is None:
            raise UserFacingError(NOT_CONNECTED_TO_PUBLISH)
        if self.busy:
            raise UserFacingError("A publish is already under way; wait for it to finish.")
        self.busy = True
        try:
            await self._publish(connection, request)
        finally:
            self.busy = False

    async def _publish(self, connection: Connection, request: PublishRequest) -> None:
        window = self.window
        sender = await self._sender(connection)
        services = connection.services

        async def preview_again() -> PublishPreview:
            return await services.publish.preview(
                request.payloads.configs, source=request.source,
                payment_wei=request.payment_wei, duration_s=request.duration_s, sender=sender,
                task_type=request.task_type,
            )

        async def top_up(amount_wei: int, over: QWidget) -> PublishPreview | None:
            plan = await services.actions.plan_deposit(sender, amount_wei)
            if not await review_transaction(plan, over):
                return None
            signer = services.wallet.signer_for(sender, connection.session.chain_id)
            await services.actions.execute(plan, signer)
            return await preview_again()

        async def plan_top_up(amount_wei: int) -> TxPlan:
            return await services.actions.plan_deposit(sender, amount_wei)

        window.status_bar.showMessage("Preparing the review…")
        try:
            first = await preview_again()
        finally:
            window.status_bar.clearMessage()  # the review itself is now what is shown
        dialog = ConfirmPublishDialog(
            first, top_up, window, plan_top_up=plan_top_up,
            top_up_tasks=window.settings.top_up_tasks())
        await answer_of(dialog)
        chosen, deposit, tasks = dialog.decision(), dialog.deposit_plan, dialog.top_up_tasks()
        dialog.deleteLater()
        if chosen is None:
            window.status_bar.showMessage("Nothing was published.", 5000)
            return
        if tasks is not None:
            window.settings.set_top_up_tasks(tasks)
        if deposit is not None and not chosen.can_publish:
            chosen = await self._deposit_first(connection, deposit, sender, preview_again)
        await self._execute(connection, chosen, sender)

    def _balances_changed(self) -> None:
        """Money moved: the Wallet page reads its balances again (when it is built)."""
        if self.window.has_page(WALLET_ROW):
            self.window.wallet_page.balances_changed()

    async def _deposit_first(
        self, connection: Connection, plan: TxPlan, sender: str,
        preview_again: Callable[[], Awaitable[PublishPreview]],
    ) -> PublishPreview:
        """Make the deposit the review covered, then the preview it made possible."""
        window = self.window
        services = connection.services
        window.status_bar.showMessage("Depositing into the vault…")
        try:
            signer = services.wallet.signer_for(sender, connection.session.chain_id)
            await services.actions.execute(plan, signer)
        finally:
            window.status_bar.clearMessage()
        self._balances_changed()
        fresh = await preview_again()
        if not fresh.can_publish:
            raise UserFacingError(
                "The deposit went through, but nothing was published: "
                + " ".join(fresh.problems))
        return fresh

    async def _sender(self, connection: Connection) -> str:
        wallet = connection.services.wallet
        chosen = wallet.active_address
        faucet = connection.faucet_url
        if faucet is None:
            if chosen is None:
                raise UserFacingError(NO_ACCOUNT)
            return chosen
        # On the Sandbox nothing is at stake: make its account when none is chosen, and top
        # the wallet up from the faucet when it runs low.
        window = self.window
        if chosen is None:
            window.status_bar.showMessage("Creating the Sandbox account and funding it…", 5000)
        sender = await ready_sandbox_account(connection.services, faucet)
        if chosen is None:
            view = window.wallet_page.view if window.has_page(WALLET_ROW) else None
            if view is not None:
                view.refresh_accounts()
            window.banner.show_info(
                "A Sandbox account was created and funded with test tokens (Wallet page)."
            )
        return sender

    async def _execute(self, connection: Connection, preview: PublishPreview, sender: str) -> None:
        window = self.window
        services = connection.services
        signer = services.wallet.signer_for(sender, connection.session.chain_id)
        progress = PublishProgressDialog(preview.count, window)
        run = asyncio.ensure_future(services.publish.execute(preview, signer, progress.on_progress))

        def cancel() -> None:
            if not progress.signed_any:
                run.cancel()

        progress.cancel_requested.connect(cancel)
        progress.open()
        try:
            outcome = await asyncio.shield(run)
        except asyncio.CancelledError:
            if not run.cancelled():
                raise
            progress.finish(None)
            return
        except UserFacingError as exc:
            progress.finish(None, f"Nothing was published: {exc.message}")
            raise
        self.last_outcome = outcome
        progress.finish(outcome)
        self._balances_changed()
        with contextlib.suppress(UserFacingError):  # the tracker's next poll reads it then
            await connection.poll_now()
        if outcome.published:
            window.show_page(TASKS_ROW)
            first = outcome.published[0].task
            if first is not None:
                window.tasks_page.show_new_task(first)
        _log.info("published %d of %d tasks", len(outcome.published), preview.count)
