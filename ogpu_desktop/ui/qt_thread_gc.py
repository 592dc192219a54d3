"""Python's cyclic garbage collection, run on the Qt thread only.

Qt objects must be destroyed by the thread that owns them. With automatic collection, a
collection starts in whichever thread happens to allocate — an executor thread decoding an image,
say — and a widget caught in a reference cycle is then destroyed there, which can crash Qt. So
automatic collection is switched off and a timer on the Qt thread collects instead, generation by
generation with Python's own thresholds.

A full collection walks every tracked object: once web3 and the services are loaded, about
110,000 of them, 30-80 ms of the Qt thread each time. Those made while the app starts (modules,
classes, tables) live as long as the app, so :func:`freeze_startup_objects` moves them out of
the collector's sight once the start-up imports are done; a full collection then walks only
what was made since.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class QtThreadGarbageCollector(QObject):
    """Collects cyclic garbage from a timer on the thread that created it (the Qt thread).

    Args:
        parent: Owner whose lifetime bounds the collector (the application).
        interval_ms: How often the allocation counters are checked.
    """

    def __init__(self, parent: QObject, interval_ms: int = 500) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)
        self.destroyed.connect(gc.enable)

    def collect_if_due(self) -> int:
        """Collect the oldest generation whose threshold is passed; return objects found."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = -1
        for index in range(3):
            if thresholds[index] and counts[index] > thresholds[index]:
                generation = index
        return gc.collect(generation) if generation >= 0 else 0


def freeze_startup_objects() -> int:
    """Keep every object tracked now out of later collections (``gc.freeze``).

    Call once the start-up imports are done. Garbage that exists at that moment is kept too;
    it is what the imports left, a small, fixed amount.

    Returns:
        How many objects are frozen now.
    """
    gc.freeze()
    return gc.get_freeze_count()
