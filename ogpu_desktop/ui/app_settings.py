"""The window's remembered choices, kept in an INI file inside the profile's config folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_FILE_NAME = "settings.ini"
#: Where ``PreferencesStore`` keeps the theme choice (read here too, before the first paint).
THEME_KEY = "preferences/theme"


class AppSettings:
    """Typed access to the few values the window remembers between runs.

    Args:
        config_dir: The profile's config folder (``AppPaths.config_dir``).
    """

    def __init__(self, config_dir: Path) -> None:
        self._qsettings = QSettings(
            str(config_dir / SETTINGS_FILE_NAME), QSettings.Format.IniFormat
        )

    @property
    def path(self) -> Path:
        """Where the settings are written."""
        return Path(self._qsettings.fileName())

    def window_geometry(self) -> QByteArray | None:
        """Return the saved geometry of the main window, or ``None`` on a first run."""
        value = self._qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_geometry(self, geometry: QByteArray) -> None:
        """Remember the main window's geometry."""
        self._qsettings.setValue("window/geometry", geometry)

    def splitter_state(self, name: str) -> QByteArray | None:
        """Return the saved state of the splitter ``name`` (its pane sizes), or ``None``."""
        value = self._qsettings.value(f"splitters/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_splitter_state(self, name: str, state: QByteArray) -> None:
        """Remember the state of the splitter ``name``."""
        self._qsettings.setValue(f"splitters/{name}", state)

    def saved_theme(self) -> str:
        """Return the saved theme choice as written (``system``, ``light``, ``dark``), or ``""``."""
        value = self._qsettings.value(THEME_KEY)
        return value if isinstance(value, str) else ""

    def last_task_type(self) -> str | None:
        """Return the task type the user composed last, or ``None``."""
        value = self._qsettings.value("compose/last_task_type")
        return value if isinstance(value, str) and value else None

    def set_last_task_type(self, type_id: str) -> None:
        """Remember the task type the user picked."""
        self._qsettings.setValue("compose/last_task_type", type_id)

    def top_up_tasks(self) -> int | None:
        """Return the "enough for N tasks" vault top-up chosen last, or ``None``."""
        value = self._qsettings.value("money/top_up_tasks")
        try:
            count = int(str(value))
        except ValueError:
            return None
        return count if count > 0 else None

    def set_top_up_tasks(self, count: int) -> None:
        """Remember the "enough for N tasks" vault top-up chosen."""
        self._qsettings.setValue("money/top_up_tasks", count)

    def last_page(self) -> int:
        """Return the index of the page shown when the window was last closed."""
        value = self._qsettings.value("window/page", 0)
        try:
            return int(str(value))
        except ValueError:
            return 0

    def set_last_page(self, index: int) -> None:
        """Remember the page shown."""
        self._qsettings.setValue("window/page", index)

    def sync(self) -> None:
        """Write pending changes to disk now."""
        self._qsettings.sync()
