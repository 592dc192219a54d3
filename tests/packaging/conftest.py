"""Fixtures: icons rendered from the app SVG by the real build step, and a fake bundle."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
APP_ID = "network.opengpu.OgpuDesktop"


def load_packaging_module(name: str) -> ModuleType:
    """Import packaging/NAME.py by path (``packaging`` is also a PyPI package's name)."""
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_make_icons() -> ModuleType:
    """Import packaging/make_icons.py by path."""
    return load_packaging_module("make_icons")


@pytest.fixture(scope="session")
def rendered_icons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the icon step of the build in its own process (it creates its own Qt application)."""
    out = tmp_path_factory.mktemp("icons")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return out
