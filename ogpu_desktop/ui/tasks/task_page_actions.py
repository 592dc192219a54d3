"""The Tasks page's actions that talk to the network: cancel and export (loaded after paint)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.task_export import fetch_missing_results, write_export
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import review_transaction

if TYPE_CHECKING:
    from ogpu_desktop.domain.task_row import TaskRow
    from ogpu_desktop.services.app_services import AppServices
    from ogpu_desktop.ui.models.task_table_model import TaskTableModel
    from ogpu_desktop.ui.notice_banner import NoticeBanner
    from ogpu_desktop.ui.tasks.task_list_bridge import TaskListBridge

NOT_CONNECTED = "Connect to a network first (the status bar shows the connection)."


class ActionPage(Protocol):
    """What the actions read and tell of the page they act for (the Tasks page)."""

    services: AppServices | None
    model: TaskTableModel
    banner: NoticeBanner

    @property
    def bridge(self) -> TaskListBridge:
        """The page's link to the tracker and the history."""
        ...

    def current_row(self) -> TaskRow | None:
        """The first chosen task."""
        ...

    def selected_rows(self) -> list[TaskRow]:
        """The chosen tasks."""
        ...

    def describe(self, address: str) -> str:
        """A task named for messages."""
        ...

    def update_actions(self) -> None:
        """Enable the actions that apply now."""
        ...


class TaskPageActions(QObject):
    """Runs the page's asynchronous actions; their errors show in the page's banner.

    Args:
        page: The page acted for.
        parent: The page as a widget, so errors find its banner.
    """

    def __init__(self, page: ActionPage, parent: QWidget) -> None:
        super().__init__(parent)
        self._widget = parent
        self.page = page
        self.cancelling = False

    @async_action()
    async def cancel_selected(self) -> None:
        """Show the cancel's fee and total, then cancel the chosen task once confirmed.

        Only a task no provider has attempted yet can be cancelled; the plan says so first.
        """
        page = self.page
        row, services = page.current_row(), page.services
        if row is None or self.cancelling:
            return
        if services is None:
            raise UserFacingError(NOT_CONNECTED)
        self.cancelling = True
        page.update_actions()
        try:
            signer = services.active_signer()
            plan = await services.actions.plan_cancel(
                signer.address, row.address, name=page.describe(row.address))
            if not await review_transaction(plan, self._widget):
                return
            await services.actions.execute(plan, signer)
            page.bridge.refresh_task(row.address)
            page.banner.show_info(f"{page.describe(row.address)} was cancelled.")
        finally:
            self.cancelling = False
            page.update_actions()

    @async_action()
    async def export_selected(self, path: Path, fmt: str) -> None:
        """Write the chosen tasks, their responses and results to ``path`` (``json``/``csv``).

        Results not read yet are fetched first when connected; the ones that cannot be read
        are left empty in the file.
        """
        page, bridge = self.page, self.page.bridge
        rows = page.selected_rows()
        if bridge.history is None or bridge.chain_id is None or not rows:
            return
        if page.services is not None:
            await fetch_missing_results(
                page.services, [row.address for row in rows if not row.previous_run])
        keys = [(bridge.key_of(r) or bridge.chain_id, r.address) for r in rows]
        gone = {r.address.lower() for r in rows if r.previous_run}
        await write_export(bridge.history, keys, path, fmt, now=page.model.now().timestamp(),
                           gone=gone)
        count = len(rows)
        page.banner.show_info(f"Exported {count} task{'s' if count != 1 else ''} to {path.name}.")
