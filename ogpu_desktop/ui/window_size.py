"""The main window's first size, from the screen it opens on (later runs restore the last one)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

#: Share of the screen's free area a first window takes: room around it, the rest for the app.
SCREEN_SHARE = 0.9
#: What every column of the task list needs beside the sections; a smaller screen is filled.
COMFORTABLE = QSize(1280, 760)


def default_window_rect(available: QRect) -> QRect:
    """A window rect centred in ``available``: most of it, never more, never cramped.

    A screen of 1280 x 800 or less is filled (up to the comfortable size); a larger one gets
    :data:`SCREEN_SHARE` of it.

    Args:
        available: The screen's available geometry (without panels and docks).
    """
    width = max(round(available.width() * SCREEN_SHARE), COMFORTABLE.width())
    height = max(round(available.height() * SCREEN_SHARE), COMFORTABLE.height())
    size = QSize(min(width, available.width()), min(height, available.height()))
    rect = QRect(available.topLeft(), size)
    rect.moveCenter(available.center())
    return rect
