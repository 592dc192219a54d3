"""Applies the theme choice to the whole application: follow the system, light or dark."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ogpu_desktop.ui.settings.preferences import Theme

_SCHEMES = {
    Theme.LIGHT: Qt.ColorScheme.Light,
    Theme.DARK: Qt.ColorScheme.Dark,
}


def _palette(dark: bool) -> QPalette:
    if dark:
        base, window, text, button = "#1e1f22", "#2b2d30", "#e6e6e6", "#3c3f41"
        highlight, link, disabled = "#2f6fb3", "#6aa9ff", "#808080"
    else:
        base, window, text, button = "#ffffff", "#efefef", "#1a1a1a", "#e6e6e6"
        highlight, link, disabled = "#308cc6", "#1a5fb4", "#8c8c8c"
    palette = QPalette()
    role = QPalette.ColorRole
    for which, colour in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, window),
        (role.ToolTipBase, base),
        (role.ToolTipText, text),
        (role.PlaceholderText, disabled),
        (role.Text, text),
        (role.Button, button),
        (role.ButtonText, text),
        (role.BrightText, "#ff5555"),
        (role.Highlight, highlight),
        (role.HighlightedText, "#ffffff"),
        (role.Link, link),
    ):
        palette.setColor(which, QColor(colour))
    for which in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, which, QColor(disabled))
    return palette


def apply_theme(theme: Theme) -> None:
    """Colour the application as ``theme`` says.

    The colour scheme is set through the style hints, which native styles follow on platforms
    that support it; an explicit palette makes light and dark hold on the others too.
    "Follow the system" hands both back to the platform.
    """
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    hints = QGuiApplication.styleHints()
    scheme = _SCHEMES.get(theme)
    if scheme is None:
        hints.unsetColorScheme()
        QGuiApplication.setPalette(QPalette())
        return
    hints.setColorScheme(scheme)
    QGuiApplication.setPalette(_palette(dark=theme is Theme.DARK))
