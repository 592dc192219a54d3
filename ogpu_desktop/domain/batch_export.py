"""Export a batch: one CSV row or JSON item per input, refused inputs included, safe to open.

The CSV has the columns :data:`CSV_COLUMNS` (``input, status, task, headline, score, error``):

- ``input``: the file name for an image (``photos/cat.jpg``), ``file:line`` for a text
  (``reviews.csv:12``);
- ``status``: a :class:`BatchItemStatus` value; refused inputs are ``refused``, with no task and
  the reason in ``error``;
- ``task``: the task's address once published;
- ``headline`` and ``score``: from :func:`ogpu_desktop.domain.batch_headlines.result_headline`
  (``score`` is the top score with 4 decimals, empty when the answer has none);
- ``error``: why the input was refused, could not be published, or what the provider reported.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, or their full-width forms) get a leading apostrophe, unless they are plain
numbers: results come from strangers and inputs from anywhere. Write the CSV to a file opened with
``encoding=CSV_ENCODING, newline=""`` (Excel reads UTF-8 only with a byte-order mark).

The JSON export holds the same, with the input's file, line, column and text beside each result,
the score as a number and the result itself (the received JSON, as the "JSON output" toggle
shows it). Both writers stream row by row, so a batch of thousands costs little memory.

Usage (services, after reading the batch's rows from the history)::

    with open(out, "w", encoding=CSV_ENCODING, newline="") as stream:
        write_batch_csv(rows, stream)
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from ogpu_desktop.domain.batch_entries import (
    BatchEntry,
    BatchListing,
    ImageEntry,
    RefusedEntry,
    TextEntry,
)
from ogpu_desktop.domain.batch_headlines import result_headline
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.domain.result_views import ResultView

CSV_COLUMNS = ("input", "status", "task", "headline", "score", "error")
"""The columns of a batch's CSV export, in order."""
TEXT_COLUMN = "text"
"""The optional last column holding each text input itself."""
CSV_ENCODING = "utf-8-sig"
"""The encoding to write the CSV with: UTF-8 with the byte-order mark spreadsheets look for."""
JSON_FORMAT = "ogpu-desktop-batch/1"
"""The ``format`` field of the JSON export."""

_FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class BatchResultRow:
    """Everything known about one input of a batch, for its table row and exports.

    Attributes:
        entry: The input (a :class:`RefusedEntry` is always exported as refused).
        status: Where it stands.
        task: The task's address once published.
        view: The task's normalised result, once there is one.
        error: Why it was refused or failed (a refused entry's reason is used when this is
            ``None``; a provider's failure message comes from ``view``).
    """

    entry: BatchEntry
    status: BatchItemStatus
    task: str | None = None
    view: ResultView | None = None
    error: str | None = None


def listing_rows(listing: BatchListing) -> list[BatchResultRow]:
    """The rows of a batch before anything is published: refused, or pending."""
    return [
        BatchResultRow(
            entry,
            BatchItemStatus.REFUSED
            if isinstance(entry, RefusedEntry)
            else BatchItemStatus.PENDING,
        )
        for entry in listing.entries
    ]


def export_cells(row: BatchResultRow) -> tuple[str, str, str, str, str, str]:
    """The CSV cells of one row, in :data:`CSV_COLUMNS` order, before spreadsheet escaping."""
    if isinstance(row.entry, RefusedEntry):
        reason = row.error or row.entry.reason
        return (row.entry.label, BatchItemStatus.REFUSED.value, "", "", "", reason)
    headline = result_headline(row.view)
    error = row.error or (headline.text if headline.failed else "")
    return (
        row.entry.label,
        row.status.value,
        row.task or "",
        headline.text,
        headline.score_text,
        error,
    )


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Plain numbers (``-0.25``, ``+3``) are left as they are: they are not formulas. NUL
    characters, which some spreadsheets stop reading at, are removed.
    """
    cell = cell.replace("\x00", "")
    if cell and cell[0] in _FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def write_batch_csv(
    rows: Iterable[BatchResultRow], out: TextIO, *, include_text: bool = False
) -> int:
    """Write the CSV export of a batch (header first) to ``out``.

    Args:
        rows: The batch's rows, in input order.
        out: A text stream opened with ``newline=""`` (see the module docstring).
        include_text: Add a last column, :data:`TEXT_COLUMN`, with each text input itself.

    Returns:
        The number of rows written, without the header.
    """
    writer = csv.writer(out)
    writer.writerow((*CSV_COLUMNS, TEXT_COLUMN) if include_text else CSV_COLUMNS)
    count = 0
    for row in rows:
        cells: tuple[str, ...] = export_cells(row)
        if include_text:
            cells = (*cells, row.entry.text if isinstance(row.entry, TextEntry) else "")
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        count += 1
    return count


def json_item(row: BatchResultRow) -> dict[str, Any]:
    """The JSON export item of one row (plain JSON values only)."""
    entry = row.entry
    cells = export_cells(row)
    headline = result_headline(row.view)
    item: dict[str, Any] = {
        "input": cells[0],
        "kind": _kind(entry),
        "file": entry.name,
        "line": entry.line if isinstance(entry, TextEntry | RefusedEntry) else None,
        "status": cells[1],
        "task": cells[2] or None,
        "headline": cells[3],
        "score": None if isinstance(entry, RefusedEntry) else headline.score,
        "error": cells[5] or None,
    }
    if isinstance(entry, TextEntry):
        item["column"] = entry.column
        item["text"] = entry.text
    result, truncated = _result(row.view)
    item["result"] = result
    item["result_truncated"] = truncated
    return item


def write_batch_json(rows: Iterable[BatchResultRow], out: TextIO, *, task_type: str) -> int:
    """Write the JSON export of a batch to ``out``: ``{"format", "task_type", "items": [...]}``.

    Args:
        rows: The batch's rows, in input order.
        out: A text stream (UTF-8).
        task_type: The batch's task type key.

    Returns:
        The number of items written.
    """
    out.write('{"format": ' + json.dumps(JSON_FORMAT) + ', "task_type": ')
    out.write(json.dumps(task_type, ensure_ascii=False) + ', "items": [')
    count = 0
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(json_item(row), ensure_ascii=False, allow_nan=False))
        count += 1
    out.write("\n]}\n")
    return count


def _kind(entry: BatchEntry) -> str | None:
    if isinstance(entry, ImageEntry):
        return "image"
    if isinstance(entry, TextEntry):
        return "text"
    return None


def _result(view: ResultView | None) -> tuple[Any, bool]:
    if view is None:
        return None, False
    raw = view.raw_json
    try:
        value = loads_bounded(raw)
        if "NaN" in raw or "Infinity" in raw:
            json.dumps(value, allow_nan=False)  # a stranger's NaN is not JSON: keep it as text
    except ValueError:  # cut for display, so no longer JSON: kept as text
        return raw, True
    return value, view.truncated
