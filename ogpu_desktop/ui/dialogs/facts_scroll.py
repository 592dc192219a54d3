"""The body of a review dialog: its facts scroll up and down, never sideways, never squeezed.

On a short screen (200 % on a laptop) a layout squeezes every wrapped line by a few pixels until
words are cut. The reviews put their facts in a scroll area instead and open as tall as the facts
need, within the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

SCREEN_MARGIN_PX = 80
"""Room left above and below a dialog opened as tall as it can be."""


def facts_scroll_area(parent: QWidget, body: QWidget, name: str) -> QScrollArea:
    """A frameless scroll area named ``name`` holding ``body``, scrolling up and down only."""
    scroll = QScrollArea(parent)
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(body)
    return scroll


def fit_height(dialog: QWidget, scroll: QScrollArea, body: QWidget) -> None:
    """Make ``dialog`` as tall as ``body`` needs at its current width, within the screen."""
    viewport = scroll.viewport()
    needed = body.heightForWidth(viewport.width()) if body.hasHeightForWidth() else -1
    wanted = max(needed, body.sizeHint().height())
    chrome = dialog.height() - viewport.height()
    screen = dialog.screen()
    room = (screen.availableGeometry().height() - SCREEN_MARGIN_PX if screen is not None
            else wanted + chrome)
    target = min(wanted + chrome, room)
    if target > dialog.height():
        dialog.resize(dialog.width(), target)
