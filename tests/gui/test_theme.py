"""The look: the app's palettes follow the system's colour scheme, readable in light and dark."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ogpu_desktop.ui.forms.image_drop_zone import ImageDropZone
from ogpu_desktop.ui.icons import themed_icon
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.message_colours import COLOURS, set_message_role
from ogpu_desktop.ui.palettes import apply_theme, palette_for
from ogpu_desktop.ui.settings.preferences import Theme

Role = QPalette.ColorRole


@pytest.fixture(autouse=True)
def _system_theme_after() -> Iterator[None]:
    yield
    apply_theme(Theme.SYSTEM)


def _luminance(colour: QColor) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast(one: QColor, other: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_text_colour_meets_wcag_aa_on_its_background(dark: bool) -> None:
    palette = palette_for(dark=dark)
    pairs = [
        (Role.WindowText, Role.Window), (Role.Text, Role.Base), (Role.Text, Role.AlternateBase),
        (Role.ButtonText, Role.Button), (Role.HighlightedText, Role.Highlight),
        (Role.ToolTipText, Role.ToolTipBase), (Role.PlaceholderText, Role.Base),
        (Role.Link, Role.Base), (Role.Link, Role.Window),
    ]
    low = {(fg.name, bg.name): round(contrast(palette.color(fg), palette.color(bg)), 2)
           for fg, bg in pairs if contrast(palette.color(fg), palette.color(bg)) < 4.5}
    assert low == {}
    for role, colours in COLOURS.items():
        text = QColor(colours[1 if dark else 0])
        assert contrast(text, palette.color(Role.Window)) >= 4.5, role
        assert contrast(text, palette.color(Role.Base)) >= 4.5, role


def test_the_dark_palette_follows_the_system_scheme_and_recolours_messages(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    apply_theme(Theme.SYSTEM)
    error = QLabel("⚠ Something to fix")
    qtbot.addWidget(error)
    set_message_role(error, "error")
    assert QGuiApplication.palette().color(Role.Window).lightness() > 128
    assert COLOURS["error"][0] in error.styleSheet()
    zone = ImageDropZone()
    qtbot.addWidget(zone)
    light_zone = zone.styleSheet()
    nav = main_window.navigation
    light_icon = nav.item(0).icon().pixmap(22, 22).toImage()
    assert not nav.item(0).icon().isNull()

    # The system switches to dark while the app follows it.
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    palette = QGuiApplication.palette()
    assert palette.color(Role.Window) == palette_for(dark=True).color(Role.Window)
    assert palette.color(Role.Window).lightness() < 128
    assert COLOURS["error"][1] in error.styleSheet()
    qtbot.waitUntil(lambda: nav.item(0).icon().pixmap(22, 22).toImage() != light_icon)
    qtbot.waitUntil(lambda: zone.styleSheet() != light_zone)  # its border, for dark

    # An explicit light choice no longer follows the system.
    apply_theme(Theme.LIGHT)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert QGuiApplication.palette().color(Role.Window).lightness() > 128
    assert COLOURS["error"][0] in error.styleSheet()


def test_icons_are_sharp_at_200_percent_and_follow_the_palette() -> None:
    light = themed_icon("wallet", palette_for(dark=False))
    dark = themed_icon("wallet", palette_for(dark=True))
    sizes = {(s.width(), s.height()) for s in light.availableSizes()}
    assert {(24, 24), (48, 48)} <= sizes  # 24 px at 100 % and 200 %, each drawn from the SVG
    assert light.pixmap(48, 48).toImage() != dark.pixmap(48, 48).toImage()
    selected = light.pixmap(48, 48, QIcon.Mode.Selected).toImage()
    assert selected != light.pixmap(48, 48).toImage()  # white lines on the highlight
