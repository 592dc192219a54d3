"""Reading a column of texts from real CSV files: separators, quotes, names, and rows refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.batch_csv import CsvLayout, CsvText, read_csv_column
from ogpu_desktop.domain.batch_text_files import TextFileError, open_text_file


def read(
    path: Path, column: str | None = None, *, header: bool = True
) -> tuple[CsvLayout, list[CsvText]]:
    with open_text_file(path, path.name) as source:
        layout, cells = read_csv_column(source.lines, path.name, column=column, header=header)
        return layout, list(cells)


def write(tmp_path: Path, content: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def accepted(cells: list[CsvText]) -> list[tuple[int, str]]:
    return [(c.line, c.text) for c in cells if c.problem is None and c.text]


def refused(cells: list[CsvText]) -> list[tuple[int, str]]:
    return [(c.line, c.problem) for c in cells if c.problem is not None]


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_separator_is_found_and_quoted_cells_keep_it(tmp_path: Path, separator: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(["id", "review", "stars"])
    writer.writerow(["1", f"Great{separator} really great", "5"])
    writer.writerow(["2", 'She said "wow"', "4"])
    writer.writerow(["3", "Two\nlines", "3"])
    writer.writerow(["4", "Last one", "1"])
    path = write(tmp_path, buffer.getvalue())

    layout, cells = read(path)

    assert layout.delimiter == separator
    assert layout.columns == ("id", "review", "stars")
    assert layout.column == "review"
    assert accepted(cells) == [
        (2, f"Great{separator} really great"),
        (3, 'She said "wow"'),
        (4, "Two\nlines"),
        (6, "Last one"),  # the row before spans lines 4 and 5
    ]


def test_excel_export_with_bom_crlf_and_semicolons(tmp_path: Path) -> None:
    content = (
        "\ufeffProduct;Review;Rating\r\n"
        'Mug;"Nice; sturdy";5\r\n'
        'Lamp;"Broke after ""two"" days";1\r\n'
    )
    path = write(tmp_path, content)

    layout, cells = read(path)

    assert (layout.delimiter, layout.column) == (";", "Product")
    assert layout.text_columns == ("Product", "Review")
    assert accepted(cells) == [(2, "Mug"), (3, "Lamp")]
    _, reviews = read(path, "review")
    assert accepted(reviews) == [(2, "Nice; sturdy"), (3, 'Broke after "two" days')]


@pytest.mark.parametrize("separator", ["|", "\t"])
def test_excel_separator_hint_line_is_obeyed(tmp_path: Path, separator: str) -> None:
    path = write(tmp_path, f"sep={separator}\nname{separator}text\na{separator}one, two; three\n")

    layout, cells = read(path, "text")

    assert layout.delimiter == separator
    assert layout.columns == ("name", "text")
    assert accepted(cells) == [(3, "one, two; three")]


def test_one_column_file_keeps_commas_inside_texts(tmp_path: Path) -> None:
    path = write(tmp_path, "text\nHello, world\nGood\nNice, very nice, thanks\n")

    layout, cells = read(path)

    assert layout.columns == ("text",)
    assert layout.delimiter == ","
    assert accepted(cells) == [(2, "Hello, world"), (3, "Good"), (4, "Nice, very nice, thanks")]


def test_default_column_is_the_first_of_words(tmp_path: Path) -> None:
    path = write(tmp_path, "id,score,comment,lang\n1,0.5,Lovely,en\n2,0.7,Awful,en\n")

    layout, cells = read(path)

    assert layout.text_columns == ("comment", "lang")
    assert layout.column == "comment"
    assert accepted(cells) == [(2, "Lovely"), (3, "Awful")]


def test_column_without_words_falls_back_to_the_first(tmp_path: Path) -> None:
    layout, _ = read(write(tmp_path, "a,b\n1,2\n3,4\n"))

    assert (layout.text_columns, layout.column) == ((), "a")


@pytest.mark.parametrize(("asked", "got"), [("Comment", "comment"), (" comment ", "comment"),
                                            ("3", "comment"), ("id", "id")])
def test_column_is_picked_by_name_any_case_or_number(
    tmp_path: Path, asked: str, got: str
) -> None:
    path = write(tmp_path, "id,score,comment\n1,2,three\n")

    assert read(path, asked)[0].column == got


def test_missing_column_refuses_the_file_and_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "id,review\n1,ok\n", name="reviews.csv")

    with pytest.raises(TextFileError) as caught:
        read(path, "text")

    assert caught.value.message == (
        "“reviews.csv” has no column “text”. Its columns: “id”, “review”."
    )


def test_empty_and_duplicate_names_are_made_unique(tmp_path: Path) -> None:
    layout, _ = read(write(tmp_path, "text,,Text\na,b,c\n"))

    assert layout.columns == ("text", "Column 2", "Text (column 3)")


def test_without_header_the_first_row_is_a_text(tmp_path: Path) -> None:
    layout, cells = read(write(tmp_path, "first text,1\nsecond text,2\n"), header=False)

    assert layout.columns == ("Column 1", "Column 2")
    assert not layout.header
    assert accepted(cells) == [(1, "first text"), (2, "second text")]


def test_empty_rows_and_cells_are_told_apart(tmp_path: Path) -> None:
    path = write(tmp_path, "\nid,text\n1,a\n\n2,\n,\n3,  \n4,b\n")

    _, cells = read(path, "text")

    assert [c.line for c in cells if c.row_empty] == [1, 4, 6]
    assert [c.line for c in cells if not c.row_empty and not c.text and not c.problem] == [5, 7]
    assert accepted(cells) == [(3, "a"), (8, "b")]


def test_rows_with_an_unquoted_separator_are_refused_not_cut(tmp_path: Path) -> None:
    path = write(tmp_path, "id,text\n1,fine\n2,Hello, world\n3,trailing empty,\n")

    _, cells = read(path, "text")

    assert accepted(cells) == [(2, "fine"), (4, "trailing empty")]
    ((line, problem),) = refused(cells)
    assert line == 3
    assert problem == (
        "Line 3 has 3 cells but the file names 2 columns: a comma inside a text needs the text "
        "in double quotes, or the text would be cut."
    )


def test_row_too_short_for_the_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "id,text,lang\n1,a,en\n2\n")

    _, cells = read(path, "lang")

    assert refused(cells) == [(3, "Line 3 has 1 cell; the column “lang” is cell 3.")]


def test_quote_never_closed_is_refused_with_its_lines(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,text\n1,ok\n2,"opens here\n3,and\n4,never closes\n')

    _, cells = read(path, "text")

    assert accepted(cells) == [(2, "ok")]
    ((line, problem),) = refused(cells)
    assert line == 3
    assert problem is not None
    assert problem.startswith("A double quote opened on line 3 is never closed, so lines 3 to 5")


def test_quote_ending_inside_a_cell_is_refused_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,text\n1,"Great" product\n2,next\n')

    _, cells = read(path, "text")

    assert accepted(cells) == [(3, "next")]
    assert refused(cells)[0][0] == 2
    assert "write a double quote twice" in str(refused(cells)[0][1])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("\n\n\n", "holds no rows"),
        ("id,text\n", "has column names on line 1 (“id”, “text”) but no rows"),
        ('"never closed\n', "The first row of “data.csv” can't be read"),
    ],
)
def test_files_without_rows_are_refused(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(TextFileError) as caught:
        read(write(tmp_path, content))

    assert message in caught.value.message


def test_megabyte_line_and_megabyte_of_quotes_do_not_break_the_reader(tmp_path: Path) -> None:
    huge = "x" * 1_200_000
    quotes = '"' * 1_000_000
    path = write(tmp_path, f"id,text\n1,{huge}\n2,after\n3,{quotes}\n4,last\n")

    _, cells = read(path, "text")

    assert (3, "after") in accepted(cells)
    assert 2 in [line for line, _ in refused(cells)]
    assert all(len(c.text) < 1_100_000 for c in cells)


_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=20,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(st.integers(0, 999), _CELL), min_size=1, max_size=30),
    separator=st.sampled_from([",", ";", "\t", "|"]),
    bom=st.booleans(),
)
def test_texts_written_by_the_csv_module_are_read_back_with_their_lines(
    tmp_path: Path, rows: list[tuple[int, str]], separator: str, bom: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["n", "text"])
    expected = []
    line = 2
    for number, text in rows:
        writer.writerow([str(number), text])
        if text.strip():
            expected.append((line, text.strip()))
        line += 1 + text.count("\n")
    path = write(tmp_path, ("\ufeff" if bom else "") + buffer.getvalue())

    layout, cells = read(path, "text")

    assert layout.delimiter == separator
    assert accepted(cells) == expected
    assert refused(cells) == []
