"""The Tasks page's toolbar: the task actions with their object names, tips and shortcuts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget

from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.domain.task_status import TaskState

PUBLISH_AGAIN_TIP = "Open the task's type and inputs in the Compose page"
PUBLISH_PENDING_TIP = (
    "A publish of this same task is still waiting to be mined (see Pending transactions): "
    "publishing it again would make a second task. Wait for it, or send it again unchanged."
)


class TaskActionHandlers(Protocol):
    """What the actions trigger (the Tasks page)."""

    def show_details(self) -> None: ...
    def copy_address(self) -> None: ...
    def open_in_explorer(self) -> None: ...
    def cancel_selected(self) -> object: ...
    def publish_again(self) -> None: ...
    def ask_export(self, fmt: str) -> None: ...


class TaskToolbar(QToolBar):
    """The actions on the chosen tasks; the page decides when each applies (:meth:`enable`).

    Args:
        parent: The page the toolbar sits on (it also gets the copy shortcut).
        page: Whose methods the actions trigger.
    """

    def __init__(self, parent: QWidget, page: TaskActionHandlers) -> None:
        super().__init__("Task actions", parent)
        self.setObjectName("taskToolbar")
        self.details_action = self._action(
            "actionTaskDetails", "Details", "Show the chosen task's details", page.show_details)
        self.copy_action = self._action(
            "actionCopyTaskAddress", "Copy address", "Copy the task's address",
            page.copy_address)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.explorer_action = self._action(
            "actionOpenTaskInExplorer", "Open in explorer",
            "Open the task on the network's block explorer", page.open_in_explorer)
        self.cancel_action = self._action(
            "actionCancelTask", "Cancel task",
            "Cancel a task no provider has attempted yet; its payment returns to the vault",
            page.cancel_selected)
        self.clone_action = self._action(
            "actionPublishAgain", "Publish again", PUBLISH_AGAIN_TIP, page.publish_again)
        self.export_json_action = self._action(
            "actionExportTasksJson", "Export JSON…",
            "Save the chosen tasks and their results as JSON", lambda: page.ask_export("json"))
        self.export_csv_action = self._action(
            "actionExportTasksCsv", "Export CSV…",
            "Save the chosen tasks and their results as CSV", lambda: page.ask_export("csv"))
        parent.addAction(self.copy_action)

    def _action(self, name: str, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def enable(
        self,
        rows: Sequence[TaskRow],
        *,
        connected: bool,
        cancelling: bool,
        has_explorer: bool,
        publish_pending: bool,
    ) -> None:
        """Enable the actions that apply to ``rows``, the chosen tasks.

        Args:
            has_explorer: The one chosen task has an explorer page.
            publish_pending: A publish of the one chosen task is still waiting to be mined.
        """
        one = rows[0] if len(rows) == 1 else None
        self.details_action.setEnabled(one is not None)
        self.copy_action.setEnabled(bool(rows))
        self.explorer_action.setEnabled(one is not None and has_explorer)
        self.cancel_action.setEnabled(
            connected and one is not None and not cancelling
            and one.state is TaskState.NEW and not one.previous_run
        )
        self.clone_action.setEnabled(one is not None and not publish_pending)
        self.clone_action.setToolTip(PUBLISH_PENDING_TIP if publish_pending else PUBLISH_AGAIN_TIP)
        self.export_json_action.setEnabled(bool(rows))
        self.export_csv_action.setEnabled(bool(rows))

    def context_menu(self, parent: QWidget) -> QMenu:
        """The chosen tasks' context menu (the same actions)."""
        menu = QMenu(parent)
        menu.setObjectName("taskContextMenu")
        for action in (self.details_action, self.copy_action, self.explorer_action,
                       self.cancel_action, self.clone_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.export_json_action)
        menu.addAction(self.export_csv_action)
        return menu
