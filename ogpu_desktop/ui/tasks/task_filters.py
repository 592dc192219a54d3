"""The filter row above the task list: state, task type and free text."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.ui.models.task_filter_proxy import TaskFilterProxy

ACTIVE = "active"


class TaskFilterBar(QWidget):
    """Edits the filters of ``proxy`` as the user picks them."""

    changed = Signal()

    def __init__(self, proxy: TaskFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Show tasks in state")
        self.status_filter.setToolTip("Show only tasks in this state")
        self.status_filter.addItem("All states", None)
        self.status_filter.addItem("Still running", ACTIVE)
        for state in TaskState:
            self.status_filter.addItem(state.label, state.value)
        self.type_filter = QComboBox(self)
        self.type_filter.setObjectName("typeFilter")
        self.type_filter.setAccessibleName("Show tasks of type")
        self.type_filter.setToolTip("Show only tasks of this type")
        self.type_filter.addItem("All types", None)
        for spec in CATALOGUE.values():
            self.type_filter.addItem(spec.title, spec.key)
        self.search = QLineEdit(self)
        self.search.setObjectName("taskSearch")
        self.search.setAccessibleName("Search tasks")
        self.search.setPlaceholderText("Search task address, source or type")
        self.search.setClearButtonEnabled(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status_filter)
        layout.addWidget(self.type_filter)
        layout.addWidget(self.search, 1)
        self.status_filter.currentIndexChanged.connect(self.apply)
        self.type_filter.currentIndexChanged.connect(self.apply)
        self.search.textChanged.connect(self.apply)

    def apply(self) -> None:
        """Hand the chosen filters to the proxy."""
        status = self.status_filter.currentData()
        if status is None:
            self.proxy.set_states(None)
        elif status == ACTIVE:
            self.proxy.set_states(state for state in TaskState if state.is_running)
        else:
            self.proxy.set_states([TaskState(status)])
        self.proxy.set_task_type(self.type_filter.currentData())
        self.proxy.set_text(self.search.text())
        self.changed.emit()
