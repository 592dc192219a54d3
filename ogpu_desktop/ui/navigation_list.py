"""The window's section list: an icon and a name per page, coloured for the palette in use."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QListWidget, QWidget

ICON_PX = 22


class NavigationList(QListWidget):
    """The sections (Compose, Tasks, Wallet, Settings) with their icons.

    The icons are drawn once the window has painted (:meth:`show_icons`: the SVG renderer is
    not needed for the first paint) and again when the palette changes (light ⇄ dark).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigationList")
        self.setAccessibleName("Sections")
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setSpacing(2)
        self._icon_names: list[str] = []

    def show_icons(self, names: list[str]) -> None:
        """Give row ``i`` the icon ``names[i]`` (a file of the app's icon folder)."""
        self._icon_names = list(names)
        self._paint_icons()

    def _paint_icons(self) -> None:
        if not self._icon_names:
            return
        from ogpu_desktop.ui.icons import themed_icon  # noqa: PLC0415 - after the first paint

        for row, name in enumerate(self._icon_names[: self.count()]):
            self.item(row).setIcon(themed_icon(name, self.palette()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Recolour the icons for a new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_icons()
