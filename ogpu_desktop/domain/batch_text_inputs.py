"""Turn one .txt or .csv file into text inputs of a batch: each text accepted or refused by line.

Used by :func:`ogpu_desktop.domain.batch_inputs.list_batch_inputs`. A file is read to its end (or
until the batch is full) before any of it is listed, so a file refused whole, for instance for an
unreadable byte near its end, adds nothing but its one refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ogpu_desktop.domain.batch_csv import read_csv_column
from ogpu_desktop.domain.batch_entries import CsvTable, RefusedEntry, TextEntry
from ogpu_desktop.domain.batch_text_files import TextLine, open_text_file
from ogpu_desktop.domain.catalogue import CUSTOM
from ogpu_desktop.domain.input_values import MAX_TEXT_CHARS, parse_custom_input
from ogpu_desktop.errors import ValidationError


@dataclass
class TextFileInputs:
    """What one text file gave.

    Attributes:
        entries: Accepted texts and refused lines, in file order.
        table: For a CSV file, how it was read.
        blank_lines: Empty lines (or empty CSV rows) skipped.
        blank_cells: Empty cells of the chosen CSV column, in rows with other cells, skipped.
        overflow: The first text past ``room`` accepted ones; reading stopped there.
    """

    entries: list[TextEntry | RefusedEntry] = field(default_factory=list)
    table: CsvTable | None = None
    blank_lines: int = 0
    blank_cells: int = 0
    overflow: TextEntry | None = None


def read_text_inputs(
    path: Path,
    name: str,
    *,
    task_type: str,
    csv_file: bool,
    column: str | None,
    header: bool,
    room: int,
) -> TextFileInputs:
    """Read the texts of one file for a batch of ``task_type`` tasks.

    Args:
        path: The file, resolved.
        name: How the user knows it.
        task_type: The task type key (Custom (JSON) reads each text like its Input field).
        csv_file: Read it as CSV (one column) rather than one text per line.
        column: For CSV, the column to read, or ``None`` for the first column of words.
        header: For CSV, whether the first row holds the column names.
        room: How many more texts the batch may accept.

    Raises:
        TextFileError: The file can't be read at all (not UTF-8, binary, no such column…).
    """
    result = TextFileInputs()
    reader = _Reader(result, path, name, task_type, room)
    with open_text_file(path, name) as source:
        if csv_file:
            layout, cells = read_csv_column(source.lines, name, column=column, header=header)
            result.table = CsvTable(
                path=path,
                name=name,
                columns=layout.columns,
                text_columns=layout.text_columns,
                column=layout.column,
                delimiter=layout.delimiter,
                encoding=source.encoding,
                header=layout.header,
            )
            for cell in cells:
                if cell.row_empty:
                    result.blank_lines += 1
                elif cell.problem is None and not cell.text:
                    result.blank_cells += 1
                elif not reader.take(cell.line, cell.text, cell.problem, layout.column):
                    break
        else:
            for line in source.lines:
                text = line.text.strip()
                if not text and not line.cut:
                    result.blank_lines += 1
                elif not reader.take(line.number, text, _cut_problem(line)):
                    break
    return result


def text_problem(text: str, task_type: str) -> str | None:
    """Why ``text`` can't be the input of one ``task_type`` task, or ``None`` when it can."""
    if len(text) > MAX_TEXT_CHARS:
        return (
            f"The text is {len(text):,} characters long; at most {MAX_TEXT_CHARS:,} fit in one "
            "task."
        )
    if task_type == CUSTOM:
        try:
            parse_custom_input(text, "The input", None)
        except ValidationError as exc:
            return exc.message
    return None


class _Reader:
    def __init__(
        self, result: TextFileInputs, path: Path, name: str, task_type: str, room: int
    ) -> None:
        self.result = result
        self.path = path
        self.name = name
        self.task_type = task_type
        self.room = room

    def take(self, line: int, text: str, problem: str | None, column: str | None = None) -> bool:
        """Add one text or its refusal; ``False`` once the batch is full (``overflow`` set)."""
        if problem is None:
            problem = text_problem(text, self.task_type)
        if problem is not None:
            self.result.entries.append(RefusedEntry(self.name, problem, self.path, line))
            return True
        entry = TextEntry(text, self.path, self.name, line, column)
        if self.room <= 0:
            self.result.overflow = entry
            return False
        self.room -= 1
        self.result.entries.append(entry)
        return True


def _cut_problem(line: TextLine) -> str | None:
    if line.cut:
        return f"Line {line.number:,} is over a million characters long: far too long for a task."
    return None
