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


def test_a_failing_import_is_reported_through_the_future(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_broken.py").write_text("raise RuntimeError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    done = warm_imports(["warm_broken", "json"])
    with pytest.raises(RuntimeError, match="no"):
        done.result(timeout=30)
    assert "warm_broken" not in sys.modules
