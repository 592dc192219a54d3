"""Runs the custom network check on the event loop; loaded on first use (it needs qasync)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.settings.preferences import CustomNetwork, Preferences

if TYPE_CHECKING:
    from ogpu_desktop.services.network_check import NetworkChecker


class NetworkCheckRunner(QObject):
    """Awaits the network checker and reports to the page; Check and Save wait meanwhile.

    Args:
        page: The Settings page (parent, and where errors other than check failures go).
        check_button: Disabled while a check runs.
        save_button: Disabled while a check before saving runs.
        checker: The injected network checker.
        report: Called with (message, ok), ok being ``None`` while the check runs.
        verified: Called with the network once its check passed.
        save: Called with the preferences once their custom network passed its check.
    """

    def __init__(
        self,
        page: QObject,
        *,
        check_button: QPushButton,
        save_button: QPushButton,
        checker: NetworkChecker,
        report: Callable[[str, bool | None], None],
        verified: Callable[[CustomNetwork], None],
        save: Callable[[Preferences], None],
    ) -> None:
        super().__init__(page)
        self.check_button = check_button
        self.save_button = save_button
        self.checker = checker
        self._report = report
        self._verified = verified
        self._save = save

    @async_action(trigger="check_button")
    async def check(self, network: CustomNetwork) -> None:
        """Check ``network`` and report the outcome."""
        await self._run_check(network)

    @async_action(trigger="save_button")
    async def check_then_save(self, preferences: Preferences) -> None:
        """Check the custom network of ``preferences``, then save them if it passed."""
        network = preferences.custom_network
        if network is not None and await self._run_check(network):
            self._save(preferences)

    async def _run_check(self, network: CustomNetwork) -> bool:
        self._report(f"Asking {network.rpc_url} for its chain ID…", None)
        try:
            await self.checker(network)
        except UserFacingError as error:
            self._report(error.message, False)
            return False
        self._verified(network)
        self._report(f"The endpoint answers chain ID {network.chain_id}, as expected.", True)
        return True
