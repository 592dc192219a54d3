"""The main window: assembles navigation, pages, banner, menus and the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop import APP_NAME
from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.connection_status_bar import ConnectionStatusBar
from ogpu_desktop.ui.help_menu import HelpMenu
from ogpu_desktop.ui.navigation_list import NavigationList
from ogpu_desktop.ui.notice_banner import NoticeBanner
from ogpu_desktop.ui.pages.lazy_page_stack import LazyPageStack
from ogpu_desktop.ui.window_size import default_window_rect

# The pages are imported when they are built (first shown or first used), never before the
# window's first paint: their modules and widgets are most of the window's start-up cost.
if TYPE_CHECKING:
    from ogpu_desktop.domain.task_draft import TaskDraft
    from ogpu_desktop.ui.models.task_table_model import TaskTableModel
    from ogpu_desktop.ui.pages.compose_page import ComposePage
    from ogpu_desktop.ui.settings.settings_page import SettingsPage
    from ogpu_desktop.ui.tasks.tasks_page import TasksPage
    from ogpu_desktop.ui.wallet.wallet_page import WalletPage

COMPOSE_ROW, TASKS_ROW, WALLET_ROW, SETTINGS_ROW = range(4)


class MainWindow(QMainWindow):
    """The application window. Services are connected to it after the first paint.

    Only the window's skeleton (navigation, banner, menus, status bar and a light placeholder
    per page) is made here. A page is built the first time it is shown (once
    :meth:`after_first_paint` was called) or the first time its property is read; the
    pages' :attr:`LazyPageStack.page_built` signal says when.

    Args:
        paths: The profile's folders.
        options: The command-line choices.
        settings: The remembered window state.
        defer_pages: Leave the page shown unbuilt and the shortcuts unset until
            :meth:`after_first_paint` is called, so the window paints first; otherwise that
            is done at once.
    """

    publish_requested = Signal(object)
    """The Compose page asked to publish a complete :class:`PublishRequest` (the app wiring
    reviews, signs and sends it)."""

    def __init__(
        self,
        paths: AppPaths,
        options: LaunchOptions,
        settings: AppSettings,
        *,
        defer_pages: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.paths = paths
        self.options = options
        self.settings = settings
        self._task_model: TaskTableModel | None = None

        self.banner = NoticeBanner(self)
        self.navigation = NavigationList(self)
        self.navigation.setMaximumWidth(160)
        self.pages = LazyPageStack(self)
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
        if not defer_pages:
            self.after_first_paint()

    def _add_pages(self) -> None:
        for loading_name, title, factory, module in (
            ("composePageLoading", "Compose", self._build_compose_page,
             "ogpu_desktop.ui.pages.compose_page"),
            ("tasksPageLoading", "Tasks", self._build_tasks_page,
             "ogpu_desktop.ui.tasks.tasks_page"),
            ("walletPageLoading", "Wallet", self._build_wallet_page,
             "ogpu_desktop.ui.wallet.wallet_page"),
            ("settingsPageLoading", "Settings", self._build_settings_page,
             "ogpu_desktop.ui.settings.settings_page"),
        ):
            self.navigation.addItem(title)
            self.pages.add_page(loading_name, title, factory, module)

    def _add_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.setObjectName("fileMenu")
        quit_action = QAction("&Quit", self)
        quit_action.setObjectName("actionQuit")
        self._shortcuts: list[tuple[QAction, QKeySequence.StandardKey | str]] = [
            (quit_action, QKeySequence.StandardKey.Quit)
        ]
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        view_menu.setObjectName("viewMenu")
        for index in range(self.navigation.count()):
            action = QAction(self.navigation.item(index).text(), self)
            action.setObjectName(f"actionShowPage{index + 1}")
            self._shortcuts.append((action, f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, row=index: self.show_page(row))
            view_menu.addAction(action)

        self.help_menu = HelpMenu(
            self, self.paths.log_dir, self.diagnostics, self.status_bar.showMessage
        )
        self.menuBar().addMenu(self.help_menu)

    def _restore_state(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is not None:
                self.setGeometry(default_window_rect(screen.availableGeometry()))
        self.show_page(self.settings.last_page())

    def show_page(self, index: int) -> None:
        """Show the page at ``index`` in the navigation (the first page if out of range)."""
        if not 0 <= index < self.navigation.count():
            index = 0
        self.navigation.setCurrentRow(index)

    def has_page(self, row: int) -> bool:
        """Whether the page at ``row`` was built (reading its property builds it)."""
        return self.pages.built(row) is not None

    def after_first_paint(self) -> None:
        """Finish the window once it is on screen: shortcuts, then the page shown (once).

        From then on each page is built when it is first shown. Shortcuts wait too: the first
        ``QAction.setShortcut`` loads Qt's key enums, about 50 ms.
        """
        if self.pages.is_open():
            return
        for action, keys in self._shortcuts:
            action.setShortcut(QKeySequence(keys))
        self.navigation.show_icons(["compose", "tasks", "wallet", "settings"])
        self.pages.open()
        if self._task_model is not None:
            self._task_model.start_countdown()

    @property
    def task_model(self) -> TaskTableModel:
        """The task list model (made on first use; the Tasks page shows it)."""
        if self._task_model is None:
            from ogpu_desktop.ui.models.task_table_model import TaskTableModel  # noqa: PLC0415

            self._task_model = TaskTableModel(parent=self)
            if self.pages.is_open():
                self._task_model.start_countdown()
        return self._task_model

    @property
    def compose_page(self) -> ComposePage:
        """The Compose page, built now if it was not yet."""
        return cast("ComposePage", self.pages.page(COMPOSE_ROW))

    @property
    def tasks_page(self) -> TasksPage:
        """The Tasks page, built now if it was not yet."""
        return cast("TasksPage", self.pages.page(TASKS_ROW))

    @property
    def wallet_page(self) -> WalletPage:
        """The Wallet page, built now if it was not yet."""
        return cast("WalletPage", self.pages.page(WALLET_ROW))

    @property
    def settings_page(self) -> SettingsPage:
        """The Settings page, built now if it was not yet."""
        return cast("SettingsPage", self.pages.page(SETTINGS_ROW))

    def _build_compose_page(self) -> ComposePage:
        from ogpu_desktop.ui.pages.compose_page import ComposePage  # noqa: PLC0415

        page = ComposePage(self.settings.last_task_type(), self)
        page.task_type_changed.connect(self.settings.set_last_task_type)
        page.publish_requested.connect(self.publish_requested)
        page.publish_refused.connect(self.banner.show_error)
        return page

    def _build_tasks_page(self) -> TasksPage:
        from ogpu_desktop.ui.tasks.tasks_page import TasksPage  # noqa: PLC0415

        page = TasksPage(self.task_model, self)
        page.clone_requested.connect(self.compose_again)
        page.use_settings(self.settings)
        return page

    def _build_wallet_page(self) -> WalletPage:
        from ogpu_desktop.ui.wallet.wallet_page import WalletPage  # noqa: PLC0415

        return WalletPage(self)

    def _build_settings_page(self) -> SettingsPage:
        from ogpu_desktop.ui.settings.settings_page import SettingsPage  # noqa: PLC0415

        return SettingsPage(self.settings, self)

    def compose_again(self, draft: TaskDraft) -> None:
        """Publish again: open ``draft`` on the Compose page, filled in, and show the page."""
        self.compose_page.compose_again(draft)
        self.show_page(COMPOSE_ROW)

    def show_error(self, message: str) -> None:
        """Show an error in the banner (the window is the handlers' :class:`ErrorSink`)."""
        self.banner.show_error(message)

    def diagnostics(self) -> str:
        """Return the support diagnostics (never a key)."""
        from ogpu_desktop.ui.diagnostics import diagnostics_text  # noqa: PLC0415 - rarely used

        return diagnostics_text(self.paths, self.options, self.status_bar.connection_label.text())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Remember the geometry and page before closing."""
        self.settings.set_window_geometry(self.saveGeometry())
        self.settings.set_last_page(self.navigation.currentRow())
        self.settings.sync()
        super().closeEvent(event)
