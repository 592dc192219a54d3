"""The app's line icons: SVG drawings coloured for the palette in use, sharp at any scale."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ogpu_desktop.ui.message_colours import is_dark

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
"""One SVG per icon, drawn in ``#000000`` (lines) and ``#129C88`` (accent) on a 24 px grid."""
LINE, ACCENT = b"#000000", b"#129C88"
#: Pixel sizes rendered: 16-48 px icons at 100 % to 200 % (and a little beyond) stay sharp.
SIZES = (16, 20, 24, 32, 40, 48, 64, 96)


def themed_icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The icon ``name`` (a file of :data:`ICON_DIR`) in the colours of ``palette``.

    Lines take the palette's text colour (the highlighted-text colour on a selected item) and
    the accent a teal that keeps its contrast on light and dark windows alike.
    """
    palette = palette or QGuiApplication.palette()
    accent = b"#2FD6B5" if is_dark(palette) else ACCENT
    icon = QIcon()
    for mode, role in ((QIcon.Mode.Normal, QPalette.ColorRole.WindowText),
                       (QIcon.Mode.Selected, QPalette.ColorRole.HighlightedText)):
        line = palette.color(role).name().encode()
        for size in SIZES:
            icon.addPixmap(_render(name, line, accent if mode is QIcon.Mode.Normal else line,
                                   size), mode)
    return icon


@cache
def _svg(name: str) -> bytes:
    return (ICON_DIR / f"{name}.svg").read_bytes()


@cache
def _render(name: str, line: bytes, accent: bytes, size: int) -> QPixmap:
    data = _svg(name).replace(LINE, line).replace(ACCENT, accent)
    renderer = QSvgRenderer(QByteArray(data))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return pixmap
