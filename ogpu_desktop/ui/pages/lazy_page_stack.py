"""A page stack whose pages are built the first time they are shown or asked for."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

if TYPE_CHECKING:
    import asyncio

_log = logging.getLogger(__name__)


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
        self.label = QLabel(f"{title}: loading…", self)
        self.label.setObjectName(f"{object_name}Description")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addStretch(1)


class LazyPageStack(QStackedWidget):
    """Holds a light placeholder per page until the page is first shown or first used.

    Building a page imports its modules and makes its widgets; doing that for every page before
    the window paints is what made the window appear late. A page is built when it becomes the
    current one (once :meth:`open` was called, so nothing is built before the first paint) or
    when :meth:`page` asks for it. It then takes its placeholder's place at the same row.

    A page given its module is shown the event loop's way: when it becomes current and the
    module is not loaded yet, the module is imported on a worker thread (the page with its forms
    can take a few hundred milliseconds) while the placeholder stays and the window answers;
    the page is built once the import is done, if it is still the one shown. Without a
    running asyncio loop, or with the module loaded, it is built at once. :meth:`open` also
    imports the other pages' modules on that thread, so they are at hand when first shown.

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
        self._modules: list[str | None] = []
        self._loading: dict[int, asyncio.Task[None]] = {}
        self._open = False
        self._replacing = False
        self.currentChanged.connect(self._current_changed)

    def add_page(
        self,
        loading_name: str,
        title: str,
        factory: Callable[[], QWidget],
        module: str | None = None,
    ) -> int:
        """Add a page built later by ``factory``; until then a placeholder named ``loading_name``.

        Args:
            loading_name: The placeholder's object name.
            title: The page's title, shown by the placeholder.
            factory: Builds the page.
            module: The module ``factory`` imports (loaded ahead on a worker thread).

        Returns:
            The page's row.
        """
        placeholder = LoadingPage(loading_name, title, self)
        self._modules.append(module)
        self._factories.append(factory)
        self._built.append(None)
        self._placeholders.append(placeholder)
        return self.addWidget(placeholder)

    def open(self) -> None:
        """Build pages from now on when they are shown, starting with the one shown now."""
        self._open = True
        if self.currentIndex() >= 0:
            self._show(self.currentIndex())
        shown = self._modules[self.currentIndex()] if self.currentIndex() >= 0 else None
        rest = [m for m in self._modules if m not in (None, shown) and not fully_imported(m)]
        if rest and _running_loop():
            from ogpu_desktop.warm_imports import warm_imports  # noqa: PLC0415

            warm_imports(rest)

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

    def is_loading(self, row: int) -> bool:
        """Whether the page at ``row`` waits for its module, to be built once it is loaded."""
        return row in self._loading

    def _current_changed(self, row: int) -> None:
        if self._open and not self._replacing and row >= 0:
            self._show(row)

    def _show(self, row: int) -> None:
        if self._built[row] is not None or row in self._loading:
            return
        module = self._modules[row]
        if module is None or fully_imported(module) or not _running_loop():
            self.page(row)
            return
        import asyncio  # noqa: PLC0415 - running already (see _running_loop)

        task = asyncio.ensure_future(self._build_when_loaded(row, module))
        self._loading[row] = task

    async def _build_when_loaded(self, row: int, module: str) -> None:
        import asyncio  # noqa: PLC0415
        import contextlib  # noqa: PLC0415

        from ogpu_desktop.warm_imports import warm_imports  # noqa: PLC0415

        try:
            # An import error comes back from the factory below, which reports it.
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(warm_imports([module]))
        finally:
            self._loading.pop(row, None)
        if self._built[row] is not None or self.currentIndex() != row:
            return  # built meanwhile, or no longer shown: built on its next show
        try:
            self.page(row)
        except Exception as exc:
            _log.exception("building page %d failed", row)
            placeholder = self._placeholders[row]
            if placeholder is not None:
                placeholder.label.setText(f"This page could not be loaded: {exc}")


def fully_imported(module: str) -> bool:
    """Whether ``module`` is imported completely.

    A module another thread is still importing is in ``sys.modules`` already; using it then
    (building its page, say) would hold the window's thread on the import lock until that
    import ends.
    """
    found = sys.modules.get(module)
    if found is None:
        return False
    spec = getattr(found, "__spec__", None)
    return not getattr(spec, "_initializing", False)


def _running_loop() -> bool:
    """Whether an asyncio loop runs (the window's, after the first paint)."""
    if "asyncio" not in sys.modules:
        return False  # imported only once the window has painted
    import asyncio  # noqa: PLC0415

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
