"""Read one column of texts from a CSV file: separator found, first row as names, every row told.

The separator is found from the first rows (comma, semicolon, tab or bar: whichever splits them
into the same number of cells; one column when none does), or from Excel's ``sep=;`` first line.
The first row holds the column names unless told otherwise. The column used is the one asked for
(by name, in any case, or by number from 1), else the first whose cells are mostly words.

Every row gives a :class:`CsvText`: the cell's text, an empty cell (counted, not refused), or a
problem in plain words with its line, for rows that cannot be read without guessing: a quote
never closed, more cells than names (an unquoted separator inside a text would otherwise cut it),
too few cells. Quoted cells may hold separators, quotes and line breaks; a row is numbered by the
line it starts on.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from ogpu_desktop.domain.batch_text_files import TextFileError, TextLine

SAMPLE_LINES = 200
"""Lines read to find the separator."""
SAMPLE_ROWS = 200
"""Rows read to find which columns hold words."""
_SEPARATORS = (",", ";", "\t", "|")
_MIN_AGREEMENT = 0.5  # share of sampled rows that fit the first row's columns
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
# A character no CSV of texts holds, used as the separator of a one-column file, so that commas
# in its texts stay part of them; quoted cells are still read as quoted.
_NO_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class CsvText:
    """The chosen cell of one row.

    Attributes:
        line: The line the row starts on, from 1.
        text: The cell's text without surrounding spaces (``""`` for an empty cell).
        problem: Why the row cannot be used, in plain words; ``None`` when it can.
        row_empty: The whole row is empty (an empty line), not only the chosen cell.
    """

    line: int
    text: str = ""
    problem: str | None = None
    row_empty: bool = False


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """How the file was read.

    Attributes:
        columns: Column names (from the first row, made unique, or ``"Column 1"``…).
        text_columns: The columns whose sampled cells are mostly words.
        column: The column used.
        delimiter: The separator found (``","`` for a one-column file).
        header: Whether the first row was read as names.
    """

    columns: tuple[str, ...]
    text_columns: tuple[str, ...]
    column: str
    delimiter: str
    header: bool


def read_csv_column(
    lines: Iterator[TextLine], name: str, *, column: str | None, header: bool = True
) -> tuple[CsvLayout, Iterator[CsvText]]:
    """Find the layout of a CSV file and the texts of one column.

    Args:
        lines: The file's lines (see :mod:`ogpu_desktop.domain.batch_text_files`).
        name: How the user knows the file, for messages.
        column: The column to read: a name (exact, then ignoring case and spaces) or a number
            from 1; ``None`` for the first column of words.
        header: Whether the first row holds the column names.

    Returns:
        The layout, and the chosen cell of every row after the names, in order.

    Raises:
        TextFileError: The file holds no rows, or has no such column.
    """
    progress = _Progress()
    sample = list(itertools.islice(lines, SAMPLE_LINES))
    delimiter, skip = _separator(sample)
    if skip:
        sample = sample[1:]
    if sample:
        progress.last = sample[0].number - 1
    reader = csv.reader(
        _row_text(itertools.chain(sample, lines), progress), delimiter=delimiter, strict=True
    )
    rows = _Rows(reader, progress)
    first = rows.first_filled()
    if first is None:
        raise TextFileError(f"“{name}” holds no rows.")
    if first.problem is not None:
        raise TextFileError(f"The first row of “{name}” can't be read. {first.problem}")
    shown_delimiter = "," if delimiter == _NO_SEPARATOR else delimiter
    if header:
        names = _unique_names(first.cells)
        sampled = list(itertools.islice(rows, SAMPLE_ROWS))
        if not any(_is_data(row) for row in sampled):
            listed = ", ".join(f"“{n}”" for n in names)
            raise TextFileError(
                f"“{name}” has column names on line {first.line:,} ({listed}) but no rows of "
                "texts below them."
            )
    else:
        names = tuple(f"Column {i}" for i in range(1, len(first.cells) + 1))
        sampled = [first, *itertools.islice(rows, SAMPLE_ROWS)]
    words = _text_columns(names, sampled)
    index = _pick(names, words, column, name)
    layout = CsvLayout(names, words, names[index], shown_delimiter, header)
    blanks = (CsvText(line, row_empty=True) for line in rows.blank_lines)
    texts = itertools.chain(
        blanks,
        (_cell(row, index, names, shown_delimiter) for row in itertools.chain(sampled, rows)),
    )
    return layout, texts


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: list[str]
    problem: str | None = None


class _Progress:
    """The last line the csv reader took, and the last line that was cut for length."""

    def __init__(self) -> None:
        self.last = 0
        self.last_cut = 0


def _row_text(lines: Iterator[TextLine], progress: _Progress) -> Iterator[str]:
    for line in lines:
        progress.last = line.number
        if line.cut:
            progress.last_cut = line.number
        yield line.text + "\n"


class _Rows:
    """Rows from the csv reader, each with the line it starts on; read errors become problems."""

    def __init__(self, reader: Iterator[list[str]], progress: _Progress) -> None:
        self._reader = reader
        self._progress = progress
        self.blank_lines: list[int] = []
        """Empty rows met before the first row with cells."""

    def __iter__(self) -> Iterator[_Row]:
        return self

    def __next__(self) -> _Row:
        start = self._progress.last + 1
        try:
            cells = next(self._reader)
        except csv.Error as exc:
            return _Row(start, [], _read_problem(str(exc), start, self._progress.last))
        if self._progress.last_cut >= start:
            return _Row(start, [], _too_long(start))
        return _Row(start, cells)

    def first_filled(self) -> _Row | None:
        for row in self:
            if _is_data(row):
                return row
            self.blank_lines.append(row.line)
        return None


def _separator(sample: list[TextLine]) -> tuple[str, bool]:
    """The separator, and whether the first line is Excel's ``sep=`` hint (to skip)."""
    if sample:
        first = sample[0].text.rstrip(" ")  # not strip(): the hint may name a tab
        if len(first) == 5 and first.lower().startswith("sep=") and first[4] in _SEPARATORS:
            return first[4], True
    # The last sampled line may be the start of a row that goes on below; leave it out.
    kept = sample[:-1] if len(sample) == SAMPLE_LINES else sample
    lines = [line.text + "\n" for line in kept]
    best, best_score = _NO_SEPARATOR, (0.0, 0)
    for separator in _SEPARATORS:
        widths = _widths(lines, separator)
        if not widths or widths[0][0] < 2:
            continue  # the first row (the names) must split into columns
        width = widths[0][0]
        rows = widths[1:] or widths
        fitting = sum(1 for total, filled in rows if total >= width >= filled)
        score = (fitting / len(rows), width)
        if score[0] >= _MIN_AGREEMENT and score > best_score:
            best, best_score = separator, score
    return best, False


def _widths(lines: list[str], separator: str) -> list[tuple[int, int]]:
    """Each sampled row's number of cells, and how many of them lead up to the last filled one."""
    reader = csv.reader(lines, delimiter=separator)
    widths: list[tuple[int, int]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return widths
        except csv.Error:
            continue  # a broken row says nothing about the separator
        filled = max((i + 1 for i, cell in enumerate(row) if cell.strip()), default=0)
        if filled:
            widths.append((len(row), filled))


def _unique_names(cells: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        name = " ".join(cell.split()) or f"Column {index}"
        if name.casefold() in seen:
            name = f"{name} (column {index})"
        seen.add(name.casefold())
        names.append(name)
    return tuple(names)


def _is_data(row: _Row) -> bool:
    return row.problem is not None or any(cell.strip() for cell in row.cells)


def _text_columns(names: tuple[str, ...], rows: list[_Row]) -> tuple[str, ...]:
    filled = [0] * len(names)
    wordy = [0] * len(names)
    for row in rows:
        for index, cell in enumerate(row.cells[: len(names)]):
            if cell.strip():
                filled[index] += 1
                wordy[index] += any(char.isalpha() for char in cell)
    return tuple(
        name for name, f, w in zip(names, filled, wordy, strict=True) if f and w * 2 >= f
    )


def _pick(names: tuple[str, ...], words: tuple[str, ...], column: str | None, file: str) -> int:
    if column is None:
        return names.index(words[0]) if words else 0
    wanted = column.strip()
    for matches in (
        lambda n: n == column,
        lambda n: n == wanted,
        lambda n: " ".join(n.split()).casefold() == " ".join(wanted.split()).casefold(),
    ):
        found = [index for index, n in enumerate(names) if matches(n)]
        if found:
            return found[0]
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return int(wanted) - 1
    listed = ", ".join(f"“{n}”" for n in names)
    raise TextFileError(f"“{file}” has no column “{column}”. Its columns: {listed}.")


def _cell(row: _Row, index: int, names: tuple[str, ...], delimiter: str) -> CsvText:
    if row.problem is not None:
        return CsvText(row.line, problem=row.problem)
    cells = row.cells
    if not any(cell.strip() for cell in cells):
        return CsvText(row.line, row_empty=True)
    if index >= len(cells):
        return CsvText(
            row.line,
            problem=(
                f"Line {row.line:,} has {_cells(len(cells))}; the column “{names[index]}” is "
                f"cell {index + 1}."
            ),
        )
    if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
        separator = _SEPARATOR_NAMES.get(delimiter, "separator")
        return CsvText(
            row.line,
            problem=(
                f"Line {row.line:,} has {_cells(len(cells))} but the file names "
                f"{len(names)} columns: a {separator} inside a text needs the text in double "
                "quotes, or the text would be cut."
            ),
        )
    return CsvText(row.line, cells[index].strip())


def _cells(count: int) -> str:
    return f"{count} cell" + ("" if count == 1 else "s")


def _read_problem(message: str, start: int, end: int) -> str:
    lines = f"line {start:,}" if end <= start else f"lines {start:,} to {end:,}"
    if "unexpected end of data" in message:
        return (
            f"A double quote opened on line {start:,} is never closed, so {lines} can't be "
            "read as texts. Close the quote, or remove it."
        )
    if "field larger than field limit" in message:
        return f"A cell on {lines} is longer than {csv.field_size_limit():,} characters."
    if "expected after" in message:
        return (
            f"On {lines}, a double quote ends in the middle of a cell. Inside a quoted text, "
            "write a double quote twice (\"\")."
        )
    return f"{lines[0].upper()}{lines[1:]} can't be read as CSV ({message})."


def _too_long(line: int) -> str:
    return f"Line {line:,} is far too long to be one row (over a million characters)."
