"""Importing modules ahead of time on a worker thread."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from ogpu_desktop.warm_imports import warm_imports


def test_modules_are_imported_in_order_on_another_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("warm_first", "warm_second"):
        (tmp_path / f"{name}.py").write_text(
            "import threading, warm_log\n"
            f"warm_log.seen.append(({name!r}, threading.current_thread().name))\n"
        )
    (tmp_path / "warm_log.py").write_text("seen = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        warm_imports(["warm_first", "warm_second"]).result(timeout=30)
        log = sys.modules["warm_log"]
        assert log.seen == [("warm_first", "warm-imports"), ("warm_second", "warm-imports")]
        assert threading.current_thread().name != "warm-imports"
    finally:
        for name in ("warm_first", "warm_second", "warm_log"):
            sys.modules.pop(name, None)


def test_what_a_module_needs_ahead_of_use_is_imported_after_it_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_page.py").write_text("AHEAD_OF_USE = ('warm_panel', 'warm_viewer')\n")
    for name in ("warm_panel", "warm_viewer"):
        (tmp_path / f"{name}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ("warm_page", "warm_panel", "warm_viewer")
    try:
        warm_imports(["warm_page"]).result(timeout=30)
        assert "warm_page" in sys.modules
        assert "warm_panel" not in sys.modules
        warm_imports(["warm_page"], with_ahead_of_use=True).result(timeout=30)
        assert all(name in sys.modules for name in names)
    finally:
        for name in names:
            sys.modules.pop(name, None)


def test_a_failing_import_is_reported_through_the_future(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_broken.py").write_text("raise RuntimeError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    done = warm_imports(["warm_broken", "json"])
    with pytest.raises(RuntimeError, match="no"):
        done.result(timeout=30)
    assert "warm_broken" not in sys.modules
