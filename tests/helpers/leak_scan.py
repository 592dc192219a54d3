"""Searching files, logs and reprs for a private key in hex (any case, 0x or not) or base64."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{40,}={0,2}")


@dataclass(frozen=True)
class Hit:
    """Where a key was found and in which form."""

    where: str
    form: str


def find_key(data: bytes, key: bytes) -> list[str]:
    """Return the forms in which ``key`` occurs in ``data`` (empty when it does not)."""
    forms = []
    key_hex = key.hex().encode()
    if key_hex in data.lower():
        forms.append("hex")
    if key in data:
        forms.append("raw bytes")
    for run in _BASE64_RUN.findall(data):
        decoded = _decode_all_alignments(run)
        if any(key in chunk for chunk in decoded):
            forms.append("base64 of the key bytes")
        if any(key_hex in chunk.lower() for chunk in decoded):
            forms.append("base64 of the key hex")
    return forms


def _decode_all_alignments(run: bytes) -> list[bytes]:
    # A key embedded in a longer base64 text starts at any of 4 character offsets.
    standard = run.rstrip(b"=").replace(b"-", b"+").replace(b"_", b"/")
    decoded = []
    for offset in range(4):
        part = standard[offset:]
        extra = len(part) % 4
        part = part[:-1] if extra == 1 else part + b"=" * ((4 - extra) % 4)
        try:
            decoded.append(base64.b64decode(part, validate=True))
        except (binascii.Error, ValueError):
            continue
    return decoded


def files_under(roots: Iterable[Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Every regular file under ``roots`` (each once, symlinks not followed), minus ``exclude``."""
    skipped = {path.resolve() for path in exclude}
    found: dict[Path, None] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file() or path.resolve() in skipped:
                continue
            found.setdefault(path.resolve())
    return list(found)


def scan_files(
    roots: Iterable[Path], keys: Iterable[bytes], exclude: Iterable[Path] = ()
) -> list[Hit]:
    """Search every regular file under ``roots`` (but those in ``exclude``) for every key."""
    keys = list(keys)
    hits = []
    for path in files_under(roots, exclude):
        data = path.read_bytes()
        hits += [Hit(str(path), form) for key in keys for form in find_key(data, key)]
    return hits


def scan_texts(texts: Iterable[tuple[str, str]], keys: Iterable[bytes]) -> list[Hit]:
    """Search ``(where, text)`` pairs, such as captured log lines, for every key."""
    keys = list(keys)
    hits = []
    for where, text in texts:
        data = text.encode("utf-8", "surrogateescape")
        hits += [Hit(where, form) for key in keys for form in find_key(data, key)]
    return hits


def describe(value: object) -> list[str]:
    """The repr and str of ``value``; for an exception, also of everything chained to it."""
    texts = [repr(value), str(value)]
    if isinstance(value, BaseException):
        texts += [repr(arg) for arg in value.args]
        for linked in (value.__cause__, value.__context__):
            if linked is not None:
                texts += describe(linked)
    return texts


def scan_objects(values: Iterable[object], keys: Iterable[bytes]) -> list[Hit]:
    """Search the reprs and strs of ``values`` (and chained exceptions) for every key."""
    keys = list(keys)
    hits = []
    for value in values:
        for text in describe(value):
            data = text.encode("utf-8", "surrogateescape")
            hits += [
                Hit(f"{type(value).__name__}: {text[:60]}", form)
                for key in keys
                for form in find_key(data, key)
            ]
    return hits
