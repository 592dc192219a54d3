"""Applies the theme choice to the whole application: follow the system, light or dark."""

from __future__ import annotations

from ogpu_desktop.ui.palettes import follow_system, use_scheme
from ogpu_desktop.ui.settings.preferences import Theme


def apply_theme(theme: Theme) -> None:
    """Colour the application as ``theme`` says.

    The colour scheme is set through the style hints, which native styles follow on platforms
    that support it; the app's palette makes light and dark hold on the others too. "Follow
    the system" reads the platform's scheme (``QStyleHints.colorScheme``) now and again
    whenever it changes.
    """
    if theme is Theme.SYSTEM:
        follow_system()
    else:
        use_scheme(dark=theme is Theme.DARK)
