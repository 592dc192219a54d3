"""The compiled contracts are kept on disk, reused while sources and compiler stay the same.

A packaged app ships them compiled; that file is used only when it matches the sources.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ogpu_desktop.sandbox import compile as sandbox_compile


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OGPU_DESKTOP_CONTRACT_CACHE", str(tmp_path))
    sandbox_compile._compile.cache_clear()
    yield tmp_path
    sandbox_compile._compile.cache_clear()


def test_compiled_output_is_cached_and_reused(cache_dir: Path) -> None:
    first = sandbox_compile.compile_contract("Response")
    (cached,) = cache_dir.glob("Response-*.json")
    sandbox_compile._compile.cache_clear()
    # A marker only the cache holds proves the second call read the file, not the compiler.
    cached.write_text(cached.read_text().replace(first.bytecode, first.bytecode + "00"))
    second = sandbox_compile.compile_contract("Response")
    assert second.bytecode == first.bytecode + "00"
    assert second.abi == first.abi


def test_a_damaged_cache_file_is_compiled_again(cache_dir: Path) -> None:
    first = sandbox_compile.compile_contract("Response")
    (cached,) = cache_dir.glob("Response-*.json")
    cached.write_text("{not json")
    sandbox_compile._compile.cache_clear()
    again = sandbox_compile.compile_contract("Response")
    assert again == first
    assert cached.read_text().startswith("{")


def test_the_cache_key_covers_every_contract_source() -> None:
    key = sandbox_compile._sources_key()
    assert len(key) == 24
    assert all(c in "0123456789abcdef" for c in key)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The compiled contracts file a build writes (made once: compiling takes seconds)."""
    folder = tmp_path_factory.mktemp("build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OGPU_DESKTOP_CONTRACT_CACHE", str(folder / "cache"))
        sandbox_compile._compile.cache_clear()
        sandbox_compile.write_compiled(folder / "compiled.json")
    sandbox_compile._compile.cache_clear()
    return (folder / "compiled.json").read_text()


@pytest.fixture
def shipped(
    built: str, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """That file shipped at a temporary path, with an empty compile cache."""
    path = tmp_path / "shipped" / "compiled.json"
    path.parent.mkdir()
    path.write_text(built)
    monkeypatch.setattr(sandbox_compile, "COMPILED_FILE", path)
    sandbox_compile._shipped.cache_clear()
    sandbox_compile._compile.cache_clear()
    yield path
    sandbox_compile._shipped.cache_clear()
    sandbox_compile._compile.cache_clear()


def _mark(path: Path, name: str, **changes: str) -> str:
    document = json.loads(path.read_text())
    marked = document["contracts"][name]["bytecode"] + "00"
    document["contracts"][name]["bytecode"] = marked
    document.update(changes)
    path.write_text(json.dumps(document))
    return str(marked)


def test_contracts_shipped_compiled_from_these_sources_are_used_without_compiling(
    shipped: Path, cache_dir: Path
) -> None:
    document = json.loads(shipped.read_text())
    assert set(document["contracts"]) == set(sandbox_compile.CONTRACT_NAMES)
    assert document["sources_sha256"] == sandbox_compile.sources_digest()
    marked = _mark(shipped, "Task")
    assert sandbox_compile.compile_contract("Task").bytecode == marked
    assert list(cache_dir.glob("*.json")) == []  # nothing was compiled


def test_contracts_shipped_for_other_sources_are_ignored_and_compiled_again(
    shipped: Path, cache_dir: Path
) -> None:
    marked = _mark(shipped, "Task", sources_sha256="0" * 64)
    compiled = sandbox_compile.compile_contract("Task")
    assert compiled.bytecode != marked
    assert compiled.bytecode.startswith("0x")
    assert list(cache_dir.glob("Task-*.json"))


def test_a_damaged_shipped_file_is_ignored(shipped: Path) -> None:
    shipped.write_text('{"sources_sha256": ')
    assert sandbox_compile.compile_contract("Response").bytecode.startswith("0x")


@pytest.mark.parametrize("stale", [False, True])
def test_without_vyper_only_matching_shipped_contracts_work(shipped: Path, stale: bool) -> None:
    if stale:
        _mark(shipped, "Task", sources_sha256="0" * 64)
    # A bundle has no Vyper: importing it fails there as it does here.
    code = (
        "import sys; sys.modules['vyper'] = None\n"
        "from pathlib import Path\n"
        "from ogpu_desktop.sandbox import compile as c\n"
        f"c.COMPILED_FILE = Path({str(shipped)!r})\n"
        "print(c.compile_contract('Nexus').bytecode[:2])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False,
                          env={**os.environ, "OGPU_DESKTOP_CONTRACT_CACHE": str(shipped.parent)})
    if stale:
        assert done.returncode != 0
        assert "not shipped compiled for these sources" in done.stderr
        assert "Vyper compiler is not installed" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "0x"
