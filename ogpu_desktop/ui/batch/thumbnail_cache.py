"""Small previews of a batch's images, made on demand in a worker thread and kept in a small cache.

A view asks for the thumbnail of the rows it paints only; the first ask starts the work and
returns ``None``, and :attr:`ThumbnailCache.ready` says when the picture is in. At most
:data:`CACHE_SIZE` previews are kept (least recently used first out), so memory stays flat
however many inputs a batch holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPixmap

from ogpu_desktop.domain.image_decoding import ImageError
from ogpu_desktop.domain.image_thumbnails import Thumbnail, make_thumbnail

_log = logging.getLogger(__name__)

CACHE_SIZE = 400
"""Previews kept at most (each a few kilobytes of pixels at 48 pixels a side)."""
THUMB_SIDE = 48
"""Longest side of a preview in the batch lists, in pixels."""
_CONCURRENCY = 2


class ThumbnailCache(QObject):
    """Previews of image files by key, made in a worker thread when first asked for.

    Args:
        side: Longest side of a preview, in pixels.
        size: Previews kept at most.
        parent: Owner.
    """

    ready = Signal(str)
    """The preview of this key is in (or failed: :meth:`get` then gives ``None`` for good)."""

    def __init__(
        self, side: int = THUMB_SIDE, size: int = CACHE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.side = side
        self.size = size
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._failed: set[str] = set()
        self._asked: set[str] = set()
        self._gate = asyncio.Semaphore(_CONCURRENCY)
        self._tasks: set[asyncio.Task[None]] = set()

    def get(self, key: str, path: Path) -> QPixmap | None:
        """The preview of ``path`` if made, else ``None`` (and it is made in the background)."""
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key in self._failed or key in self._asked:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a plain model test): no previews
            return None
        self._asked.add(key)
        task = loop.create_task(self._make(key, path))
        self._tasks.add(task)  # the loop holds tasks weakly
        task.add_done_callback(self._tasks.discard)
        return None

    def __len__(self) -> int:
        return len(self._pixmaps)

    def clear(self) -> None:
        """Forget every preview (a new listing)."""
        self._pixmaps.clear()
        self._failed.clear()

    async def _make(self, key: str, path: Path) -> None:
        side = self.side
        try:
            async with self._gate:
                thumb: Thumbnail = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: make_thumbnail(path, side)
                )
        except ImageError as exc:
            _log.info("no preview of %s: %s", path.name, exc.message)
            self._failed.add(key)
        else:
            pixmap = QPixmap()
            if pixmap.loadFromData(thumb.data):
                self._pixmaps[key] = pixmap
                while len(self._pixmaps) > self.size:
                    self._pixmaps.popitem(last=False)
            else:
                self._failed.add(key)
        finally:
            self._asked.discard(key)
        if shiboken6.isValid(self):  # its list may have closed meanwhile
            self.ready.emit(key)
