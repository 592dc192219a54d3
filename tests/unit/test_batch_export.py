"""Batch exports: CSV columns, refused inputs, spreadsheet-safe cells, JSON beside each input."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.batch_entries import ImageEntry, RefusedEntry, TextEntry
from ogpu_desktop.domain.batch_export import (
    CSV_COLUMNS,
    CSV_ENCODING,
    JSON_FORMAT,
    TEXT_COLUMN,
    BatchResultRow,
    export_cells,
    listing_rows,
    spreadsheet_safe,
    write_batch_csv,
    write_batch_json,
)
from ogpu_desktop.domain.batch_inputs import list_batch_inputs
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.domain.result_views import ResultView, ResultViewBase, ViewKind
from ogpu_desktop.domain.results import normalise
from tests.helpers.batch_files import image_folder, refusal_files, reviews_csv

TASK = "0x" + "ab" * 20
IMAGE = ImageEntry(Path("/p/cat.jpg"), "photos/cat.jpg", 10, 1, 64, 48, "JPEG")
TEXT = TextEntry("=cmd|' /C calc'!A0", Path("/p/r.csv"), "r.csv", 12, "review")


def csv_rows(rows: list[BatchResultRow], **options: bool) -> list[list[str]]:
    stream = io.StringIO(newline="")
    write_batch_csv(rows, stream, **options)
    return list(csv.reader(io.StringIO(stream.getvalue(), newline="")))


def test_header_and_every_kind_of_row() -> None:
    rows = [
        BatchResultRow(
            IMAGE, BatchItemStatus.FINISHED, TASK,
            normalise([{"label": "tabby cat", "score": 0.91}, {"label": "dog", "score": 0.09}]),
        ),
        BatchResultRow(TEXT, BatchItemStatus.WAITING, TASK),
        BatchResultRow(
            RefusedEntry("photos/notes.jpg", "This is a text file, not an image.", None),
            BatchItemStatus.REFUSED,
        ),
        BatchResultRow(RefusedEntry("r.csv", "Line 7 has 4 cells…", None, 7),
                       BatchItemStatus.PENDING, TASK),
        BatchResultRow(IMAGE, BatchItemStatus.FAILED, None, None, "The vault holds too little."),
        BatchResultRow(IMAGE, BatchItemStatus.PENDING),
    ]

    table = csv_rows(rows)

    assert table[0] == list(CSV_COLUMNS) == ["input", "status", "task", "headline", "score",
                                             "error"]
    assert table[1:] == [
        ["photos/cat.jpg", "finished", TASK, "tabby cat 91.0%", "0.9100", ""],
        ["r.csv:12", "waiting", TASK, "", "", ""],
        ["photos/notes.jpg", "refused", "", "", "", "This is a text file, not an image."],
        # A refused input is exported as refused, with no task, whatever the row says.
        ["r.csv:7", "refused", "", "", "", "Line 7 has 4 cells…"],
        ["photos/cat.jpg", "failed", "", "", "", "The vault holds too little."],
        ["photos/cat.jpg", "pending", "", "", "", ""],
    ]


@dataclass(frozen=True, kw_only=True)
class _FailureView(ResultViewBase):
    """A view kind the export does not know, carrying a provider's message."""

    kind: ClassVar[ViewKind] = ViewKind.RAW_JSON
    message: str = ""


def test_a_providers_failure_message_goes_to_the_error_column() -> None:
    view = cast(ResultView, _FailureView(raw_json="null", message="CUDA out of memory"))

    cells = export_cells(BatchResultRow(IMAGE, BatchItemStatus.FAILED, TASK, view))

    assert cells == (
        "photos/cat.jpg", "failed", TASK, "CUDA out of memory", "", "CUDA out of memory"
    )


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("-0.25", "-0.25"),
        ("+3", "+3"),
        ("-1e-5", "-1e-5"),
        ("plain = text", "plain = text"),
        ("", ""),
        ("nul\x00byte", "nulbyte"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


def test_formula_input_text_is_neutralised_in_the_optional_text_column() -> None:
    view = normalise([{"label": "=HYPERLINK(\"http://evil\")", "score": 0.5}])

    (header, row) = csv_rows([BatchResultRow(TEXT, BatchItemStatus.FINISHED, TASK, view)],
                             include_text=True)

    assert header == [*CSV_COLUMNS, TEXT_COLUMN]
    assert row[3] == "'=HYPERLINK(\"http://evil\") 50.0%"
    assert row[6] == "'=cmd|' /C calc'!A0"


_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=150)
@given(name=_ANY_TEXT, reason=_ANY_TEXT, text=_ANY_TEXT)
def test_csv_round_trips_through_the_csv_module(name: str, reason: str, text: str) -> None:
    refused = RefusedEntry(name, reason, None)
    entry = TextEntry(text, Path("/f.txt"), name, 3)
    rows = [
        BatchResultRow(refused, BatchItemStatus.REFUSED),
        BatchResultRow(
            entry, BatchItemStatus.FINISHED, TASK, normalise([{"generated_text": text}])
        ),
    ]

    table = csv_rows(rows, include_text=True)

    assert table[1] == [spreadsheet_safe(name), "refused", "", "", "", spreadsheet_safe(reason), ""]
    assert table[2][0] == spreadsheet_safe(f"{name}:3")
    assert table[2][6] == spreadsheet_safe(text)
    for cell in (*table[1], *table[2]):
        assert not cell or cell[0] not in "=+-@\t\r" or cell[0] == "'" or _is_number(cell)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_file_has_a_bom_and_reads_back_in_any_language(tmp_path: Path) -> None:
    entry = TextEntry("Ça marche très bien 👍", Path("/r.csv"), "avis.csv", 2)
    path = tmp_path / "out.csv"

    with path.open("w", encoding=CSV_ENCODING, newline="") as stream:
        count = write_batch_csv(
            [BatchResultRow(entry, BatchItemStatus.FINISHED, TASK,
                            normalise([{"translation_text": "Works very well 👍"}]))],
            stream,
            include_text=True,
        )

    assert count == 1
    assert path.read_bytes().startswith(b"\xef\xbb\xbfinput,status")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[1] == ["avis.csv:2", "finished", TASK, "Works very well 👍", "", "",
                       "Ça marche très bien 👍"]


def test_listing_becomes_rows_refused_or_pending_and_exports_whole(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    image_folder(folder, 2)
    refusals = refusal_files(folder)
    listing = list_batch_inputs([folder], "image-classification")

    rows = listing_rows(listing)
    table = csv_rows(rows)

    assert [row.status for row in rows].count(BatchItemStatus.PENDING) == 2
    assert len(table) == 1 + 2 + len(refusals)
    assert {row[0] for row in table[1:] if row[1] == "refused"} == {
        f"photos/{name}" for name in refusals
    }
    assert all(row[5] for row in table[1:] if row[1] == "refused")


def test_json_export_puts_the_input_beside_each_result(tmp_path: Path) -> None:
    texts = list_batch_inputs([reviews_csv(tmp_path / "r.csv", 2)], "text-classification")
    first, second = texts.accepted
    rows = [
        BatchResultRow(first, BatchItemStatus.FINISHED, TASK,
                       normalise([{"label": "POSITIVE", "score": 0.75}], "text-classification")),
        BatchResultRow(second, BatchItemStatus.WAITING, TASK),
        BatchResultRow(IMAGE, BatchItemStatus.FINISHED, TASK,
                       normalise('[{"label": "x", "score": NaN}, {"label": "y", "score": 0.5}]')),
        BatchResultRow(RefusedEntry("r.csv", "Line 9 …", None, 9), BatchItemStatus.REFUSED),
    ]
    stream = io.StringIO()

    count = write_batch_json(rows, stream, task_type="text-classification")

    document = json.loads(stream.getvalue())
    assert count == 4
    assert document["format"] == JSON_FORMAT
    assert document["task_type"] == "text-classification"
    one, two, image, refused = document["items"]
    assert one == {
        "input": "r.csv:2", "kind": "text", "file": "r.csv", "line": 2, "status": "finished",
        "task": TASK, "headline": "POSITIVE 75.0%", "score": 0.75, "error": None,
        "column": "review", "text": "Great product, works as described. #1",
        "result": [{"label": "POSITIVE", "score": 0.75}], "result_truncated": False,
    }
    assert (two["line"], two["status"], two["result"], two["headline"]) == (3, "waiting", None, "")
    assert image["file"] == "photos/cat.jpg"
    assert image["line"] is None
    assert image["headline"] == "y 50.0%"
    assert isinstance(image["result"], str)  # NaN is not JSON: kept as the text received
    assert "NaN" in image["result"]
    assert refused == {
        "input": "r.csv:9", "kind": None, "file": "r.csv", "line": 9, "status": "refused",
        "task": None, "headline": "", "score": None, "error": "Line 9 …", "result": None,
        "result_truncated": False,
    }
