"""Read the user's text files line by line: encoding from the BOM, any line ending, bounded memory.

Files are read as UTF-8 (with or without a byte-order mark), or as UTF-16/UTF-32 when a BOM says
so. Anything else is refused in plain words with the line holding the first unreadable bytes,
rather than guessed: a guessed encoding silently changes letters, and the texts become public
tasks. Lines end at ``\\r\\n``, ``\\n`` or a lone ``\\r`` (old Mac exports), and are numbered
from 1 as an editor numbers them. Memory stays bounded whatever the file holds: it is read in
chunks, and a line longer than :data:`MAX_LINE_CHARS` is cut there and marked.

Usage::

    with open_text_file(path, "reviews.txt") as source:
        for line in source.lines:       # TextLine(number=1, text="Great!", cut=False)
            ...
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ogpu_desktop.domain.sizes import human_size
from ogpu_desktop.errors import UserFacingError

MAX_TEXT_FILE_BYTES = 200_000_000
"""Largest text or CSV file read."""
MAX_LINE_CHARS = 1_000_000
"""Longest line kept in memory; longer lines are cut here and marked."""
_CHUNK_BYTES = 1 << 16
_SNIFF_BYTES = 8192
_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")
_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_BINARY_KINDS = (
    (b"PK\x03\x04", "a ZIP archive or an office document (an Excel or Word file?)"),
    (b"\xd0\xcf\x11\xe0", "an old-style office document (an Excel or Word file?)"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
)
SAVE_AS_UTF8 = "Save it as UTF-8 text (in Excel: File > Save As > CSV UTF-8) and add it again."


class TextFileError(UserFacingError):
    """A text file that cannot be read at all, with the reason in plain words."""


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a text file.

    Attributes:
        number: Its line number, from 1.
        text: The line without its line ending; at most :data:`MAX_LINE_CHARS` + 1 characters.
        cut: The line was longer than :data:`MAX_LINE_CHARS` and was cut.
    """

    number: int
    text: str
    cut: bool = False


@dataclass
class TextSource:
    """An open text file: its encoding and its lines, read lazily.

    Attributes:
        encoding: ``"UTF-8"``, ``"UTF-8 with BOM"``, ``"UTF-16"`` or ``"UTF-32"``, for the user.
        lines: The lines, in order. Iterating may raise :class:`TextFileError` when unreadable
            bytes are met; lines already given stay valid, but the file should be refused whole.
    """

    encoding: str
    lines: Iterator[TextLine]


@contextmanager
def open_text_file(path: str | os.PathLike[str], name: str) -> Iterator[TextSource]:
    """Open a text file for reading line by line.

    Args:
        path: The file.
        name: How the user knows the file, for messages.

    Raises:
        TextFileError: Missing, unreadable, empty, too large, or binary (an office document, a
            PDF, an image…), named when recognisable.
    """
    try:
        with Path(path).open("rb") as handle:
            yield _source(handle, name)
    except FileNotFoundError:
        raise TextFileError(f"There is no file “{name}” any more.") from None
    except PermissionError:
        raise TextFileError(f"“{name}” can't be opened: permission denied.") from None
    except OSError as exc:
        raise TextFileError(f"“{name}” can't be read ({exc.strerror or 'read error'}).") from None


def _source(handle: BinaryIO, name: str) -> TextSource:
    size = os.fstat(handle.fileno()).st_size
    if size == 0:
        raise TextFileError(f"“{name}” is empty (0 bytes).")
    if size > MAX_TEXT_FILE_BYTES:
        raise TextFileError(
            f"“{name}” is {human_size(size)}; text files up to "
            f"{human_size(MAX_TEXT_FILE_BYTES)} can be read. Split it into smaller files."
        )
    head = handle.read(_SNIFF_BYTES)
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            handle.seek(len(bom))
            return TextSource(label, _lines(handle, codec, name))
    if b"\x00" in head:
        kind = next((k for sig, k in _BINARY_KINDS if head.startswith(sig)), "binary data")
        raise TextFileError(f"“{name}” is {kind}, not text. {SAVE_AS_UTF8}")
    handle.seek(0)
    return TextSource("UTF-8", _lines(handle, "utf-8", name))


def _lines(handle: BinaryIO, codec: str, name: str) -> Iterator[TextLine]:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    done = 0  # lines given so far
    pending: list[str] = []  # the start of the current line, across chunks
    pending_chars = 0
    cut = False
    held = ""  # a final "\r" that may be the start of "\r\n" in the next chunk
    while True:
        chunk = handle.read(_CHUNK_BYTES)
        final = not chunk
        buffered = len(decoder.getstate()[0])
        try:
            text = held + decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            before = chunk[: max(0, exc.start - buffered)]
            line = done + 1 + len(_BYTE_BREAK.findall(before))
            raise TextFileError(_undecodable(name, codec, line)) from None
        held = ""
        if not final and text.endswith("\r"):
            text, held = text[:-1], "\r"
        start = 0
        for match in _BREAK.finditer(text):
            piece = text[start : match.start()]
            if pending:
                pending.append(piece)
                piece = "".join(pending)
                pending, pending_chars = [], 0
            done += 1
            if len(piece) > MAX_LINE_CHARS:
                piece, cut = piece[: MAX_LINE_CHARS + 1], True
            yield TextLine(done, piece, cut)
            cut = False
            start = match.end()
        rest = text[start:]
        if rest and not cut:
            pending.append(rest)
            pending_chars += len(rest)
            if pending_chars > MAX_LINE_CHARS:
                # Keep the start of an endless line and drop the rest until it ends.
                kept = "".join(pending)[: MAX_LINE_CHARS + 1]
                pending, pending_chars, cut = [kept], len(kept), True
        if final:
            if pending or cut:
                yield TextLine(done + 1, "".join(pending), cut)
            return


def _undecodable(name: str, codec: str, line: int) -> str:
    if codec == "utf-8":
        return (
            f"“{name}” is not saved as UTF-8 text: line {line:,} holds bytes that can't be read "
            f"as UTF-8 (the file may be in an older Windows or Mac encoding). {SAVE_AS_UTF8}"
        )
    encoding = codec.rsplit("-", maxsplit=1)[0].upper()
    return (
        f"“{name}” starts with a {encoding} mark but holds bytes that are not valid in that "
        f"encoding (near line {line:,}). {SAVE_AS_UTF8}"
    )
