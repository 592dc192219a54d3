"""Notifications when a task finishes or a result arrives: the tray, else a notice in the window."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from ogpu_desktop import APP_NAME
from ogpu_desktop.domain.task_status import TaskState

# A result and the task's finalisation usually arrive in the same poll: say it once.
MERGE_WINDOW_S = 30.0


class TaskNotifier(QObject):
    """Tells the user about finished tasks and arrived results, if notifications are on.

    Uses the system tray where there is one; elsewhere (or when the tray refuses) it hands the
    message to ``fallback``, which shows it inside the window.

    Args:
        enabled: Reads the "notifications" preference at the moment of notifying.
        describe: Names a task for a message (e.g. "Translation task 0x12…abcd").
        fallback: Shows a message inside the window.
        parent: Parent object.
    """

    notified = Signal(str, str)
    """A notification was given (title, message)."""

    def __init__(
        self,
        enabled: Callable[[], bool],
        describe: Callable[[str], str],
        fallback: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._enabled = enabled
        self._describe = describe
        self._fallback = fallback
        self._tray: QSystemTrayIcon | None = None
        self._result_told: dict[str, float] = {}

    @property
    def uses_tray(self) -> bool:
        """Whether messages go to the system tray."""
        return QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()

    def result_arrived(self, address: str, count: int) -> None:
        """Notify that ``count`` new responses arrived for ``address``."""
        self._result_told[address.lower()] = time.monotonic()
        what = "A result" if count == 1 else f"{count} results"
        self._notify("Result arrived", f"{what} arrived for {self._describe(address)}.")

    def task_finished(self, address: str, state: str) -> None:
        """Notify that ``address`` reached the final ``state`` (a TaskState value).

        The message names the state with the words the task list shows for it.
        """
        told = self._result_told.pop(address.lower(), None)
        try:
            shown = TaskState(state)
        except ValueError:
            return
        if (shown is TaskState.FINALIZED and told is not None
                and time.monotonic() - told < MERGE_WINDOW_S):
            return
        self._notify(f"Task: {shown.label}",
                     f"{self._describe(address)}: {shown.label}. {shown.explanation}")

    def _notify(self, title: str, message: str) -> None:
        if not self._enabled():
            return
        if self.uses_tray:
            self._tray_icon().showMessage(title, message, QSystemTrayIcon.MessageIcon.Information)
        else:
            self._fallback(message)
        self.notified.emit(title, message)

    def _tray_icon(self) -> QSystemTrayIcon:
        if self._tray is None:
            icon = QApplication.windowIcon()
            parent = self.parent()
            if isinstance(parent, QWidget) and not parent.windowIcon().isNull():
                icon = parent.windowIcon()
            self._tray = QSystemTrayIcon(icon if not icon.isNull() else QIcon(), self)
            self._tray.setToolTip(APP_NAME)
            self._tray.show()
        return self._tray
