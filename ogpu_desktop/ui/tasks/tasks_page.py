"""The Tasks page: the live task list with filters and actions, the chosen task's result below.

The page is split top to bottom: the list (every column in view), the chosen task's detail with
its result across the whole width, and the pending transactions. The detail takes most of the
height, and every pixel the window gains; "Details" (or the detail's Full size button) gives it
the whole page. The split is remembered.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy
from ogpu_desktop.ui.models.task_table_model import ROW_ROLE, TaskTableModel, short_address
from ogpu_desktop.ui.notice_banner import NoticeBanner
from ogpu_desktop.ui.notifications import TaskNotifier
from ogpu_desktop.ui.pages.lazy_page_stack import fully_imported
from ogpu_desktop.ui.settings.preferences import PreferencesStore
from ogpu_desktop.ui.tasks.task_filters import TaskFilterBar
from ogpu_desktop.ui.tasks.task_table_view import make_task_table
from ogpu_desktop.ui.tasks.task_toolbar import TaskToolbar
from ogpu_desktop.warm_imports import warm_imports

if TYPE_CHECKING:
    from ogpu_desktop.domain.result_views import ResultView
    from ogpu_desktop.services.app_services import AppServices
    from ogpu_desktop.services.result_summaries import ResultSummaries
    from ogpu_desktop.ui.app_settings import AppSettings
    from ogpu_desktop.ui.tasks.pending_list import PendingList
    from ogpu_desktop.ui.tasks.task_detail_panel import TaskDetailPanel
    from ogpu_desktop.ui.tasks.task_list_bridge import TaskListBridge
    from ogpu_desktop.ui.tasks.task_page_actions import TaskPageActions

NO_TASKS_TEXT = (
    "No tasks yet. Tasks you publish appear here with their status, a countdown to expiry and "
    "their responses."
)
NO_MATCH_TEXT = "No task matches the filters."
ONLY_BATCHES_TEXT = (
    "Every task so far belongs to a batch: open a batch above to see its inputs and results."
)
CHOOSE_TEXT = "Choose a task in the list to see its details and results."
EXPORT_FILTERS = {"json": "JSON (*.json)", "csv": "CSV (*.csv)"}
SPLITTER_NAME = "tasks"
#: The first split of the page's height: list, detail (the result), pending transactions.
START_SPLIT = (35, 50, 15)
#: The detail panel's module (built ahead of use once imported).
DETAIL_MODULE = "ogpu_desktop.ui.tasks.task_detail_panel"
#: Imported on a worker thread while the app connects (``ui/launch.py``), or when the page
#: attaches if they are not yet: the detail panel with its result viewers, the cancel and
#: export actions, and the HTTP transport httpx loads on the first download.
AHEAD_OF_USE = (
    DETAIL_MODULE, "ogpu_desktop.ui.tasks.task_page_actions",
    "httpcore", "h11", "anyio._backends._asyncio",
)


class TasksPage(QWidget):
    """The task list of the connected network, followed live, with the chosen one's detail below.

    The parts that need the network libraries (the tracker bridge, the detail panel, the
    cancel and export actions) are built on first use, after the window's first paint: the
    page itself is built before it.

    Args:
        model: The task list model (owned by the main window).
        parent: Parent widget.
    """

    clone_requested = Signal(object)
    """Publish again: the task as the Compose page opens it (a :class:`TaskDraft`)."""

    def __init__(self, model: TaskTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasksPage")
        self.model = model
        self.services: AppServices | None = None
        self._bridge: TaskListBridge | None = None
        self._detail: TaskDetailPanel | None = None
        self._detail_ahead: TaskDetailPanel | None = None
        self._detail_building: asyncio.Task[None] | None = None
        self._actions: TaskPageActions | None = None
        self._pending: PendingList | None = None
        self._summaries: ResultSummaries | None = None
        self._settings: AppSettings | None = None
        self._split_before_full: list[int] | None = None
        self.proxy = TaskFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.banner = NoticeBanner(self)
        self.banner.setObjectName("tasksNotice")

        self.filters = TaskFilterBar(self.proxy, self)
        self.status_filter = self.filters.status_filter
        self.type_filter = self.filters.type_filter
        self.search = self.filters.search
        self.table = make_task_table(self.proxy, self)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.show_details())
        self.empty = QLabel(NO_TASKS_TEXT, self)
        self.empty.setObjectName("tasksEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.toolbar = TaskToolbar(self, self)
        self.details_action = self.toolbar.details_action
        self.copy_action = self.toolbar.copy_action
        self.explorer_action = self.toolbar.explorer_action
        self.cancel_action = self.toolbar.cancel_action
        self.clone_action = self.toolbar.clone_action
        self.export_json_action = self.toolbar.export_json_action
        self.export_csv_action = self.toolbar.export_csv_action
        self._build_layout()
        self._connect()

    def _build_layout(self) -> None:
        list_side = self.list_side = QWidget(self)
        column = QVBoxLayout(list_side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filters)
        column.addWidget(self.empty)
        column.addWidget(self.table, 1)
        # The pending list needs the async helpers: it is built on connecting, after the paint.
        pending_side = self.pending_side = QWidget(self)
        pending_side.setObjectName("pendingPane")
        self.pending_slot = QVBoxLayout(pending_side)
        self.pending_slot.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("tasksSplitter")
        self.splitter.addWidget(list_side)
        # Across the page's width, under the list: the result gets the room, not a column.
        self.detail_scroll = QScrollArea(self)
        self.detail_scroll.setObjectName("taskDetailScroll")
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_placeholder = QLabel(CHOOSE_TEXT, self)
        self.detail_placeholder.setObjectName("taskDetailPlaceholder")
        self.detail_placeholder.setWordWrap(True)
        self.detail_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_scroll.setWidget(self.detail_placeholder)
        self.splitter.addWidget(self.detail_scroll)
        self.splitter.addWidget(pending_side)
        for pane, stretch in enumerate((1, 3, 0)):
            self.splitter.setStretchFactor(pane, stretch)
        # No pane folds to nothing when dragged (or when the page starts small): Full size
        # hides the list and the pending sends instead.
        self.splitter.setChildrenCollapsible(False)
        # Shared out once the page has its height (unless a remembered split is restored).
        self._split_unset = True
        self.splitter.installEventFilter(self)
        self.splitter.splitterMoved.connect(self._split_moved)
        # Escape leaves the full-size detail, as the button reading "Show the list" does.
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self,
                         lambda: self.set_detail_full_size(False))
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.notifier = TaskNotifier(self._notifications_on, self.describe, self.banner.show_info,
                                     self)
        self._notifications_pref: Any = None
        self.filters.changed.connect(self._update_empty)
        # The model's own signals too: a row a filter leaves out changes no row of the proxy,
        # and the empty list's words depend on whether there are tasks at all.
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged,
                       self.proxy.modelReset, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.modelReset):
            signal.connect(self._update_empty)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._update_empty()
        self.update_actions()

    @property
    def bridge(self) -> TaskListBridge:
        """Feeds the model from the store and the tracker (built on first use)."""
        if self._bridge is None:
            from ogpu_desktop.ui.tasks.task_list_bridge import TaskListBridge  # noqa: PLC0415

            bridge = TaskListBridge(self.model, self)
            bridge.task_finished.connect(self.notifier.task_finished)
            bridge.responses_arrived.connect(self.notifier.result_arrived)
            bridge.task_changed.connect(self._task_changed)
            bridge.responses_arrived.connect(lambda address, _count: self._summarise(address))
            bridge.tracker_health_changed.connect(self._health_changed)
            self._bridge = bridge
        return self._bridge

    @property
    def detail(self) -> TaskDetailPanel:
        """The detail under the list (built on first use)."""
        if self._detail is None:
            self._detail = self._made_detail()
            self._reveal_detail()
        return self._detail

    def _made_detail(self) -> TaskDetailPanel:
        """The detail, built ahead or now, connected to the page; not yet in its place."""
        from ogpu_desktop.ui.tasks.task_detail_panel import TaskDetailPanel  # noqa: PLC0415

        detail, self._detail_ahead = self._detail_ahead, None
        if detail is None:
            detail = TaskDetailPanel(self)
        detail.finish_building()
        detail.attach(self.services)
        detail.confirmed.connect(self.bridge.refresh_task)
        detail.responses_recovered.connect(self.bridge.refresh_task)
        detail.result_shown.connect(self._result_shown)
        detail.full_size_button.setChecked(self.detail_full_size)
        detail.full_size_button.toggled.connect(self.set_detail_full_size)
        return detail

    def _reveal_detail(self) -> None:
        """Put the detail in the placeholder's place, once."""
        detail = self._detail
        if detail is not None and self.detail_scroll.widget() is not detail:
            self.detail_scroll.setWidget(detail)  # deletes the placeholder
            detail.show()  # a widget put into a shown scroll area stays hidden otherwise

    @property
    def summaries(self) -> ResultSummaries:
        """Fills the list's Result column (built on first use)."""
        if self._summaries is None:
            from ogpu_desktop.services.result_summaries import ResultSummaries  # noqa: PLC0415

            self._summaries = ResultSummaries(self.model.summary, self.model.set_summary)
        return self._summaries

    def _summarise(self, address: str | None = None) -> None:
        """Summarise the result of ``address`` (``None``: of the newest answered tasks)."""
        from ogpu_desktop.services.result_summaries import HISTORY_LIMIT  # noqa: PLC0415

        if self._bridge is None:
            return
        if address is None:
            rows = [self.model.row(i) for i in range(self.model.rowCount())]
            rows.sort(key=lambda row: row.created, reverse=True)
            rows = [row for row in rows if row.responses][:HISTORY_LIMIT]
        else:
            position = self.model.position_of(address)
            rows = [self.model.row(position)] if position is not None else []
        wanted = [(row, key) for row in rows if (key := self._bridge.key_of(row)) is not None]
        # New answers are downloaded for the list; the history's only read where kept.
        self.summaries.want(wanted, download=address is not None)

    @property
    def pending(self) -> PendingList:
        """The list of pending transactions (built on first use)."""
        if self._pending is None:
            from ogpu_desktop.ui.tasks.pending_list import PendingList  # noqa: PLC0415

            pending = PendingList(self)
            pending.changed.connect(self.update_actions)
            pending.publish_again_requested.connect(self.clone_requested)
            self.pending_slot.addWidget(pending)
            self._pending = pending
        return self._pending

    @property
    def task_actions(self) -> TaskPageActions:
        """The cancel and export actions (built on first use)."""
        if self._actions is None:
            from ogpu_desktop.ui.tasks.task_page_actions import TaskPageActions  # noqa: PLC0415

            self._actions = TaskPageActions(self, self)
        return self._actions

    # Layout ------------------------------------------------------------------------------

    def use_settings(self, settings: AppSettings) -> None:
        """Remember the split of the page in ``settings`` (and restore the one saved there)."""
        self._settings = settings
        state = settings.splitter_state(SPLITTER_NAME)
        if state is not None and self.splitter.restoreState(state):
            sizes = self.splitter.sizes()
            # An older split (of two panes) or one without a list: the usual one instead.
            self._split_unset = len(sizes) != len(START_SPLIT) or sizes[0] == 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Share the splitter's height out as :data:`START_SPLIT` says, once it has one."""
        if (watched is self.splitter and self._split_unset
                and event.type() in (QEvent.Type.Resize, QEvent.Type.Show)):
            # After the splitter's own handling of the event, which would share it its way.
            QTimer.singleShot(0, self._start_split)
        return super().eventFilter(watched, event)

    def _start_split(self) -> None:
        # Only once the page is on screen: a page built hidden has a small made-up size.
        if self._split_unset and self.splitter.isVisible() and not self.detail_full_size:
            self._split_unset = False
            height = self.splitter.height()
            self.splitter.setSizes([height * share // 100 for share in START_SPLIT])

    def _split_moved(self, _position: int, _index: int) -> None:
        self.save_split()

    def save_split(self) -> None:
        """Write the current split to the settings (never the full-size one)."""
        if self._settings is not None and not self.detail_full_size:
            self._settings.set_splitter_state(SPLITTER_NAME, self.splitter.saveState())

    @property
    def detail_full_size(self) -> bool:
        """Whether the detail has the whole page (the list and pending sends folded away)."""
        return self._split_before_full is not None

    def set_detail_full_size(self, full: bool) -> None:
        """Give the detail the whole page, or bring the list back with the split it had."""
        if full == self.detail_full_size:
            return
        # The other panes are hidden, not squeezed to nothing: hidden, they keep no place at all.
        others = [self.list_side, self.pending_side]
        if full:
            sizes = self._split_before_full = self.splitter.sizes()
            for pane in others:
                pane.setVisible(False)
            self.splitter.setSizes([0, sum(sizes), 0])
        else:
            before = self._split_before_full or [100 * share for share in START_SPLIT]
            self._split_before_full = None
            for pane in others:
                pane.setVisible(True)
            self.splitter.setSizes(before)
        if self._detail is not None and self._detail.full_size_button.isChecked() != full:
            self._detail.full_size_button.setChecked(full)

    # Connection --------------------------------------------------------------------------

    def attach(self, services: AppServices | None) -> None:
        """Follow the network of ``services``; ``None`` when disconnected (history stays)."""
        changed = (
            services is None or self.services is None
            or services.session.chain_id != self.services.session.chain_id
        )
        self.services = services
        if services is not None and self._detail is None and self._detail_ahead is None:
            missing = [name for name in AHEAD_OF_USE if name not in sys.modules]
            self._build_detail_ahead(warm_imports(missing) if missing else None)
        if services is not None or self._bridge is not None:
            self.bridge.attach(services)
            self.summaries.attach(services, self.bridge.history)
            self._summarise()
        if services is not None or self._pending is not None:
            self.pending.attach(services)
        if self._detail is not None:
            self._detail.attach(services)
            if services is not None and changed:
                self._detail.clear()
        self.update_actions()
        self._update_empty()

    def _build_detail_ahead(self, imported: Future[None] | None) -> None:
        """Build the detail panel at idle moments once its module is imported, a part per turn.

        Built on the first choice of a task instead, the panel would hold the window's thread
        for a few frames in one go; built ahead, that first choice only fills it in.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no event loop: built on first use
            return
        self._detail_building = asyncio.ensure_future(self._build_detail_steps(imported))

    async def _build_detail_steps(self, imported: Future[None] | None) -> None:
        with contextlib.suppress(Exception):  # an import error shows where the panel is used
            if imported is not None:
                await asyncio.wrap_future(imported)
            if not fully_imported(DETAIL_MODULE):
                # Another thread imports it still (the app's imports while it connects): its
                # import lock would hold the window's thread, so a worker thread waits for it.
                await asyncio.wrap_future(warm_imports([DETAIL_MODULE]))
        if self._detail is not None or self._detail_ahead is not None:
            return
        from ogpu_desktop.ui.tasks.task_detail_panel import TaskDetailPanel  # noqa: PLC0415

        # Hidden until first used: a child made after its parent is shown stays hidden.
        panel = self._detail_ahead = TaskDetailPanel(self, stepwise=True)
        while self._detail_ahead is panel and panel.build_step():
            await asyncio.sleep(0)  # the window paints and answers between two parts
            if not shiboken6.isValid(panel):  # the page was closed and deleted meanwhile
                return

    def run_replaced(self) -> None:
        """The chain was replaced (a restarted Sandbox): list the history again from the store.

        The tasks of the run that ended are listed as an earlier run's and the detail panel
        forgets the task it showed, so nothing of the new chain is shown as an old task's.
        """
        if self._detail is not None:
            self._detail.clear()
        self.table.clearSelection()
        self.attach(self.services)

    def set_notifications_source(self, enabled: Any) -> None:
        """Read the notifications preference through ``enabled()`` instead of the profile file."""
        self._notifications_pref = enabled

    def _notifications_on(self) -> bool:
        if self._notifications_pref is not None:
            return bool(self._notifications_pref())
        settings = getattr(self.window(), "settings", None)
        path = getattr(settings, "path", None)
        if isinstance(path, Path):
            return PreferencesStore(path).load().notifications
        return True

    # Selection ---------------------------------------------------------------------------

    def selected_rows(self) -> list[TaskRow]:
        """The chosen tasks, in view order."""
        rows = []
        for index in sorted(self.table.selectionModel().selectedRows(), key=QModelIndex.row):
            row = index.data(ROW_ROLE)
            if isinstance(row, TaskRow):
                rows.append(row)
        return rows

    def current_row(self) -> TaskRow | None:
        """The first chosen task, if any."""
        rows = self.selected_rows()
        return rows[0] if rows else None

    def select_task(self, address: str, history_key: int | None = None) -> bool:
        """Select the row of ``address`` (clearing filters that hide it is up to the caller).

        Args:
            history_key: The earlier run the task belongs to (``None``: the current run).
        """
        key = address.lower() if history_key is None else f"{address.lower()}@{history_key}"
        position = self.model.position_of_key(key)
        if position is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(position, 0))
        if not index.isValid():
            return False
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True

    def show_new_task(self, address: str) -> bool:
        """Select a task just published (listing it now, and clearing filters that hide it)."""
        if self._bridge is not None and self.model.position_of(address) is None:
            # Its announcement may still be on its way: read it from the history now.
            self._bridge.refresh_task(address)
        if self.select_task(address):
            return True
        self.status_filter.setCurrentIndex(0)
        self.type_filter.setCurrentIndex(0)
        self.search.clear()
        return self.select_task(address)

    def describe(self, address: str) -> str:
        """A task named for messages: "Translation task 0x12…abcd"."""
        position = self.model.position_of(address)
        if position is None:
            return f"Task {short_address(address)}"
        spec = CATALOGUE.get(self.model.row(position).task_type)
        return f"{spec.title if spec else 'Custom'} task {short_address(address)}"

    def _selection_changed(self) -> None:
        self.update_actions()
        row = self.current_row()
        if row is None:
            if self._detail is not None:
                self._detail.clear()
        elif not self._detail_shows(row):
            self._show_detail(row)

    def _detail_shows(self, row: TaskRow) -> bool:
        """Whether the detail shows ``row``'s task already (kept current by its changes)."""
        detail = self._detail
        return (detail is not None and detail.record is not None
                and detail.record.address == row.address
                and detail.chain_id == self.bridge.key_of(row))

    def _show_detail(self, row: TaskRow) -> None:
        if self._detail is None:
            # The first task is filled in out of sight, then shown at once: cheaper for the
            # window than showing each part of a panel on screen as it is filled in.
            self._detail = self._made_detail()
        detail = self._detail
        key = self.bridge.key_of(row)
        if self.bridge.history is not None and key is not None:
            detail.use_history(self.bridge.history, key)
        detail.show_task(row.address, previous_run=row.previous_run)
        self._reveal_detail()

    def _task_changed(self, address: str) -> None:
        self._summarise(address)
        detail = self._detail
        if detail is not None and detail.record is not None and detail.record.address == address:
            detail.refresh()
        self.update_actions()

    def _health_changed(self, ok: bool, message: str) -> None:
        if ok:
            if self.banner.kind == "error":
                self.banner.hide()
        else:
            self.banner.show_error(f"Task updates are paused: {message} Retrying…")

    def update_actions(self) -> None:
        """Enable the actions that apply to the chosen tasks."""
        rows = self.selected_rows()
        one = rows[0] if len(rows) == 1 else None
        self.toolbar.enable(
            rows,
            connected=self.services is not None,
            cancelling=self._actions is not None and self._actions.cancelling,
            has_explorer=one is not None and self.explorer_url(one.address) is not None,
            publish_pending=one is not None and self._publish_pending(one),
        )

    def _update_empty(self) -> None:
        if self.model.rowCount() == 0:
            text = NO_TASKS_TEXT
        elif self.proxy.hidden_tasks() and not self.proxy.filtering():
            text = ONLY_BATCHES_TEXT
        else:
            text = NO_MATCH_TEXT
        self.empty.setText(text)
        self.empty.setVisible(self.proxy.rowCount() == 0)

    def _context_menu(self, position: QPoint) -> None:
        self.toolbar.context_menu(self).popup(self.table.viewport().mapToGlobal(position))

    # Actions -----------------------------------------------------------------------------

    def show_details(self) -> None:
        """Open the chosen task's detail full size, on its result (Full size goes back)."""
        row = self.current_row()
        if row is None:
            return
        if not self._detail_shows(row):
            self._show_detail(row)
        self.detail.tabs.setCurrentIndex(0)
        self.set_detail_full_size(True)
        self.detail.setFocus()

    def copy_address(self) -> None:
        """Copy the chosen tasks' addresses, one per line."""
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText("\n".join(row.address for row in rows))

    def explorer_url(self, address: str) -> str | None:
        """The task's explorer page on the connected network (none on the Sandbox)."""
        if self.services is None:
            return None
        network = self.services.session.network
        if network.kind == "sandbox":  # NetworkKind is a StrEnum; its module loads eth_utils
            return None
        return network.explorer_link("task", address)

    def open_in_explorer(self) -> None:
        """Open the chosen task in the web browser."""
        row = self.current_row()
        url = self.explorer_url(row.address) if row is not None else None
        if url is not None:
            QDesktopServices.openUrl(QUrl(url))

    def _publish_pending(self, row: TaskRow) -> bool:
        """Whether a publish of ``row``'s task (the same config) is still waiting to be mined."""
        if self._pending is None or not (configs := self._pending.open_publish_configs()):
            return False
        record = self.bridge.record(row)
        return record is not None and record.config_json in configs

    def publish_again(self) -> None:
        """Emit :attr:`clone_requested` with the chosen task: type, inputs, source and terms.

        Nothing happens while a publish of the same task is pending (the action is disabled).
        """
        row = self.current_row()
        if row is None or self._publish_pending(row):
            return
        # Here, not at the top: reading a config back into a form loads the payload builder,
        # whose image checks load Pillow, which the page and its detail panel never need.
        from ogpu_desktop.domain.task_draft import draft_of  # noqa: PLC0415

        record = self.bridge.record(row)
        if record is not None:
            self.clone_requested.emit(draft_of(
                pipeline=record.pipeline, config_json=record.config_json, source=record.source,
                payment_wei=record.payment_wei, expiry_time=record.expiry_time,
                published_at=record.published_at,
            ))

    def cancel_selected(self) -> asyncio.Task[None]:
        """Ask, then cancel the chosen task (see :class:`TaskPageActions`)."""
        return self.task_actions.cancel_selected()

    def ask_export(self, fmt: str) -> None:
        """Ask where to save the chosen tasks as ``fmt``, then export them."""
        if not self.selected_rows():
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Export tasks", f"tasks.{fmt}", EXPORT_FILTERS[fmt])
        if name:
            self.export_selected(Path(name), fmt)

    def export_selected(self, path: Path, fmt: str) -> asyncio.Task[None]:
        """Write the chosen tasks and their results to ``path`` as ``json`` or ``csv``."""
        return self.task_actions.export_selected(path, fmt)

    def _result_shown(self, address: str, view: ResultView) -> None:
        from ogpu_desktop.domain.batch_headlines import result_headline  # noqa: PLC0415

        row = self.current_row()
        if row is not None and row.address.lower() == address.lower():
            self.model.set_summary(row.key, result_headline(view).text)

    def show_error(self, message: str) -> None:
        """Show an error of a task action above the list."""
        self.banner.show_error(message)
