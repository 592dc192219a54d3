"""Every module of ``ogpu_desktop.ui`` imports Qt: a decision or an I/O without it belongs lower.

A module of the window's package that needs neither PySide6 nor qasync is logic (rules, file or
network work, data shapes) living in the wrong floor; it moves to ``domain`` or ``services``.
Modules are read with :mod:`ast`, nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ogpu_desktop.ui

UI = Path(ogpu_desktop.ui.__file__).parent
QT_PACKAGES = ("PySide6", "qasync", "shiboken6")


def imports_qt(path: Path) -> bool:
    """Whether the module at ``path`` imports a Qt package anywhere in its body."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] in QT_PACKAGES for name in names):
            return True
    return False


def is_empty_package(path: Path) -> bool:
    """An ``__init__.py`` holding at most a docstring."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return path.name == "__init__.py" and all(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body
    )


def test_every_ui_module_imports_qt() -> None:
    without = sorted(
        str(path.relative_to(UI.parent.parent))
        for path in UI.rglob("*.py")
        if not is_empty_package(path) and not imports_qt(path)
    )
    assert without == []


def test_the_check_tells_qt_modules_from_the_others(tmp_path: Path) -> None:
    cases = {
        "widget.py": "from PySide6.QtWidgets import QLabel\n",
        "late.py": "def f():\n    import qasync\n",
        "plain.py": "import json\nfrom ogpu_desktop.domain import payload\n",
        "__init__.py": '"""A package."""\n',
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert imports_qt(tmp_path / "widget.py")
    assert imports_qt(tmp_path / "late.py")
    assert not imports_qt(tmp_path / "plain.py")
    assert is_empty_package(tmp_path / "__init__.py")
    assert not is_empty_package(tmp_path / "plain.py")
