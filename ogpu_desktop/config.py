"""Where the app keeps its settings, history and logs (per user, or a ``--data-dir`` profile)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ogpu_desktop import APP_ID


@dataclass(frozen=True)
class AppPaths:
    """The folders of one profile. Keys are never written to any of them."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def for_profile(cls, data_dir: Path | None = None) -> AppPaths:
        """Return the platform folders, or all four under ``data_dir`` for a separate profile."""
        if data_dir is not None:
            root = data_dir.expanduser().resolve()
            return cls(root / "config", root / "data", root / "cache", root / "logs")
        import platformdirs  # noqa: PLC0415 - only here: it adds ~7 ms before the first paint

        return cls(
            Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
        )

    def ensure(self) -> None:
        """Create the folders (private to the user) if they are missing."""
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
