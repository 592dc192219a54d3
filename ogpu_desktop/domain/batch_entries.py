"""The inputs of a batch: images and texts accepted, inputs refused with a reason, and their keys.

A batch is one job over many inputs, one task per accepted input. Listing the paths the user gave
(:func:`ogpu_desktop.domain.batch_inputs.list_batch_inputs`) gives a :class:`BatchListing`: every
input in order, each an :class:`ImageEntry`, a :class:`TextEntry` or a :class:`RefusedEntry`.
Nothing is dropped without a trace: refusals say why in plain words, and what is skipped on
purpose (empty lines, hidden files) is counted.

Every accepted input has a stable :attr:`ImageEntry.key` / :attr:`TextEntry.key`, so that a batch
resumed after a crash, or listed again from the same paths, can tell which inputs were already
published:

- an image: its resolved path, size and modification time (a file edited since is a new input);
- a text: its file's resolved path, its line number and a hash of the text (appending lines to a
  file keeps the keys of the lines before).

Entries are small frozen objects: an image entry keeps only what is needed to read the file again
when it is sent (nothing is decoded or held in memory), so thousands of them cost little.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeAlias

__all__ = [
    "BatchEntry",
    "BatchListing",
    "CsvTable",
    "ImageEntry",
    "InputKind",
    "RefusedEntry",
    "TextEntry",
    "image_key",
    "text_key",
]


class InputKind(StrEnum):
    """What a task type takes as the input that changes from task to task in a batch."""

    IMAGE = "image"
    """Image files: one task per picture (image classification, visual question answering)."""
    TEXT = "text"
    """Texts from .txt lines or a .csv column: one task per text (the other types)."""


def image_key(path: Path, size_bytes: int, mtime_ns: int) -> str:
    """The identity of an image input: ``"image:"`` and a hash of its path, size and time."""
    return "image:" + _digest(str(path), str(size_bytes), str(mtime_ns))


def text_key(path: Path, line: int, text: str) -> str:
    """The identity of a text input: ``"text:"`` and a hash of its file, line number and text."""
    text_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return "text:" + _digest(str(path), str(line), text_hash)


def _digest(*parts: str) -> str:
    joined = "\x00".join(parts).encode("utf-8", "surrogateescape")
    return hashlib.sha256(joined).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class ImageEntry:
    """An image file accepted as one input (only its header was read).

    Attributes:
        path: The file, resolved (absolute, links followed).
        name: What the user sees: the path below the folder it was found in, or the file name.
        size_bytes: The file's size when listed.
        mtime_ns: The file's modification time when listed, in nanoseconds.
        width: Width in pixels, as stored.
        height: Height in pixels, as stored.
        image_format: Pillow's format name (``"JPEG"``, ``"PNG"``…).
    """

    path: Path
    name: str
    size_bytes: int
    mtime_ns: int
    width: int
    height: int
    image_format: str

    @property
    def key(self) -> str:
        """The stable identity of this input (see the module docstring)."""
        return image_key(self.path, self.size_bytes, self.mtime_ns)

    @property
    def label(self) -> str:
        """How the input is named in tables and exports: its :attr:`name`."""
        return self.name


@dataclass(frozen=True, slots=True)
class TextEntry:
    """One text accepted as one input: a line of a .txt file or a cell of a .csv file.

    Attributes:
        text: The text, without surrounding spaces (a CSV cell may hold line breaks, as ``\\n``).
        path: The file it came from, resolved.
        name: The file's name as the user sees it.
        line: The line of the file it starts on, counted from 1.
        column: For a CSV file, the name of the column it came from.
    """

    text: str
    path: Path
    name: str
    line: int
    column: str | None = None

    @property
    def key(self) -> str:
        """The stable identity of this input (see the module docstring)."""
        return text_key(self.path, self.line, self.text)

    @property
    def label(self) -> str:
        """How the input is named in tables and exports: ``"reviews.csv:12"``."""
        return f"{self.name}:{self.line}"


@dataclass(frozen=True, slots=True)
class RefusedEntry:
    """An input that cannot be sent, and why.

    Attributes:
        name: The file or folder as the user sees it.
        reason: Why, and where possible what to do, in plain words.
        path: The file or folder, when there is one.
        line: For a line of a text file, its number (from 1); for a range, its first line.
    """

    name: str
    reason: str
    path: Path | None = None
    line: int | None = None

    @property
    def label(self) -> str:
        """How the input is named in tables and exports: the name, with the line if any."""
        return self.name if self.line is None else f"{self.name}:{self.line}"


BatchEntry: TypeAlias = ImageEntry | TextEntry | RefusedEntry
"""One input of a listing, accepted or refused."""


@dataclass(frozen=True, slots=True)
class CsvTable:
    """How a CSV file was read, so the user can check it and pick another column.

    Attributes:
        path: The file, resolved.
        name: The file's name as the user sees it.
        columns: The column names, from the file's first row (or ``"Column 1"``… without one).
        text_columns: The columns whose cells are mostly words, in file order.
        column: The column the texts were taken from.
        delimiter: The cell separator found (``","``, ``";"``, ``"\\t"`` or ``"|"``).
        encoding: ``"UTF-8"``, ``"UTF-8 with BOM"``, ``"UTF-16"`` or ``"UTF-32"``.
        header: Whether the first row was read as column names.
    """

    path: Path
    name: str
    columns: tuple[str, ...]
    text_columns: tuple[str, ...]
    column: str
    delimiter: str
    encoding: str
    header: bool = True


@dataclass(frozen=True)
class BatchListing:
    """Every input of a batch, in order, with what was skipped on purpose.

    Attributes:
        task_type: Key of the task type the inputs were listed for.
        entries: Accepted and refused inputs in the order found: paths as given, folders walked
            depth first in name order, files line by line.
        tables: How each CSV file was read (columns, the one used), in the order found.
        blank_lines: Empty lines of text files, and empty rows of CSV files, skipped.
        blank_cells: Empty cells of the chosen CSV column in rows that have other cells, skipped.
        hidden_skipped: Hidden files and folders inside the folders given, left out.
        limit_reached: Listing stopped at the most inputs a batch may hold; the last entry is a
            refusal saying so.
    """

    task_type: str
    entries: tuple[BatchEntry, ...]
    tables: tuple[CsvTable, ...] = ()
    blank_lines: int = 0
    blank_cells: int = 0
    hidden_skipped: int = 0
    limit_reached: bool = False
    _accepted: tuple[ImageEntry | TextEntry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        accepted = tuple(e for e in self.entries if not isinstance(e, RefusedEntry))
        object.__setattr__(self, "_accepted", accepted)

    @property
    def accepted(self) -> tuple[ImageEntry | TextEntry, ...]:
        """The inputs that become tasks, in order."""
        return self._accepted

    @property
    def refused(self) -> tuple[RefusedEntry, ...]:
        """The inputs left out, in order."""
        return tuple(e for e in self.entries if isinstance(e, RefusedEntry))

    def unpublished(self, published: Collection[str]) -> tuple[ImageEntry | TextEntry, ...]:
        """The accepted inputs whose key is not in ``published``, in order.

        A batch resumed after a crash or a quit, or run again over the same paths, publishes
        only these: ``published`` holds the keys the journal recorded with a task.
        """
        return tuple(e for e in self._accepted if e.key not in published)

    def summary(self) -> str:
        """One plain sentence: how many tasks, what was refused and skipped.

        For example ``"1,998 inputs ready, 2 refused; 12 empty lines and 1 empty cell skipped."``
        """
        ready = len(self.accepted)
        refused = len(self.entries) - ready
        text = f"{ready:,} input{'' if ready == 1 else 's'} ready"
        if refused:
            text += f", {refused:,} refused"
        skipped = [
            _count(self.blank_lines, "empty line", "empty lines"),
            _count(self.blank_cells, "empty cell", "empty cells"),
            _count(self.hidden_skipped, "hidden file or folder", "hidden files or folders"),
        ]
        skipped = [part for part in skipped if part]
        if skipped:
            listed = ", ".join(skipped[:-1]) + " and " + skipped[-1] if skipped[1:] else skipped[0]
            text += f"; {listed} skipped"
        return text + "."


def _count(count: int, one: str, many: str) -> str:
    if not count:
        return ""
    return f"{count:,} {one if count == 1 else many}"
