"""The Help menu: open the log folder, copy diagnostics, about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMenu

from ogpu_desktop import APP_NAME, __version__

ABOUT_TEXT = (
    f"{APP_NAME} {__version__}\n\n"
    "Publish HuggingFace-pipeline inference tasks to the OpenGPU network, follow them live and "
    "read their results.\n\nTask inputs are published on public IPFS."
)


class HelpMenu(QMenu):
    """Builds the Help menu of ``window``.

    The menu is part of the window's skeleton, painted first: the Qt classes only its actions
    use are imported when an action runs (making their Python types costs a few milliseconds).

    Args:
        window: The main window (parent of the menu and of the about box).
        log_dir: The profile's log folder.
        diagnostics: Returns the diagnostics text when the user asks for it.
        notify: Shows a short confirmation to the user.
    """

    def __init__(
        self,
        window: QMainWindow,
        log_dir: Path,
        diagnostics: Callable[[], str],
        notify: Callable[[str], None],
    ) -> None:
        super().__init__("&Help", window)
        self.setObjectName("helpMenu")
        self._window = window
        self._log_dir = log_dir
        self._diagnostics = diagnostics
        self._notify = notify
        self.open_logs_action = self._action(
            "actionOpenLogFolder", "Open &log folder", self.open_logs
        )
        self.copy_diagnostics_action = self._action(
            "actionCopyDiagnostics", "&Copy diagnostics", self.copy_diagnostics
        )
        self.addSeparator()
        self.about_action = self._action("actionAbout", f"&About {APP_NAME}", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _action(self, name: str, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def open_logs(self) -> None:
        """Open the log folder in the file manager."""
        from PySide6.QtCore import QUrl  # noqa: PLC0415 - see the class docstring
        from PySide6.QtGui import QDesktopServices  # noqa: PLC0415

        self._log_dir.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_dir))):
            self._notify(f"Could not open the log folder. It is {self._log_dir}")

    def copy_diagnostics(self) -> None:
        """Put the diagnostics text on the clipboard."""
        QGuiApplication.clipboard().setText(self._diagnostics())
        self._notify("Diagnostics copied to the clipboard (they contain no key).")

    def show_about(self) -> None:
        """Show the about box."""
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415 - see the class docstring

        QMessageBox.about(self._window, f"About {APP_NAME}", ABOUT_TEXT)
