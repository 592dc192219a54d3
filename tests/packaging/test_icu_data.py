"""Qt's ICU data library rebuilt without what Qt does not use here, read by the real Qt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import load_packaging_module

icu_data = load_packaging_module("icu_data")


def _icu_library() -> Path:
    import PySide6  # noqa: PLC0415

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found or not sys.platform.startswith("linux"):
        pytest.skip("no ICU data library beside Qt here")
    if shutil.which("objcopy") is None or shutil.which("ld") is None:
        pytest.skip("binutils (objcopy, ld) are missing")
    return found[0]


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    source = _icu_library()
    out = tmp_path_factory.mktemp("icu") / source.name
    icu_data.trim_library(source, out)
    return source, out


def _items(library: Path) -> dict[str, bytes]:
    elf = library.read_bytes()
    _symbol, offset, size = icu_data.find_common_data(elf)
    _header, items = icu_data.read_items(elf[offset : offset + size])
    return dict(items)


def test_the_policy_keeps_collation_and_core_data_and_drops_the_rest() -> None:
    for kept in ("icudt73l/coll/root.res", "icudt73l/coll/sv.res", "icudt73l/coll/ucadata.icu",
                 "icudt73l/root.res", "icudt73l/nfkc.nrm", "icudt73l/cnvalias.icu",
                 "icudt73l/brkitr/word.brk"):
        assert icu_data.keep_item(kept), kept
    for dropped in ("icudt73l/gb18030.cnv", "icudt73l/brkitr/cjdict.dict", "icudt73l/zone/de.res",
                    "icudt73l/curr/fr.res", "icudt73l/lang/en.res", "icudt73l/translit/root.res"):
        assert not icu_data.keep_item(dropped), dropped


def test_the_rebuilt_data_holds_exactly_the_kept_items_unchanged(
    trimmed: tuple[Path, Path],
) -> None:
    source, out = trimmed
    before, after = _items(source), _items(out)
    assert set(after) == {name for name in before if icu_data.keep_item(name)}
    assert all(after[name] == before[name] for name in after)
    assert out.stat().st_size < source.stat().st_size / 3
    elf = out.read_bytes()
    symbol, offset, size = icu_data.find_common_data(elf)
    assert symbol == icu_data.find_common_data(source.read_bytes())[0]
    assert offset % icu_data.ALIGN == 0
    header, items = icu_data.read_items(elf[offset : offset + size])
    assert icu_data.write_items(header, items) == elf[offset : offset + size]


def test_qt_sorts_with_a_locales_collation_from_the_trimmed_data(
    trimmed: tuple[Path, Path],
) -> None:
    _source, out = trimmed
    code = (
        "import functools\n"
        "from PySide6.QtCore import QCollator, QLocale\n"
        "words = ['Zebra', 'ångström', 'Apfel']\n"
        "for name in ('sv_SE', 'de_DE'):\n"
        "    print(sorted(words, key=functools.cmp_to_key(QCollator(QLocale(name)).compare)))\n"
        f"print(any({str(out)!r} in line for line in open('/proc/self/maps')))\n"
    )
    env = dict(os.environ, LD_LIBRARY_PATH=str(out.parent), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    swedish, german, loaded = done.stdout.splitlines()
    assert loaded == "True"  # the trimmed library is the one Qt read
    assert swedish == "['Apfel', 'Zebra', 'ångström']"  # Swedish sorts å after z
    assert german == "['ångström', 'Apfel', 'Zebra']"  # German sorts å with a
