"""List the inputs of a batch from the paths the user dropped or named: accepted, or refused why.

Usage (services run it in an executor; the window and the command show the result)::

    listing = list_batch_inputs(["~/photos", "extra.png"], "image-classification")
    listing.accepted        # (ImageEntry(name="photos/cat 1.jpg", ...), ...) -> one task each
    listing.refused         # (RefusedEntry(name="photos/notes.pdf", reason="This is a PDF..."),)
    listing.summary()       # "211 inputs ready, 3 refused; 2 hidden files or folders skipped."

    listing = list_batch_inputs(["reviews.csv"], "text-classification", column="review")
    listing.tables[0].columns   # ("id", "review", "stars"): offer them when the user may pick

What a task type takes (:func:`input_kind`): image files for image classification and visual
question answering (the question is a setting shared by every task), texts for the others; the
Custom (JSON) type takes texts, each read like its Input field (``{...}`` is a JSON object).

- Folders are walked depth first, entries in natural name order ("img2" before "img10"), not
  entering hidden folders; hidden files are left out and counted. Links are followed, each folder
  entered once. A file reached twice is listed once; the second time is a refusal that says so.
- Image files are checked from their header (:mod:`ogpu_desktop.domain.image_probe`); nothing is
  decoded, so thousands of photos list quickly in little memory.
- ``.txt`` files give one text per line; ``.csv`` and ``.tsv`` files one text per row, from one
  column (:mod:`ogpu_desktop.domain.batch_csv`). Empty lines and cells are skipped and counted.
- Anything that cannot be used is a :class:`RefusedEntry` with the reason in plain words: a file
  that is not an image, is empty, too large, unreadable or damaged, a type the task type does not
  take, a CSV without the chosen column, a text file not in UTF-8, a text too long for a task…
- At most ``max_inputs`` inputs are accepted; listing stops there with a refusal saying so.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ogpu_desktop.domain.batch_entries import (
    BatchEntry,
    BatchListing,
    CsvTable,
    ImageEntry,
    InputKind,
    RefusedEntry,
    TextEntry,
)
from ogpu_desktop.domain.batch_text_files import TextFileError
from ogpu_desktop.domain.batch_text_inputs import read_text_inputs
from ogpu_desktop.domain.catalogue import FieldKind, FieldRole, TaskTypeSpec, get_task_type
from ogpu_desktop.domain.image_decoding import ImageError
from ogpu_desktop.domain.image_probe import probe_image_file
from ogpu_desktop.domain.images import DEFAULT_OPTIONS, EncodeOptions

MAX_BATCH_INPUTS = 10_000
"""Most inputs one batch accepts."""
TEXT_SUFFIXES = frozenset({".txt", ".text"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif",
     ".heic", ".heif"}
)
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})
_PROGRESS_EVERY = 200
_FILE_ATTRIBUTE_HIDDEN = 0x2  # Windows' hidden flag
_DIGITS = re.compile(r"(\d+)")

ProgressCallback = Callable[[int], None]
"""Called with the number of inputs listed so far; whatever it raises stops the listing."""


def input_kind(task_type: str | TaskTypeSpec) -> InputKind:
    """What a task type takes as the input that changes from task to task in a batch."""
    spec = _spec(task_type)
    images = any(
        f.kind is FieldKind.IMAGE for f in spec.fields_with_role(FieldRole.INPUT)
    )
    return InputKind.IMAGE if images else InputKind.TEXT


def list_batch_inputs(
    paths: Iterable[str | os.PathLike[str]],
    task_type: str | TaskTypeSpec,
    *,
    column: str | None = None,
    header: bool = True,
    image_options: EncodeOptions = DEFAULT_OPTIONS,
    max_inputs: int = MAX_BATCH_INPUTS,
    progress: ProgressCallback | None = None,
) -> BatchListing:
    """List every input found in ``paths`` for a batch of ``task_type`` tasks.

    Args:
        paths: Folders, image files, ``.txt`` and ``.csv`` files, in the order the user gave them.
            A leading ``~`` is the home folder.
        task_type: A task type key of the catalogue, or its spec.
        column: For CSV files, the column to read (a name, or a number from 1); ``None`` takes
            each file's first column of words.
        header: Whether the first row of a CSV file holds column names.
        image_options: The limits the images will be encoded with.
        max_inputs: Most inputs accepted; listing stops after that.
        progress: Called now and then with the number of inputs listed so far (from the thread
            listing). An exception it raises stops the listing and comes out of this call, so it
            can serve to cancel.

    Returns:
        Every input in order, accepted or refused, with what was skipped on purpose.

    Raises:
        ValueError: ``max_inputs`` is below 1 (a programming error).
        KeyError: ``task_type`` is not in the catalogue (a programming error).
    """
    if max_inputs < 1:
        raise ValueError("max_inputs must be at least 1")
    spec = _spec(task_type)
    lister = _Lister(
        spec=spec,
        kind=input_kind(spec),
        column=column,
        header=header,
        image_options=image_options,
        max_inputs=max_inputs,
        progress=progress,
    )
    try:
        for given in paths:
            lister.add_given(Path(given).expanduser())
    except _BatchFullError:
        pass
    return lister.listing()


class _BatchFullError(Exception):
    """The batch holds as many inputs as it may; listing stops."""


class _Lister:
    def __init__(
        self,
        *,
        spec: TaskTypeSpec,
        kind: InputKind,
        column: str | None,
        header: bool,
        image_options: EncodeOptions,
        max_inputs: int,
        progress: ProgressCallback | None,
    ) -> None:
        self.spec = spec
        self.kind = kind
        self.column = column
        self.header = header
        self.image_options = image_options
        self.max_inputs = max_inputs
        self.progress = progress
        self.entries: list[BatchEntry] = []
        self.tables: list[CsvTable] = []
        self.accepted = 0
        self.blank_lines = 0
        self.blank_cells = 0
        self.hidden = 0
        self.limit_reached = False
        self.seen_files: dict[Path, str] = {}
        self.seen_folders: set[tuple[int, int]] = set()
        self._reported = 0

    def listing(self) -> BatchListing:
        if self.progress is not None:
            self.progress(len(self.entries))
        return BatchListing(
            task_type=self.spec.key,
            entries=tuple(self.entries),
            tables=tuple(self.tables),
            blank_lines=self.blank_lines,
            blank_cells=self.blank_cells,
            hidden_skipped=self.hidden,
            limit_reached=self.limit_reached,
        )

    # -- adding entries ----------------------------------------------------------------------

    def add(self, entry: BatchEntry) -> None:
        if not isinstance(entry, RefusedEntry):
            if self.accepted >= self.max_inputs:
                self.limit_reached = True
                self.entries.append(
                    RefusedEntry(
                        entry.name,
                        f"A batch holds at most {self.max_inputs:,} inputs, so this one and any "
                        "after it were not listed. Put them in another batch.",
                        entry.path,
                        entry.line if isinstance(entry, TextEntry) else None,
                    )
                )
                raise _BatchFullError
            self.accepted += 1
        self.entries.append(entry)
        if self.progress is not None and len(self.entries) - self._reported >= _PROGRESS_EVERY:
            self._reported = len(self.entries)
            self.progress(self._reported)

    def refuse(self, name: str, reason: str, path: Path | None) -> None:
        self.add(RefusedEntry(name, reason, path))

    # -- paths ---------------------------------------------------------------------------------

    def add_given(self, path: Path) -> None:
        name = path.name or str(path)
        try:
            info = path.stat()
        except FileNotFoundError:
            self.refuse(name, f"There is no file or folder “{name}” (moved or deleted?).", path)
            return
        except OSError as exc:
            self.refuse(name, f"“{name}” can't be read ({exc.strerror or 'error'}).", path)
            return
        except ValueError:  # a NUL character, which no file name can hold
            self.refuse(repr(str(path)), "That is not a valid file name.", None)
            return
        if stat.S_ISDIR(info.st_mode):
            before = len(self.entries)
            self.add_folder(path, name, info)
            if len(self.entries) == before:
                self.refuse(
                    name,
                    f"The folder “{name}” holds no files (hidden files are left out).",
                    path,
                )
        else:
            self.add_file(path, name, info)

    def add_folder(self, folder: Path, name: str, info: os.stat_result) -> None:
        # Depth first with a stack of its own: folders may nest deeper than Python recurses.
        pending = [self._children(folder, name, info)]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                continue
            child, child_name = step
            try:
                child_info = child.stat()
            except OSError:
                self.refuse(child_name, f"“{child.name}” can't be read (a broken link?).", None)
                continue
            if _hidden(child.name, child_info):
                self.hidden += 1
            elif stat.S_ISDIR(child_info.st_mode):
                pending.append(self._children(Path(child.path), child_name, child_info))
            else:
                self.add_file(Path(child.path), child_name, child_info)

    def _children(
        self, folder: Path, name: str, info: os.stat_result
    ) -> Iterator[tuple[os.DirEntry[str], str]]:
        """A folder's entries in natural name order, each with its name as shown; once only."""
        identity = (info.st_dev, info.st_ino)
        if identity in self.seen_folders:
            return iter(())  # reached again through a link: its files are listed already
        self.seen_folders.add(identity)
        try:
            with os.scandir(folder) as scan:
                children = sorted(scan, key=lambda child: _natural(child.name))
        except PermissionError:
            self.refuse(name, f"The folder “{name}” can't be opened: permission denied.", folder)
            return iter(())
        except OSError as exc:
            self.refuse(name, f"The folder “{name}” can't be read ({exc.strerror}).", folder)
            return iter(())
        return ((child, f"{name}/{child.name}") for child in children)

    def add_file(self, path: Path, name: str, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            self.refuse(name, f"“{name}” is not a regular file (a device or a pipe?).", path)
            return
        try:
            resolved = path.resolve()
        except OSError:
            resolved = path.absolute()
        first = self.seen_files.get(resolved)
        if first is not None:
            self.refuse(name, f"Already in the batch (the same file as “{first}”).", resolved)
            return
        self.seen_files[resolved] = name
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_SUFFIXES:
            self.refuse(
                name,
                "Spreadsheets can't be read directly. Save the sheet as CSV (in Excel: "
                "File > Save As > CSV UTF-8), then add the .csv file.",
                resolved,
            )
        elif suffix in TEXT_SUFFIXES or suffix in CSV_SUFFIXES:
            if self.kind is InputKind.IMAGE:
                self.refuse(name, self._wants_images(f"“{name}” holds texts"), resolved)
            else:
                self.add_text_file(resolved, name, csv_file=suffix in CSV_SUFFIXES)
        elif self.kind is InputKind.IMAGE:
            self.add_image(resolved, name)
        elif suffix in IMAGE_SUFFIXES:
            self.refuse(
                name,
                f"“{name}” is an image, but {self.spec.title} takes texts: add .txt files (one "
                "text per line) or .csv files (one text per row).",
                resolved,
            )
        else:
            self.refuse(
                name,
                f"“{name}” is not a .txt or .csv file. {self.spec.title} reads texts from .txt "
                "files (one per line) or .csv files (one column).",
                resolved,
            )

    def _wants_images(self, what: str) -> str:
        return f"{what}, but {self.spec.title} takes images: add image files or folders."

    def add_image(self, path: Path, name: str) -> None:
        try:
            probed = probe_image_file(path, self.image_options)
        except ImageError as exc:
            self.refuse(name, exc.message, path)
            return
        self.add(
            ImageEntry(
                path=path,
                name=name,
                size_bytes=probed.size_bytes,
                mtime_ns=probed.mtime_ns,
                width=probed.width,
                height=probed.height,
                image_format=probed.image_format,
            )
        )

    # -- text files ----------------------------------------------------------------------------

    def add_text_file(self, path: Path, name: str, *, csv_file: bool) -> None:
        try:
            read = read_text_inputs(
                path,
                name,
                task_type=self.spec.key,
                csv_file=csv_file,
                column=self.column,
                header=self.header,
                room=self.max_inputs - self.accepted,
            )
        except TextFileError as exc:
            self.refuse(name, exc.message, path)
            return
        if read.table is not None:
            self.tables.append(read.table)
        self.blank_lines += read.blank_lines
        self.blank_cells += read.blank_cells
        for entry in read.entries:
            self.add(entry)
        if read.overflow is not None:
            self.add(read.overflow)  # past the limit: refused with the reason, and listing stops


def _spec(task_type: str | TaskTypeSpec) -> TaskTypeSpec:
    return task_type if isinstance(task_type, TaskTypeSpec) else get_task_type(task_type)


def _natural(name: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """Sort key: digits by value ("img2" before "img10"), letters ignoring case, then exact."""
    parts = _DIGITS.split(name.casefold())
    key = tuple((1, int(part)) if part.isdigit() else (0, part) for part in parts if part)
    return key, name


def _hidden(name: str, info: os.stat_result) -> bool:
    return name.startswith(".") or bool(
        getattr(info, "st_file_attributes", 0) & _FILE_ATTRIBUTE_HIDDEN
    )

