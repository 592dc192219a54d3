"""Colours of error, warning and success messages that stay readable on light and dark windows.

No single red reads well on both (WCAG AA asks a contrast of 4.5:1 for text): each role has
a light-window and a dark-window colour, chosen from the palette in use and applied again
when the theme changes (:func:`recolour_all`).
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

ROLE_PROPERTY = "messageRole"
#: ``role: (on a light window, on a dark window)``; each at least 4.5:1 on its window colour.
COLOURS: dict[str, tuple[str, str]] = {
    "error": ("#b00020", "#ff8a80"),
    "warning": ("#8a4b00", "#ffb74d"),
    "ok": ("#1b5e20", "#81c784"),
}


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colour_of(role: str, *, dark: bool | None = None) -> str:
    """The colour of ``role`` for a dark or light window (default: the palette in use)."""
    if dark is None:
        dark = is_dark(QGuiApplication.palette())
    light_colour, dark_colour = COLOURS[role]
    return dark_colour if dark else light_colour


def set_message_role(widget: QWidget, role: str | None) -> None:
    """Colour ``widget``'s text for ``role`` ("error", "warning", "ok"; ``None``: plain)."""
    widget.setProperty(ROLE_PROPERTY, role or "")
    widget.setStyleSheet(f"color: {colour_of(role)};" if role else "")


def recolour_all() -> None:
    """Apply the role colours for the palette now in use to every widget that has a role."""
    for widget in QApplication.allWidgets():
        role = widget.property(ROLE_PROPERTY)
        if isinstance(role, str) and role in COLOURS:
            widget.setStyleSheet(f"color: {colour_of(role)};")
