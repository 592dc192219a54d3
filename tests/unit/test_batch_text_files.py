"""Reading the user's text files: encodings from the BOM, line endings, refusals, big inputs."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain import batch_text_files
from ogpu_desktop.domain.batch_text_files import (
    MAX_LINE_CHARS,
    TextFileError,
    TextLine,
    open_text_file,
)


def read(path: Path) -> tuple[str, list[TextLine]]:
    with open_text_file(path, path.name) as source:
        return source.encoding, list(source.lines)


def refusal(path: Path) -> str:
    with pytest.raises(TextFileError) as caught:
        read(path)
    return caught.value.message


def texts(lines: list[TextLine]) -> list[tuple[int, str]]:
    return [(line.number, line.text) for line in lines]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"one\ntwo\n", [(1, "one"), (2, "two")]),
        (b"one\r\ntwo\r\n", [(1, "one"), (2, "two")]),
        (b"one\rtwo\r", [(1, "one"), (2, "two")]),
        (b"one\n\r\ntwo", [(1, "one"), (2, ""), (3, "two")]),
        (b"no newline at the end", [(1, "no newline at the end")]),
        (b"\n\n", [(1, ""), (2, "")]),
    ],
)
def test_every_line_ending_numbers_lines_like_an_editor(
    tmp_path: Path, data: bytes, expected: list[tuple[int, str]]
) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(data)

    encoding, lines = read(path)

    assert encoding == "UTF-8"
    assert texts(lines) == expected


@pytest.mark.parametrize(
    ("codec", "bom", "label"),
    [
        ("utf-8", codecs.BOM_UTF8, "UTF-8 with BOM"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    ],
)
def test_byte_order_mark_decides_the_encoding(
    tmp_path: Path, codec: str, bom: bytes, label: str
) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(bom + "Grüße\r\n日本語のテキスト\r\n".encode(codec))

    encoding, lines = read(path)

    assert encoding == label
    assert texts(lines) == [(1, "Grüße"), (2, "日本語のテキスト")]


def test_crlf_split_across_read_chunks_is_one_line_ending(tmp_path: Path) -> None:
    chunk = batch_text_files._CHUNK_BYTES
    first = "a" * (chunk - 1)  # "\r" is the chunk's last byte, "\n" the next chunk's first
    path = tmp_path / "t.txt"
    path.write_bytes(f"{first}\r\nsecond\r\n".encode())

    _, lines = read(path)

    assert texts(lines) == [(1, first), (2, "second")]


def test_multibyte_character_split_across_chunks_is_kept(tmp_path: Path) -> None:
    chunk = batch_text_files._CHUNK_BYTES
    first = "a" * (chunk - 1) + "é"  # the two bytes of "é" straddle the chunk boundary
    path = tmp_path / "t.txt"
    path.write_bytes(f"{first}\nnext".encode())

    _, lines = read(path)

    assert texts(lines) == [(1, first), (2, "next")]


def test_latin1_file_is_refused_with_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("id,text\n1,fine\n2,caf\u00e9 cr\u00e8me\n".encode("latin-1"))

    message = refusal(path)

    assert message.startswith("“old.csv” is not saved as UTF-8 text: line 3 holds bytes")
    assert "CSV UTF-8" in message


def test_bad_byte_far_into_a_big_file_names_its_line(tmp_path: Path) -> None:
    good = "".join(f"line {n}\n" for n in range(1, 20_001))
    path = tmp_path / "big.txt"
    path.write_bytes(good.encode() + b"caf\xe9\n")

    assert "line 20,001 holds bytes" in refusal(path)


@pytest.mark.parametrize(
    ("head", "named"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "a ZIP archive or an office document"),
        (b"%PDF-1.7\n\x00\x00", "a PDF document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
        (b"\x00\x01\x02\x03binary", "binary data"),
    ],
)
def test_binary_files_are_refused_by_name(tmp_path: Path, head: bytes, named: str) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(head + bytes(range(256)))

    message = refusal(path)

    assert f"is {named}" in message
    assert "not text" in message


def test_empty_missing_and_huge_files_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x\n" * 600)
    monkeypatch.setattr(batch_text_files, "MAX_TEXT_FILE_BYTES", 1000)

    assert "is empty (0 bytes)" in refusal(empty)
    assert "no file “gone.txt”" in refusal(tmp_path / "gone.txt")
    assert "text files up to 1 kB can be read" in refusal(big)


def test_endless_line_is_cut_and_marked_without_holding_it_all(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"short\n" + b"x" * (3 * MAX_LINE_CHARS) + b"\nafter\n")

    _, lines = read(path)

    assert [(line.number, line.cut) for line in lines] == [(1, False), (2, True), (3, False)]
    assert len(lines[1].text) == MAX_LINE_CHARS + 1
    assert lines[2].text == "after"


def test_endless_last_line_without_newline_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"y" * (MAX_LINE_CHARS + 10))

    _, lines = read(path)

    assert [(line.number, line.cut, len(line.text)) for line in lines] == [
        (1, True, MAX_LINE_CHARS + 1)
    ]


def test_one_megabyte_of_line_breaks_is_read_quickly_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "breaks.txt"
    path.write_bytes(b"\r\n" * 500_000)

    _, lines = read(path)

    assert len(lines) == 500_000
    assert lines[-1].number == 500_000
    assert not any(line.text for line in lines)


_LINE_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",)),
    max_size=30,
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(_LINE_TEXT, st.sampled_from(["\n", "\r\n", "\r"])), max_size=40),
    last=_LINE_TEXT,
    bom=st.booleans(),
)
def test_lines_match_a_plain_split_whatever_the_endings(
    tmp_path: Path, rows: list[tuple[str, str]], last: str, bom: bool
) -> None:
    content = "".join(text + end for text, end in rows) + last
    path = tmp_path / "random.txt"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + content.encode())
    if not content and not bom:
        assert "empty" in refusal(path)
        return

    _, lines = read(path)

    expected = re.split(r"\r\n|\r|\n", content)
    if expected and expected[-1] == "":
        expected.pop()
    assert [line.text for line in lines] == expected
    assert [line.number for line in lines] == list(range(1, len(expected) + 1))
