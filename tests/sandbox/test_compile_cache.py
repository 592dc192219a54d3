"""The compiled contracts are kept on disk, reused while sources and compiler stay the same."""

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
