"""A page stack whose pages are built the first time they are shown or asked for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget


class LoadingPage(QWidget):
    """Stands in for a page until it is built: one line of plain text, nothing else.

    Shown only for the moment between the first paint and the page's build. It is part of the
    window's skeleton, so it stays this light: no font of its own, and no ``Qt`` namespace
    (about 30 ms to load), as its fixed text has no markup to be read as rich text.

    Args:
        object_name: Its object name (``{page}Loading``); its label is
            ``{page}LoadingDescription``.
        title: The page's title, named in the text.
        parent: Parent widget.
    """

    def __init__(self, object_name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        label = QLabel(f"{title}: loading…", self)
        label.setObjectName(f"{object_name}Description")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addStretch(1)


class LazyPageStack(QStackedWidget):
    """Holds a light placeholder per page until the page is first shown or first used.

    Building a page imports its modules and makes its widgets; doing that for every page before
    the window paints is what made the window appear late. A page is built when it becomes the
    current one (once :meth:`open` was called, so nothing is built before the first paint) or
    when :meth:`page` asks for it. It then takes its placeholder's place at the same row.

    Args:
        parent: Parent widget.
    """

    page_built = Signal(int)
    """The row of a page that was just built (emitted once per page)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factories: list[Callable[[], QWidget]] = []
        self._built: list[QWidget | None] = []
        self._placeholders: list[LoadingPage | None] = []
        self._open = False
        self._replacing = False
        self.currentChanged.connect(self._current_changed)

    def add_page(self, loading_name: str, title: str, factory: Callable[[], QWidget]) -> int:
        """Add a page built later by ``factory``; until then a placeholder named ``loading_name``.

        Returns:
            The page's row.
        """
        placeholder = LoadingPage(loading_name, title, self)
        self._factories.append(factory)
        self._built.append(None)
        self._placeholders.append(placeholder)
        return self.addWidget(placeholder)

    def open(self) -> None:
        """Build pages from now on when they are shown, starting with the one shown now."""
        self._open = True
        if self.currentIndex() >= 0:
            self.page(self.currentIndex())

    def is_open(self) -> bool:
        """Whether pages are built when shown (:meth:`open` was called)."""
        return self._open

    def built(self, row: int) -> QWidget | None:
        """The page at ``row`` if it was built already, else ``None`` (nothing is built)."""
        return self._built[row] if 0 <= row < len(self._built) else None

    def page(self, row: int) -> QWidget:
        """The page at ``row``, built now if it was not yet."""
        page = self._built[row]
        if page is not None:
            return page
        page = self._factories[row]()
        self._built[row] = page
        placeholder = self._placeholders[row]
        self._placeholders[row] = None
        current = self.currentIndex()
        self._replacing = True
        try:
            self.insertWidget(row, page)
            if placeholder is not None:
                self.removeWidget(placeholder)
                # Out of the window at once (no lookup by name finds it), deleted by Qt later.
                placeholder.setParent(None)
                placeholder.deleteLater()
            self.setCurrentIndex(current)
        finally:
            self._replacing = False
        self.page_built.emit(row)
        return page

    def _current_changed(self, row: int) -> None:
        if self._open and not self._replacing and row >= 0:
            self.page(row)
