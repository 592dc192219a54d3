"""Cyclic garbage is collected on the Qt thread, never by whichever thread allocates."""

import gc
import threading
import weakref

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ogpu_desktop.ui.qt_thread_gc import QtThreadGarbageCollector, freeze_startup_objects


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.qobject = QObject()


def test_collection_runs_on_the_qt_thread_and_only_there(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    owner = QObject()
    QtThreadGarbageCollector(owner, interval_ms=10)
    try:
        assert not gc.isenabled()
        gc.set_threshold(5, 1, 1)
        collected_in: list[str] = []
        gc.callbacks.append(
            lambda phase, _info: collected_in.append(threading.current_thread().name)
            if phase == "stop"
            else None
        )

        def make_garbage() -> None:
            for _ in range(200):
                _Cycle()

        worker = threading.Thread(target=make_garbage, name="executor-like")
        worker.start()
        worker.join()
        assert collected_in == []  # the allocating thread never collected
        qtbot.waitUntil(lambda: bool(collected_in), timeout=2000)
        assert set(collected_in) == {threading.main_thread().name}
    finally:
        gc.callbacks.pop()
        gc.set_threshold(*thresholds)
        owner.deleteLater()
        qtbot.waitUntil(gc.isenabled, timeout=2000)  # the collector gave collection back
        if not was_enabled:
            gc.disable()


def test_frozen_start_up_objects_are_left_out_and_later_garbage_still_collected() -> None:
    before = _Cycle()
    try:
        frozen = freeze_startup_objects()
        assert frozen >= 1
        assert not any(obj is before for obj in gc.get_objects())  # out of the collector's sight
        later = _Cycle()
        assert any(obj is later for obj in gc.get_objects())
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None  # cyclic garbage made after the freeze is still collected
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
