"""No two modules of the app import each other, directly or around a loop.

Every module of ``ogpu_desktop`` is read with :mod:`ast` (nothing is imported). Two graphs are
checked: the runtime one (imports anywhere, also inside functions, except under
``if TYPE_CHECKING:``) and the full one (those too). Neither may hold a cycle: a module that
needs a type of a module importing it takes a :class:`typing.Protocol` of what it uses, or the
shared part moves into a module of its own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import ogpu_desktop

ROOT = Path(ogpu_desktop.__file__).parent

Cycle = frozenset[str]

#: Cycles allowed, each with whether it exists at run time or only for type checking: none.
KNOWN_UI_CYCLES: dict[Cycle, str] = {}


def modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package) for every module under the package at ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(
    body: Iterable[ast.stmt], *, typing_too: bool
) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node):
            if typing_too:
                yield from _imports(node.body, typing_too=typing_too)
            yield from _imports(node.orelse, typing_too=typing_too)
            continue
        for child in ast.iter_child_nodes(node):
            # Statements nested in functions, classes, try, with, loops and plain ifs.
            if isinstance(child, ast.stmt):
                yield from _imports([child], typing_too=typing_too)


def import_graph(root: Path, *, typing_too: bool) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in _imports(tree.body, typing_too=typing_too):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, *([node.module] if node.module else [])])
                wanted = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                          for a in node.names]
            for dotted in wanted:
                target = dotted
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> set[Cycle]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[Cycle] = set()
    for start, first_edges in graph.items():
        if start in index:
            continue
        work = [(start, iter(sorted(first_edges)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.add(frozenset(component))
    return found


def describe(found: Iterable[Cycle]) -> list[str]:
    return sorted(" <-> ".join(sorted(cycle)) for cycle in found)


def test_no_runtime_import_cycle_but_the_listed_ones() -> None:
    runtime = cycles(import_graph(ROOT, typing_too=False))
    listed = {cycle for cycle, kind in KNOWN_UI_CYCLES.items() if kind == "runtime"}
    assert describe(runtime) == describe(listed)


def test_no_import_cycle_even_for_type_checking_but_the_listed_ones() -> None:
    everything = cycles(import_graph(ROOT, typing_too=True))
    assert describe(everything) == describe(KNOWN_UI_CYCLES)


def test_every_listed_cycle_is_inside_ui() -> None:
    for cycle in KNOWN_UI_CYCLES:
        assert all(name.startswith("ogpu_desktop.ui.") for name in cycle), cycle


def test_the_walk_finds_runtime_lazy_and_type_only_cycles(tmp_path: Path) -> None:
    package = tmp_path / "app"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from app import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.a import X\n",
        "c.py": "def late():\n    from .sub import d\n",
        "sub/__init__.py": "",
        "sub/d.py": "try:\n    import app.c\nexcept ImportError:\n    pass\n",
        "e.py": "import app.sub.d\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)

    assert cycles(import_graph(package, typing_too=False)) == {
        frozenset({"app.c", "app.sub.d"})
    }
    assert cycles(import_graph(package, typing_too=True)) == {
        frozenset({"app.a", "app.b"}), frozenset({"app.c", "app.sub.d"})
    }
