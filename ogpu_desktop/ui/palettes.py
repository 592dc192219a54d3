"""The app's light and dark palettes, and following the system's colour scheme.

The app draws with its own palettes (text at least 4.5:1 on its background, WCAG AA) so it
looks the same on every desktop. Light enough to load before the first paint: only Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QGuiApplication, QPalette

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from ogpu_desktop.ui.settings.preferences import Theme

#: Colours by role: ``(light, dark)``.
_COLOURS: dict[QPalette.ColorRole, tuple[str, str]] = {
    QPalette.ColorRole.Window: ("#f3f3f3", "#2b2d30"),
    QPalette.ColorRole.WindowText: ("#1a1a1a", "#e6e6e6"),
    QPalette.ColorRole.Base: ("#ffffff", "#1e1f22"),
    QPalette.ColorRole.AlternateBase: ("#f5f6f7", "#26282b"),
    QPalette.ColorRole.ToolTipBase: ("#ffffdc", "#3c3f41"),
    QPalette.ColorRole.ToolTipText: ("#1a1a1a", "#e6e6e6"),
    QPalette.ColorRole.PlaceholderText: ("#6b6b6b", "#9a9a9a"),
    QPalette.ColorRole.Text: ("#1a1a1a", "#e6e6e6"),
    QPalette.ColorRole.Button: ("#e8e8e8", "#3c3f41"),
    QPalette.ColorRole.ButtonText: ("#1a1a1a", "#e6e6e6"),
    QPalette.ColorRole.BrightText: ("#ffffff", "#ffffff"),
    QPalette.ColorRole.Highlight: ("#1f6fb2", "#2f6fb3"),
    QPalette.ColorRole.HighlightedText: ("#ffffff", "#ffffff"),
    QPalette.ColorRole.Link: ("#1a5fb4", "#6aa9ff"),
    QPalette.ColorRole.LinkVisited: ("#6a3fa0", "#c59cff"),
}
_DISABLED_TEXT = ("#8c8c8c", "#7a7a7a")
_state = {"following_system": False, "listening": False, "platform_dark": False}


def palette_for(*, dark: bool) -> QPalette:
    """The app's light or dark palette."""
    pick = 1 if dark else 0
    # Built from button and window colours, so Qt derives the 3-D shades (light, mid, dark,
    # shadow) that frames and separators use; the rest is set role by role.
    palette = QPalette(QColor(_COLOURS[QPalette.ColorRole.Button][pick]),
                       QColor(_COLOURS[QPalette.ColorRole.Window][pick]))
    for role, colours in _COLOURS.items():
        palette.setColor(role, QColor(colours[pick]))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED_TEXT[pick]))
    return palette


def platform_palette_is_dark() -> bool:
    """Whether the platform's own palette is dark (before the app sets its own).

    Cheap enough for before the first paint, unlike :func:`system_is_dark`: asking for the
    colour scheme makes PySide6 build Qt's whole ``Qt`` namespace of enums (about 20 ms). The
    platform palette follows the colour scheme where Qt knows it (Windows, macOS, and the
    KDE and GNOME themes), and is the only hint where it does not.
    """
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def system_is_dark() -> bool:
    """Whether the platform asks for a dark colour scheme (its palette says, if it does not)."""
    return _is_dark(QGuiApplication.styleHints().colorScheme())


def _is_dark(scheme: Qt.ColorScheme) -> bool:
    from PySide6.QtCore import Qt  # noqa: PLC0415 - see platform_palette_is_dark

    if scheme == Qt.ColorScheme.Unknown:
        return _state["platform_dark"]
    return scheme == Qt.ColorScheme.Dark


def paint_first_in(saved: str | None) -> None:
    """Set the app's palette for the first paint, without asking the platform's colour scheme.

    An explicit choice (``"light"`` or ``"dark"``) is set as it is; following the system, the
    platform's palette decides (:func:`platform_palette_is_dark`). :func:`apply_theme` is
    called once the window is on screen: it asks the colour scheme itself and follows it from
    then on, so where the platform's palette and scheme disagree the window changes once,
    right after it appears.
    """
    if QGuiApplication.instance() is None:
        return
    _state["platform_dark"] = platform_palette_is_dark()
    set_palette(dark=saved == "dark" if saved in ("light", "dark") else _state["platform_dark"])


def follow_system() -> None:
    """Use the light or dark palette as the platform's colour scheme says, now and on changes."""
    if QGuiApplication.instance() is None:
        return
    QGuiApplication.styleHints().unsetColorScheme()
    _state["following_system"] = True
    if not _state["listening"]:
        QGuiApplication.styleHints().colorSchemeChanged.connect(follow_scheme)
        _state["listening"] = True
    set_palette(dark=system_is_dark())


def use_scheme(*, dark: bool) -> None:
    """Use the light or dark palette whatever the system says (an explicit choice)."""
    if QGuiApplication.instance() is None:
        return
    from PySide6.QtCore import Qt  # noqa: PLC0415 - see platform_palette_is_dark

    _state["following_system"] = False
    QGuiApplication.styleHints().setColorScheme(
        Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    set_palette(dark=dark)


def follow_scheme(scheme: Qt.ColorScheme) -> None:
    """The platform's colour scheme changed: follow it when the user chose to."""
    if _state["following_system"]:
        set_palette(dark=_is_dark(scheme))


def set_palette(*, dark: bool) -> None:
    """Apply the light or dark palette, and the message colours that go with it."""
    QGuiApplication.setPalette(palette_for(dark=dark))
    # Imported here: message colours belong to widgets, and before the first paint there are
    # none to recolour.
    from ogpu_desktop.ui.message_colours import recolour_all  # noqa: PLC0415

    recolour_all()


def apply_theme(theme: Theme) -> None:
    """Colour the application as ``theme`` says.

    The colour scheme is set through the style hints, which native styles follow on platforms
    that support it; the app's palette makes light and dark hold on the others too. "Follow
    the system" reads the platform's scheme (``QStyleHints.colorScheme``) now and again
    whenever it changes.
    """
    # Settings are read after the first paint; the palette itself is part of the skeleton.
    from ogpu_desktop.ui.settings.preferences import Theme  # noqa: PLC0415

    if theme is Theme.SYSTEM:
        follow_system()
    else:
        use_scheme(dark=theme is Theme.DARK)
