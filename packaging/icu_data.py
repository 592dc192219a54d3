"""Shrinks the ICU data library Qt brings (libicudata, about 31 MB) to the parts Qt can use here.

Qt Core is linked against ICU, whose data library holds one "common data" blob (ICU's .dat
format) in a symbol named ``icudt<version>_dat``. Qt keeps its own locale, Unicode, text
boundary and IDNA tables; what it asks ICU for is collation (``QCollator``, locale-aware
comparison) and, when a program names a legacy encoding, a converter. The app does neither
with a legacy encoding, so the blob is rebuilt without:

- the legacy character-set converters (``*.cnv``; UTF-8/16/32, ASCII and Latin-1 are built
  into ICU's code and need no data);
- the break-iterator dictionaries (``brkitr/*.dict``: Chinese, Japanese, Thai, …);
- the display-name trees for currencies, languages, regions, units and time zones, the
  transliterators and the spelled-out number rules (``curr/ lang/ region/ unit/ zone/
  translit/ rbnf/``), which only ICU's own formatting calls read.

Collation (root and every locale's tailoring), the locale tree, normalisation and property
data stay. An item that is asked for and missing makes that ICU call fail with a status code
(as it does for a locale ICU does not know), which Qt checks; nothing else changes.

Run: ``python packaging/icu_data.py LIBICUDATA OUT`` (the spec calls :func:`trim_library`).
Building the library needs binutils' ``objcopy`` and ``ld`` (PyInstaller's ``strip`` comes
from the same package).
"""

from __future__ import annotations

import itertools
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_TREES = ("curr/", "lang/", "region/", "unit/", "zone/", "translit/", "rbnf/")
ALIGN = 16
# ELF machine number -> (objcopy output target, objcopy binary architecture)
ELF_TARGETS = {62: ("elf64-x86-64", "i386:x86-64"), 183: ("elf64-littleaarch64", "aarch64")}


def keep_item(name: str) -> bool:
    """Whether the item ``name`` (``icudt73l/coll/de.res``, …) stays in the trimmed data."""
    path = name.split("/", 1)[1] if "/" in name else name
    if path.endswith((".cnv", ".dict")):
        return False
    return not path.startswith(DROPPED_TREES)


def find_common_data(elf: bytes) -> tuple[str, int, int]:
    """Locate the ICU data symbol in a 64-bit little-endian ELF library.

    Returns:
        The symbol's name, its file offset and its size.

    Raises:
        ValueError: Not such a library, or no ``icudt*_dat`` symbol.
    """
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    shentsize, shnum, _shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)
    ]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link]
        for index in range(size // entsize):
            st_name, _st_info, _other, shndx, value, st_size = struct.unpack_from(
                "<IBBHQQ", elf, offset + index * entsize
            )
            start = strings[4] + st_name
            symbol = elf[start : elf.index(b"\0", start)].decode()
            if re.fullmatch(r"icudt\d+_dat", symbol) and shndx < len(sections):
                section = sections[shndx]
                into = value - section[3]
                # A symbol made from raw data (as trim_library does) has no size: the data
                # then fills its section.
                return symbol, section[4] + into, st_size or section[5] - into
    raise ValueError("no icudt*_dat symbol")


def read_items(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split ICU common data into its header and its (name, item bytes) entries, in TOC order."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise ValueError("not ICU common data")
    count = struct.unpack_from("<I", blob, header_size)[0]
    toc = [
        struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)
    ]
    starts = [*sorted(header_size + data for _name, data in toc), len(blob)]
    ends = dict(itertools.pairwise(starts))
    items = []
    for name_offset, data_offset in toc:
        start = header_size + name_offset
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        begin = header_size + data_offset
        items.append((name, blob[begin : ends[begin]]))
    return blob[:header_size], items


def write_items(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """ICU common data with ``items`` (kept in the given, sorted order) after ``header``."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _item in items)
    toc_size = 4 + 8 * len(items)
    data_start = _aligned(toc_size + len(names))
    offsets, position = [], data_start
    for _name, item in items:
        offsets.append(position)
        position = _aligned(position + len(item))
    out = bytearray(header)
    out += struct.pack("<I", len(items))
    name_position = toc_size
    for (name, _item), offset in zip(items, offsets, strict=True):
        out += struct.pack("<II", name_position, offset)
        name_position += len(name) + 1
    out += names
    for (_name, item), offset in zip(items, offsets, strict=True):
        out += b"\0" * (len(header) + offset - len(out))
        out += item
    out += b"\0" * (_aligned(len(out)) - len(out))
    return bytes(out)


def _aligned(size: int) -> int:
    return (size + ALIGN - 1) // ALIGN * ALIGN


def trim_library(source: Path, out: Path) -> tuple[int, int]:
    """Write to ``out`` a copy of the ICU data library ``source`` with only the kept items.

    Returns:
        The sizes of the data before and after, in bytes.

    Raises:
        ValueError: ``source`` is not an ICU data library this can read.
        OSError: binutils are missing or failed.
    """
    elf = source.read_bytes()
    machine = struct.unpack_from("<H", elf, 0x12)[0]
    if machine not in ELF_TARGETS:
        raise ValueError(f"unsupported ELF machine {machine}")
    symbol, offset, size = find_common_data(elf)
    header, items = read_items(elf[offset : offset + size])
    trimmed = write_items(header, [(n, item) for n, item in items if keep_item(n)])
    soname = _soname(source)
    _link(trimmed, symbol, soname, ELF_TARGETS[machine], out)
    return size, len(trimmed)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OSError(f"{name} (binutils) is needed to shrink the ICU data")
    return path


def _soname(library: Path) -> str:
    shown = subprocess.run(  # noqa: S603 - binutils on a library of the build
        [_tool("objdump"), "-p", str(library)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"SONAME\s+(\S+)", shown)
    return found.group(1) if found else library.name


def _link(
    data: bytes, symbol: str, soname: str, target: tuple[str, str], out: Path
) -> None:
    output_format, architecture = target
    with tempfile.TemporaryDirectory() as folder:
        blob, obj = Path(folder) / "icudata.bin", Path(folder) / "icudata.o"
        blob.write_bytes(data)
        stem = "_binary_" + re.sub(r"[^A-Za-z0-9]", "_", str(blob))
        subprocess.run(  # noqa: S603 - binutils on files of the build
            [
                _tool("objcopy"), "-I", "binary", "-O", output_format, "-B", architecture,
                "--rename-section", ".data=.rodata,alloc,load,readonly,data,contents",
                "--set-section-alignment", f".data={ALIGN}",
                "--redefine-sym", f"{stem}_start={symbol}",
                "--strip-symbol", f"{stem}_end", "--strip-symbol", f"{stem}_size",
                str(blob), str(obj),
            ],
            check=True, cwd=folder,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [_tool("ld"), "-shared", "-soname", soname, "-z", "noexecstack", "-o", str(out),
             str(obj)],
            check=True,
        )


def main(argv: list[str]) -> int:
    """Trim the library given first into the path given second."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = trim_library(Path(argv[0]), Path(argv[1]))
    print(f"ICU data: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB ({argv[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
