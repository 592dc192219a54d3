"""The app uses other packages through their public names only, and never patches them.

A private name (``web3._utils...``, ``_helper``) can change or vanish in any release; replacing a
function inside another package changes it for every caller in the process. Both are checked in
the source, so the check fails as soon as such a line comes back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import ogpu_desktop

PACKAGE = Path(ogpu_desktop.__file__).parent
OWN = "ogpu_desktop"


def sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield str(path.relative_to(PACKAGE.parent)), ast.parse(path.read_text(encoding="utf-8"))


def is_private_part(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_private(dotted: str) -> bool:
    return any(is_private_part(part) for part in dotted.split("."))


def private_imports(tree: ast.Module) -> list[str]:
    """Imports of another package's private module or name, as written."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if not a.name.startswith(OWN)
                      and is_private(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == OWN:
                continue
            if is_private(node.module):
                found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names if is_private_part(a.name)]
    return found


def imported_names(tree: ast.Module) -> set[str]:
    """Names the module binds to something of another package."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names
                      if not a.name.startswith(OWN)}
        elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
              and node.module.split(".")[0] != OWN):
            names |= {a.asname or a.name for a in node.names}
    return names


def root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def patches(tree: ast.Module) -> list[str]:
    """Assignments into another package's module, class or function (monkey-patching)."""
    imported = imported_names(tree)
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in {"setattr", "delattr"} and node.args):
            targets = [ast.Attribute(value=node.args[0], attr="?", ctx=ast.Store())]
        for target in targets:
            if isinstance(target, ast.Attribute) and root_name(target) in imported:
                found.append(ast.unparse(target))
    return found


def test_no_private_name_of_another_package_is_imported() -> None:
    found = {name: hits for name, tree in sources() if (hits := private_imports(tree))}
    assert found == {}


def test_no_other_package_is_patched() -> None:
    found = {name: hits for name, tree in sources() if (hits := patches(tree))}
    assert found == {}


def test_the_checks_see_the_patterns_they_forbid() -> None:
    patched = ast.parse(
        "from web3._utils import http_session_manager\n"
        "import web3\n"
        "from web3.providers import _helper, __version__\n"
        "from ogpu_desktop.chain import _ours\n"
        "http_session_manager.async_lock = lambda: None\n"
        "setattr(web3.providers, 'x', 1)\n"
        "local = object()\n"
        "local.attribute = 1\n"
    )
    assert private_imports(patched) == ["web3._utils", "web3.providers._helper"]
    assert patches(patched) == ["http_session_manager.async_lock", "web3.providers.?"]
