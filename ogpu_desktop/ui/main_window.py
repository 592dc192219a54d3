"""The main window: assembles navigation, pages, banner, menus and the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop import APP_NAME
from ogpu_desktop.config import AppPaths
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.connection_status_bar import ConnectionStatusBar
from ogpu_desktop.ui.diagnostics import diagnostics_text
from ogpu_desktop.ui.help_menu import HelpMenu
from ogpu_desktop.ui.launch_options import LaunchOptions
from ogpu_desktop.ui.models.task_table_model import TaskTableModel
from ogpu_desktop.ui.notice_banner import NoticeBanner
from ogpu_desktop.ui.pages.placeholder_page import PlaceholderPage
from ogpu_desktop.ui.settings.settings_page import SettingsPage
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from ogpu_desktop.ui.wallet.wallet_page import WalletPage

if TYPE_CHECKING:
    from ogpu_desktop.domain.payload import TaskPayloads
    from ogpu_desktop.ui.pages.compose_page import ComposePage

COMPOSE_ROW = 0


class MainWindow(QMainWindow):
    """The application window. Services are connected to it after the first paint.

    Args:
        paths: The profile's folders.
        options: The command-line choices.
        settings: The remembered window state.
        defer_compose: Build the Compose page (task forms, image encoder) only when
            :meth:`load_deferred_pages` is called, so the window can paint first.
    """

    def __init__(
        self,
        paths: AppPaths,
        options: LaunchOptions,
        settings: AppSettings,
        *,
        defer_compose: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.paths = paths
        self.options = options
        self.settings = settings

        self.banner = NoticeBanner(self)
        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigationList")
        self.navigation.setAccessibleName("Sections")
        self.navigation.setMaximumWidth(160)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pageStack")
        self._add_pages()
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)

        body = QHBoxLayout()
        body.addWidget(self.navigation)
        body.addWidget(self.pages, 1)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.addWidget(self.banner)
        column.addLayout(body, 1)
        self.setCentralWidget(central)

        self.status_bar = ConnectionStatusBar(self)
        self.setStatusBar(self.status_bar)
        self._add_menus()
        self._restore_state()
        if not defer_compose:
            self.load_deferred_pages()

    def _add_pages(self) -> None:
        self._compose_page: ComposePage | None = None
        # Set by the app wiring once it can review and sign (after the first paint).
        self.publish_handler: Callable[[TaskPayloads], object] | None = None
        self.compose_loading = PlaceholderPage(
            "composePageLoading", "Compose", "The task forms are loading…", not_yet=False
        )
        self.task_model = TaskTableModel(parent=self)
        self.tasks_page = TasksPage(self.task_model, self)
        self.wallet_page = WalletPage(self)
        self.settings_page = SettingsPage(self.settings, self)
        for title, page in (
            ("Compose", self.compose_loading),
            ("Tasks", self.tasks_page),
            ("Wallet", self.wallet_page),
            ("Settings", self.settings_page),
        ):
            self.navigation.addItem(title)
            self.pages.addWidget(page)

    def _add_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.setObjectName("fileMenu")
        quit_action = QAction("&Quit", self)
        quit_action.setObjectName("actionQuit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        view_menu.setObjectName("viewMenu")
        for index in range(self.navigation.count()):
            action = QAction(self.navigation.item(index).text(), self)
            action.setObjectName(f"actionShowPage{index + 1}")
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, row=index: self.show_page(row))
            view_menu.addAction(action)

        self.help_menu = HelpMenu(
            self, self.paths.log_dir, self.diagnostics, self.status_bar.showMessage
        )
        self.menuBar().addMenu(self.help_menu)

    def _restore_state(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1080, 720)
        self.show_page(self.settings.last_page())

    def show_page(self, index: int) -> None:
        """Show the page at ``index`` in the navigation (the first page if out of range)."""
        if not 0 <= index < self.navigation.count():
            index = 0
        self.navigation.setCurrentRow(index)

    @property
    def compose_page(self) -> ComposePage:
        """The Compose page, built now if it was deferred."""
        if self._compose_page is None:
            self.load_deferred_pages()
        assert self._compose_page is not None
        return self._compose_page

    def load_deferred_pages(self) -> None:
        """Build the Compose page in place of its loading placeholder (once)."""
        if self._compose_page is not None:
            return
        from ogpu_desktop.ui.pages.compose_page import ComposePage  # noqa: PLC0415 - after paint

        page = ComposePage(self.settings.last_task_type(), self)
        page.task_type_changed.connect(self.settings.set_last_task_type)
        page.publish_requested.connect(self._publish_requested)
        current = self.pages.currentIndex()
        self.pages.insertWidget(COMPOSE_ROW, page)
        self.pages.removeWidget(self.compose_loading)
        self.compose_loading.deleteLater()
        self.pages.setCurrentIndex(current)
        self._compose_page = page
        self.task_model.start_countdown()

    def _publish_requested(self, payloads: TaskPayloads) -> None:
        if self.publish_handler is not None:
            self.publish_handler(payloads)
            return
        self.banner.show_info(
            f"The task config is ready ({payloads.count} task{'s' if payloads.count != 1 else ''}),"
            " but publishing needs a wallet and a network, which are not connected yet."
        )

    def show_error(self, message: str) -> None:
        """Show an error in the banner (the window is the handlers' :class:`ErrorSink`)."""
        self.banner.show_error(message)

    def diagnostics(self) -> str:
        """Return the support diagnostics (never a key)."""
        return diagnostics_text(self.paths, self.options, self.status_bar.connection_label.text())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Remember the geometry and page before closing."""
        self.settings.set_window_geometry(self.saveGeometry())
        self.settings.set_last_page(self.navigation.currentRow())
        self.settings.sync()
        super().closeEvent(event)
