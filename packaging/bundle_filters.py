"""What the PyInstaller builds leave out, shared by the app's spec and the benchmark's bare window.

The spec (``ogpu-desktop.spec``) imports this module from the ``packaging`` folder; the first
paint benchmark freezes a bare PySide6 window with the same filters, so both are compared as
they would ship.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

Entry = tuple[str, str, str]  # PyInstaller's (destination, source, kind)

# Qt and Pillow parts never used here; the app's spec adds its own to these.
# Qt's network and D-Bus bindings: the app talks HTTP through httpx and aiohttp (QtGui keeps the
# D-Bus library it links). Pillow's FreeType and Tk parts: the app draws no text and has no Tk.
# readline serves only the interactive interpreter. multiprocessing: nothing starts a process
# pool (the executors are threads), and its PyInstaller runtime hook imported it at every start.
EXCLUDES = (
    "tkinter", "readline", "multiprocessing",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtPdf", "PySide6.QtWebEngineCore",
    "PySide6.QtMultimedia", "PySide6.Qt3DCore", "PySide6.QtNetwork", "PySide6.QtDBus",
    "PIL._imagingft", "PIL._imagingtk", "PIL.ImageTk",
)

# Qt plugins a desktop app never uses here: embedded-device platforms and input drivers, and the
# GTK 3 theme plugin, which alone would bring a private copy of GTK, cairo and pango (a copy that
# can clash with the user's own GTK modules; Qt's own dialogs and the portal theme remain); the
# network plugins (no QtNetwork); Wayland shells other than xdg-shell (the desktops' own) and
# the server-buffer integrations only a Qt compositor uses; picture formats of other systems'
# icons and of old devices.
DROPPED_QT_PLUGINS = (
    "platformthemes/libqgtk3", "platforms/libqeglfs", "platforms/libqlinuxfb", "platforms/libqvnc",
    "platforms/libqvkkhrdisplay", "platforms/libqminimalegl", "platforms/libqminimal.",
    "egldeviceintegrations/", "generic/", "tls/", "networkinformation/",
    "wayland-shell-integration/libivi-shell", "wayland-shell-integration/libfullscreen-shell",
    "wayland-shell-integration/libwl-shell", "wayland-shell-integration/libqt-shell",
    "wayland-graphics-integration-client/libdmabuf-server",
    "wayland-graphics-integration-client/libdrm-egl-server",
    "wayland-graphics-integration-client/libshm-emulation-server",
    "wayland-graphics-integration-client/libvulkan-server",
    "imageformats/libqicns", "imageformats/libqtga", "imageformats/libqwbmp",
)

# Debug symbols are half the size of the Linux libraries; macOS signing needs them untouched.
STRIP = sys.platform.startswith("linux")


def is_dropped_plugin(dest: str) -> bool:
    """Whether ``dest`` (a path inside the bundle) is a Qt plugin left out."""
    dest = dest.replace("\\", "/")
    return any(dest.startswith(f"PySide6/Qt/plugins/{name}") for name in DROPPED_QT_PLUGINS)


def link_closure(paths: Iterable[str]) -> set[str]:
    """Base names of every shared library that ``paths`` need, directly or not (ELF only)."""
    from PyInstaller.depend.bindepend import get_imports  # noqa: PLC0415 - build time only

    seen: set[str] = set()
    stack = list(paths)
    while stack:
        for name, full in get_imports(stack.pop()):
            base = os.path.basename(name)
            if base not in seen:
                seen.add(base)
                if full:
                    stack.append(full)
    return seen


def unused_libraries(binaries: list[Entry]) -> set[str]:
    """Base names of the libraries that only the dropped Qt plugins need (Linux; ELF only)."""
    removed = [entry for entry in binaries if is_dropped_plugin(entry[0])]
    if not sys.platform.startswith("linux") or not removed:
        return set()
    candidates = link_closure(src for _dest, src, kind in removed if kind != "SYMLINK")
    roots = [
        src for dest, src, kind in binaries
        if kind != "SYMLINK" and not is_dropped_plugin(dest)
        and os.path.basename(dest) not in candidates
    ]
    needed = link_closure(roots) | {os.path.basename(src) for src in roots}
    return candidates - needed


def keep_translation(dest: str) -> bool:
    """No Qt translation: the app is in English and loads none (no QTranslator)."""
    return not dest.replace("\\", "/").startswith("PySide6/Qt/translations/")


def trimmed_icu_data(binaries: list[Entry], work: Path) -> list[Entry]:
    """Swap Qt's ICU data library for one without the data Qt does not use here (Linux).

    See ``icu_data.py``: about 23 MB of legacy converters, dictionaries and display names.
    The trimmed library is written under ``work``.
    """
    if not sys.platform.startswith("linux"):
        return binaries
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import icu_data  # noqa: PLC0415 - beside this file

    swapped = []
    for dest, src, kind in binaries:
        used = src
        if kind != "SYMLINK" and re.fullmatch(r"libicudata\.so\.\d+", os.path.basename(dest)):
            used = str(work / os.path.basename(dest))
            try:
                icu_data.trim_library(Path(src), Path(used))
            except (OSError, ValueError, subprocess.CalledProcessError) as exc:
                raise SystemExit(f"Shrinking the ICU data {src} failed: {exc}") from exc
        swapped.append((dest, used, kind))
    return swapped


def filter_bundle(
    binaries: list[Entry], datas: list[Entry], work: Path
) -> tuple[list[Entry], list[Entry]]:
    """The Analysis' binaries and data files without the parts left out, ICU data trimmed."""
    unused = unused_libraries(binaries)

    def keep(entry: Entry) -> bool:
        dest = entry[0]
        return (
            not is_dropped_plugin(dest)
            and os.path.basename(dest) not in unused  # the libraries and their symlinks
            and keep_translation(dest)
        )

    kept = [entry for entry in binaries if keep(entry)]
    return trimmed_icu_data(kept, work), [entry for entry in datas if keep(entry)]
