"""Wires the window to a network after the first paint: wallet, connection, status, pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.accounts import Wallet
from ogpu_desktop.services.app_parts import AppParts
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.chain_run_watch import RunChange
from ogpu_desktop.services.connection import Connection, NetworkChoice, plain_reason
from ogpu_desktop.services.faucet_client import faucet_request
from ogpu_desktop.services.sandbox_keeper import SandboxNote
from ogpu_desktop.services.sandbox_process import SandboxProcess
from ogpu_desktop.services.tracking import TrackerHealth
from ogpu_desktop.services.tx_plans import TxPlan
from ogpu_desktop.services.wallet_link import WalletChainLink
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.batch.batch_flow import BatchFlow
from ogpu_desktop.ui.connection_status_bar import ConnectionState
from ogpu_desktop.ui.controller.network_pick import (
    choice_for,
    command_line_network,
    network_was_chosen,
    pick_network,
)
from ogpu_desktop.ui.controller.publish_flow import PublishFlow
from ogpu_desktop.ui.main_window import COMPOSE_ROW, SETTINGS_ROW, TASKS_ROW, WALLET_ROW
from ogpu_desktop.ui.settings.preferences import Preferences

if TYPE_CHECKING:
    from ogpu_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


class AppController(QObject):
    """Wires one window to the services the composition root built, and to a network.

    Args:
        window: The main window (also this object's parent).
        parts: The window's long-lived services (history, wallet, connector), built by
            ``ogpu_desktop.app``; the controller closes them with the window.
    """

    def __init__(self, window: MainWindow, parts: AppParts) -> None:
        super().__init__(window)
        self.window = window
        self.parts: AppParts | None = parts
        self.wallet: Wallet | None = None
        self.connection: Connection | None = None
        self.choice: NetworkChoice | None = None
        self.preferences: Preferences | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._closing = False
        self._shutdown: asyncio.Future[None] | None = None
        self._connect_lock = asyncio.Lock()
        self._wallet_link: WalletChainLink | None = None
        self.publish_flow = PublishFlow(window, lambda: self.connection)
        window.publish_requested.connect(self.publish_flow.publish)
        self.batch_flow = BatchFlow(self, self)
        window.status_bar.restart_button.clicked.connect(lambda _checked=False: self.restart())
        # Pages are built on first show: each is brought up to date when it is built.
        window.pages.page_built.connect(self._page_built)
        if window.has_page(SETTINGS_ROW):
            self._page_built(SETTINGS_ROW)
        if window.has_page(COMPOSE_ROW):
            self.batch_flow.connect_panel(window.compose_page.batch_panel)
        window.installEventFilter(self)

    # --- start ---------------------------------------------------------------------------

    @async_action()
    async def start(self) -> None:
        """Pick the network, open the wallet and the history, and connect."""
        window = self.window
        warm_up: asyncio.Future[SandboxProcess] | None = None
        if command_line_network(window.options) is None and not network_was_chosen(
            window.settings.path
        ):
            # First run: the Sandbox is pre-selected, so it starts while the user reads the
            # choices; picking another network stops it again.
            self._status(ConnectionState(detail="Starting the Sandbox in the background…"))
            warm_up = asyncio.ensure_future(SandboxProcess.start())
        kind, preferences = await pick_network(window.options, window.settings.path, window)
        started = await _take_warm_up(warm_up, wanted=kind == "sandbox")
        self.preferences = preferences
        # A Settings page built later reads the saved preferences, this choice included.
        if window.has_page(SETTINGS_ROW) and window.settings_page.preferences.network != kind:
            window.settings_page.show_preferences(preferences)
        if self.parts is None:
            return  # the window closed during the choice
        self.wallet = self.parts.wallet
        if window.has_page(WALLET_ROW):
            window.wallet_page.set_wallet(self.wallet)
        self.apply_preferences(preferences)
        await self.connect_to(choice_for(kind, window.options, preferences), started)

    def apply_preferences(self, preferences: Preferences) -> None:
        """Use the defaults for payment and lifetime in the source picker."""
        if not self.window.has_page(COMPOSE_ROW):
            return  # the page takes them from :attr:`preferences` when it is built
        picker = self.window.compose_page.source_picker
        picker.default_payment_wei = preferences.default_payment_wei
        picker.default_expiry_s = preferences.default_expiry_s

    async def connect_to(
        self, choice: NetworkChoice, started_sandbox: SandboxProcess | None = None
    ) -> None:
        """Connect to ``choice`` (closing any open connection first).

        Raises:
            UserFacingError: Connecting failed; the window stays usable and says why.
        """
        async with self._connect_lock:
            await self._disconnect()
            assert self.parts is not None
            self.choice = choice
            self._status(ConnectionState(detail=f"Connecting to {choice.title}…"))
            try:
                connection = await self.parts.open_connection(
                    choice, on_progress=self._progress, started_sandbox=started_sandbox)
            except Exception as exc:
                self._status(ConnectionState(detail=f"Not connected: {plain_reason(exc)}"))
                raise
            if self._closing:
                await connection.close()
                return
            self._attach(connection)

    def _progress(self, message: str) -> None:
        self._status(ConnectionState(detail=message))
        self.window.status_bar.showMessage(message, 5000)

    def _attach(self, connection: Connection) -> None:
        self.connection = connection
        services = connection.services
        network = connection.network
        self._set_wallet_link(wallet_chain_link(connection.services, connection.faucet_url))
        if self.window.has_page(COMPOSE_ROW):
            self.window.compose_page.source_picker.attach(services, _demo_sources(connection))
        self._attach_tasks_page(services)
        self._unsubscribe = [
            connection.blocks.subscribe(self._new_block),
            connection.health.subscribe(self._health),
            connection.run_changes.subscribe(self._run_changed),
            connection.sandbox_notes.subscribe(self._sandbox_note),
        ]
        connection.start_tracking()
        self._show_connected()
        notices = connection.notices()
        if notices:
            self.window.banner.show_info(" ".join(notices))
        _log.info("connected to %s (chain %s)", network.name, network.chain_id)

    def _attach_tasks_page(self, services: AppServices | None) -> None:
        # The one place the Tasks page hears about the connection. It is built on connecting
        # even when not shown: it follows the tasks and notifies when one finishes.
        if services is not None or self.window.has_page(TASKS_ROW):
            self.window.tasks_page.attach(services)
            self.batch_flow.install(self.window.tasks_page)
        self.batch_flow.attach(self.connection if services is not None else None)

    def _set_wallet_link(self, link: WalletChainLink | None) -> None:
        self._wallet_link = link
        if self.window.has_page(WALLET_ROW):
            self.window.wallet_page.set_chain_link(link)

    def _page_built(self, row: int) -> None:
        """Give a page built after the start (on its first show) what the others already have."""
        window = self.window
        if row == SETTINGS_ROW:
            window.settings_page.settings_changed.connect(self.settings_changed)
        elif row == WALLET_ROW and self.wallet is not None:
            window.wallet_page.set_wallet(self.wallet)
            window.wallet_page.set_chain_link(self._wallet_link)
        elif row == COMPOSE_ROW:
            self.batch_flow.connect_panel(window.compose_page.batch_panel)
            if self.preferences is not None:
                self.apply_preferences(self.preferences)
            if self.connection is not None:
                window.compose_page.source_picker.attach(
                    self.connection.services, _demo_sources(self.connection)
                )

    # --- status --------------------------------------------------------------------------

    def _status(self, state: ConnectionState) -> None:
        self.window.status_bar.show_connection(state)

    def _show_connected(self, detail: str = "") -> None:
        connection = self.connection
        if connection is None:
            return
        self._status(ConnectionState(
            network=connection.network.name, chain_id=connection.network.chain_id,
            block=connection.block, connected=True, detail=detail,
        ))

    def _new_block(self, _block: int) -> None:
        self._show_connected()
        self.balances_changed()

    def balances_changed(self) -> None:
        """Money may have moved (a new block, a transaction sent): refresh the balances shown."""
        if self.window.has_page(WALLET_ROW):
            self.window.wallet_page.balances_changed()

    def _health(self, health: TrackerHealth) -> None:
        connection = self.connection
        if connection is None:
            return
        if health.ok:
            self._show_connected()
            return
        note = connection.sandbox_note
        if note is not None and not note.running:
            # Said in plain words already: the Sandbox stopped (and what happens next).
            detail = note.message
        else:
            retry = f"; retrying in {health.retry_in_s:.0f} s" if health.retry_in_s else ""
            detail = f"{health.message}{retry}"
        self._status(ConnectionState(
            network=connection.network.name, chain_id=connection.network.chain_id,
            block=connection.block, connected=False, detail=detail,
        ))

    def _sandbox_note(self, note: SandboxNote) -> None:
        connection = self.connection
        if connection is None:
            return
        self.window.status_bar.restart_button.setVisible(note.can_restart)
        if note.running:
            self._show_connected()
            return
        self._status(ConnectionState(
            network=connection.network.name, chain_id=connection.network.chain_id,
            block=connection.block, connected=False, detail=note.message,
        ))
        self.window.banner.show_error(note.message)

    def _run_changed(self, change: RunChange) -> None:
        connection = self.connection
        if connection is None:
            return
        self.window.tasks_page.run_replaced()
        self.window.wallet_page.set_chain_link(
            wallet_chain_link(connection.services, connection.faucet_url))
        self._show_connected()
        self.window.banner.show_info(change.message(connection.network.kind))
        _log.info("the chain of %s was replaced; the history's new run began",
                  connection.network.name)

    @async_action()
    async def restart(self) -> None:
        """Start the Sandbox the app started again (the user pressed Restart)."""
        button = self.window.status_bar.restart_button
        button.hide()
        if self.connection is not None:
            await self.connection.restart_sandbox()

    # --- changes and closing -------------------------------------------------------------

    @async_action()
    async def settings_changed(self, preferences: Preferences) -> None:
        """Reconnect when the network part of the saved settings changed."""
        if self.parts is None or self.wallet is None:
            return
        self.preferences = preferences
        self.apply_preferences(preferences)
        choice = choice_for(preferences.network, self.window.options, preferences)
        if choice == self.choice and self.connection is not None:
            return
        await self.connect_to(choice)

    async def _disconnect(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self.window.status_bar.restart_button.hide()
        connection, self.connection = self.connection, None
        if connection is None:
            return
        if self.window.has_page(COMPOSE_ROW):
            await self.window.compose_page.source_picker.detach()
        self._attach_tasks_page(None)
        self._set_wallet_link(None)
        await connection.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Hold the window's close until the connection (and the Sandbox) stopped."""
        if watched is self.window and event.type() == QEvent.Type.Close and not self._closing:
            self._closing = True
            if self.connection is not None:
                event.ignore()
                self._shutdown = asyncio.ensure_future(self._shutdown_then_close())
                return True
            self._close_store()
        return super().eventFilter(watched, event)

    async def _shutdown_then_close(self) -> None:
        try:
            await asyncio.wait_for(self._disconnect(), 15.0)
        except (TimeoutError, UserFacingError, OSError) as exc:
            _log.warning("closing the connection failed: %s", exc)
        self._close_store()
        # The window as context: the timer goes with it if it is destroyed first.
        QTimer.singleShot(0, self.window, self.window.close)

    def _close_store(self) -> None:
        if self.parts is not None:
            self.parts.close()
            self.parts = None


def wallet_chain_link(services: AppServices, faucet_url: str | None) -> WalletChainLink:
    """What the Wallet page may read and do on ``services``' network with ``services``' wallet."""
    session, wallet = services.session, services.wallet

    async def send(plan: TxPlan) -> object:
        signer = wallet.signer_for(plan.sender, session.chain_id)
        return await services.actions.execute(plan, signer)

    return WalletChainLink(
        network_name=session.network.name,
        symbol=session.network.symbol,
        balances=services.actions.balances,
        plan_deposit=services.actions.plan_deposit,
        plan_withdraw=services.actions.plan_withdraw,
        send=send,
        faucet=faucet_request(faucet_url) if faucet_url else None,
        balance_changes=lambda tell: session.balance_changed.subscribe(
            lambda change: tell(change.account)),
    )


def _demo_sources(connection: Connection) -> dict[str, str]:
    """The Sandbox's demo sources that answer at once, by pipeline (none on other networks)."""
    if connection.sandbox_info is None:
        return {}
    return {
        s.pipeline: s.address for s in connection.sandbox_info.sources
        if s.delivery == "FIRST_RESPONSE"
    }


async def _take_warm_up(
    warm_up: asyncio.Future[SandboxProcess] | None, *, wanted: bool
) -> SandboxProcess | None:
    """The Sandbox started during the first-run choice, if it is wanted and started at all.

    A start that failed is not reported here: connecting starts the Sandbox again and reports
    its own error in plain words. An unwanted Sandbox is stopped in the background.
    """
    if warm_up is None:
        return None
    if not wanted:
        warm_up.add_done_callback(_stop_unwanted_sandbox)
        return None
    try:
        return await warm_up
    except Exception:  # the connection starts it again and explains any failure
        _log.info("The Sandbox started during the first-run choice failed; starting it again")
        return None


_stopping: set[asyncio.Future[None]] = set()


def _stop_unwanted_sandbox(done: asyncio.Future[SandboxProcess]) -> None:
    if done.cancelled() or done.exception() is not None:
        return
    stopping = asyncio.ensure_future(done.result().stop())
    _stopping.add(stopping)  # held until done: the loop keeps only weak references to tasks
    stopping.add_done_callback(_stopping.discard)
