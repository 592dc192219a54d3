"""The Tasks page: the task list with status, type and text filters, sorted newest first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.ui.models.status_badge_delegate import StatusBadgeDelegate
from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy
from ogpu_desktop.ui.models.task_row import TaskState
from ogpu_desktop.ui.models.task_table_model import Column, TaskTableModel

NO_TASKS_TEXT = (
    "No tasks yet. Tasks you publish appear here with their status, a countdown to expiry and "
    "their responses."
)
NO_MATCH_TEXT = "No task matches the filters."
ACTIVE = "active"


class TasksPage(QWidget):
    """Shows ``model`` through a filter proxy; the model is fed by the task tracker.

    Args:
        model: The task list model (owned by the main window).
        parent: Parent widget.
    """

    def __init__(self, model: TaskTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasksPage")
        self.model = model
        self.proxy = TaskFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Show tasks in state")
        self.status_filter.addItem("All states", None)
        self.status_filter.addItem("Still running", ACTIVE)
        for state in TaskState:
            self.status_filter.addItem(state.label, state.value)
        self.type_filter = QComboBox(self)
        self.type_filter.setObjectName("typeFilter")
        self.type_filter.setAccessibleName("Show tasks of type")
        self.type_filter.addItem("All types", None)
        for spec in CATALOGUE.values():
            self.type_filter.addItem(spec.title, spec.key)
        self.search = QLineEdit(self)
        self.search.setObjectName("taskSearch")
        self.search.setPlaceholderText("Search task address, source or type")
        self.search.setClearButtonEnabled(True)

        self.table = QTableView(self)
        self.table.setObjectName("taskTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.CREATED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(NO_TASKS_TEXT, self)
        self.empty.setObjectName("tasksEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.type_filter)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.type_filter.currentIndexChanged.connect(self._apply_filters)
        self.search.textChanged.connect(self._apply_filters)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged):
            signal.connect(self._update_empty)
        self.proxy.modelReset.connect(self._update_empty)
        self._update_empty()

    def _apply_filters(self) -> None:
        status = self.status_filter.currentData()
        if status is None:
            self.proxy.set_states(None)
        elif status == ACTIVE:
            self.proxy.set_states(state for state in TaskState if not state.is_final)
        else:
            self.proxy.set_states([TaskState(status)])
        self.proxy.set_task_type(self.type_filter.currentData())
        self.proxy.set_text(self.search.text())
        self._update_empty()

    def _update_empty(self) -> None:
        shown = self.proxy.rowCount()
        self.empty.setText(NO_TASKS_TEXT if self.model.rowCount() == 0 else NO_MATCH_TEXT)
        self.empty.setVisible(shown == 0)
