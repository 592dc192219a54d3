"""Where a file dialog opens: the folder used last for that kind of file, else a user folder.

Never the working directory, which for a desktop app is wherever it happened to be started.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

_LAST: dict[str, Path] = {}
_DEFAULTS = {
    "images": QStandardPaths.StandardLocation.PicturesLocation,
    "texts": QStandardPaths.StandardLocation.DocumentsLocation,
}


def start_folder(kind: str) -> str:
    """The folder a dialog for ``kind`` ("images", "texts") opens in.

    The last folder a file of that kind came from in this run; else the user's Pictures or
    Documents folder when it exists; else the home folder.
    """
    last = _LAST.get(kind)
    if last is not None and last.is_dir():
        return str(last)
    location = _DEFAULTS.get(kind)
    if location is not None:
        for folder in QStandardPaths.standardLocations(location):
            if Path(folder).is_dir():
                return folder
    return str(Path.home())


def remember(kind: str, chosen: Path) -> None:
    """Open the next dialog for ``kind`` where ``chosen`` (a file) was picked."""
    _LAST[kind] = chosen.parent
