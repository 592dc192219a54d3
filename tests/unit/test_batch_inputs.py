"""Listing a batch's inputs from real folders and files: accepted in order, refused with why."""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.batch_entries import ImageEntry, InputKind, RefusedEntry, TextEntry
from ogpu_desktop.domain.batch_inputs import input_kind, list_batch_inputs
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.input_values import MAX_TEXT_CHARS
from tests.helpers.batch_files import (
    image_folder,
    lines_txt,
    refusal_files,
    reviews_csv,
    solid,
)

SUFFIXES = [".jpg", ".png", ".webp", ".gif", ".bmp"] * 3


def names(entries: object) -> list[str]:
    assert isinstance(entries, tuple)
    return [entry.label for entry in entries]


def reasons(listing_refused: tuple[RefusedEntry, ...]) -> dict[str, str]:
    return {entry.label: entry.reason for entry in listing_refused}


@pytest.mark.parametrize(
    ("task_type", "kind"),
    [
        ("image-classification", InputKind.IMAGE),
        ("visual-question-answering", InputKind.IMAGE),
        ("text-classification", InputKind.TEXT),
        ("text-generation", InputKind.TEXT),
        ("translation", InputKind.TEXT),
        ("summarization", InputKind.TEXT),
        ("custom", InputKind.TEXT),
    ],
)
def test_each_task_type_takes_images_or_texts(task_type: str, kind: InputKind) -> None:
    assert input_kind(task_type) is kind
    assert input_kind(CATALOGUE[task_type]) is kind


def test_folder_is_walked_in_natural_order_depth_first(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    image_folder(photos, 12)
    (photos / "b-sub").mkdir()
    solid(photos / "b-sub" / "inner.png", "PNG")
    solid(photos / "A first.bmp", "BMP")

    listing = list_batch_inputs([photos], "image-classification")

    assert listing.refused == ()
    assert names(listing.entries) == [
        "photos/A first.bmp",
        "photos/b-sub/inner.png",
        *[f"photos/img{n}{suffix}" for n, suffix in zip(range(1, 13), SUFFIXES, strict=False)],
    ]
    first = listing.accepted[0]
    assert isinstance(first, ImageEntry)
    assert (first.width, first.height, first.image_format) == (64, 48, "BMP")
    assert first.path == (photos / "A first.bmp").resolve()


def test_hidden_files_and_folders_are_left_out_and_counted(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    image_folder(photos, 2)
    (photos / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (photos / ".thumbnails").mkdir()
    solid(photos / ".thumbnails" / "x.png", "PNG")

    listing = list_batch_inputs([photos], "image-classification")

    assert names(listing.entries) == ["photos/img1.jpg", "photos/img2.png"]
    assert listing.hidden_skipped == 2
    assert listing.summary() == "2 inputs ready; 2 hidden files or folders skipped."


def test_a_hidden_file_named_by_the_user_is_taken(tmp_path: Path) -> None:
    path = solid(tmp_path / ".secret.png", "PNG")

    listing = list_batch_inputs([path], "image-classification")

    assert names(listing.accepted) == [".secret.png"]


def test_unusable_images_are_refused_with_reasons_and_nothing_is_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    image_folder(folder, 3)
    expected = refusal_files(folder)

    listing = list_batch_inputs([folder], "image-classification")

    assert len(listing.entries) == 3 + len(expected)
    assert names(listing.accepted) == ["mixed/img1.jpg", "mixed/img2.png", "mixed/img3.webp"]
    got = reasons(listing.refused)
    for name, words in expected.items():
        assert words in got[f"mixed/{name}"], (name, got[f"mixed/{name}"])
    assert listing.summary() == "3 inputs ready, 5 refused."


def test_paths_keep_the_order_given_and_a_file_given_twice_is_refused(tmp_path: Path) -> None:
    a = solid(tmp_path / "a.png", "PNG")
    folder = tmp_path / "more"
    image_folder(folder, 1)
    link = tmp_path / "link-to-a.png"
    link.symlink_to(a)

    listing = list_batch_inputs([folder, a, link, a], "image-classification")

    assert names(listing.entries) == ["more/img1.jpg", "a.png", "link-to-a.png", "a.png"]
    assert names(listing.accepted) == ["more/img1.jpg", "a.png"]
    assert reasons(listing.refused) == {
        "link-to-a.png": "Already in the batch (the same file as “a.png”).",
        "a.png": "Already in the batch (the same file as “a.png”).",
    }


def test_missing_paths_empty_folders_and_pipes_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".hidden").write_text("x")
    pipe = tmp_path / "pipe.png"
    os.mkfifo(pipe)

    listing = list_batch_inputs(
        [tmp_path / "gone", empty, pipe, "bad\x00name"], "image-classification"
    )

    assert reasons(listing.refused) == {
        "'bad\\x00name'": "That is not a valid file name.",
        "gone": "There is no file or folder “gone” (moved or deleted?).",
        "empty": "The folder “empty” holds no files (hidden files are left out).",
        "pipe.png": "“pipe.png” is not a regular file (a device or a pipe?).",
    }


def test_folder_link_loops_are_walked_once(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    image_folder(photos, 2)
    (photos / "loop").symlink_to(photos, target_is_directory=True)

    listing = list_batch_inputs([photos], "image-classification")

    assert names(listing.entries) == ["photos/img1.jpg", "photos/img2.png"]


def test_files_of_the_wrong_kind_are_refused_for_each_task_type(tmp_path: Path) -> None:
    picture = solid(tmp_path / "cat.jpg", "JPEG")
    texts = lines_txt(tmp_path / "prompts.txt", 2)
    table = reviews_csv(tmp_path / "reviews.csv", 2)
    sheet = tmp_path / "reviews.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + bytes(100))
    notes = tmp_path / "notes.md"
    notes.write_text("# notes\n")

    for_images = list_batch_inputs([texts, table, sheet], "image-classification")
    for_texts = list_batch_inputs([picture, sheet, notes], "text-classification")

    assert reasons(for_images.refused) == {
        "prompts.txt": "“prompts.txt” holds texts, but Image classification takes images: add "
        "image files or folders.",
        "reviews.csv": "“reviews.csv” holds texts, but Image classification takes images: add "
        "image files or folders.",
        "reviews.xlsx": "Spreadsheets can't be read directly. Save the sheet as CSV (in Excel: "
        "File > Save As > CSV UTF-8), then add the .csv file.",
    }
    got = reasons(for_texts.refused)
    assert got["cat.jpg"].startswith("“cat.jpg” is an image, but Text classification takes texts")
    assert got["notes.md"].startswith("“notes.md” is not a .txt or .csv file.")
    assert "Save the sheet as CSV" in got["reviews.xlsx"]


def test_txt_gives_one_text_per_line_with_lines_counted_from_one(tmp_path: Path) -> None:
    path = tmp_path / "prompts.txt"
    path.write_bytes(b"\xef\xbb\xbfOnce upon a time\r\n\r\n   \r\n  The end  \r\nlast")

    listing = list_batch_inputs([path], "text-generation")

    assert [(e.text, e.line) for e in listing.accepted if isinstance(e, TextEntry)] == [
        ("Once upon a time", 1),
        ("The end", 4),
        ("last", 5),
    ]
    assert names(listing.accepted) == ["prompts.txt:1", "prompts.txt:4", "prompts.txt:5"]
    assert listing.blank_lines == 2
    assert listing.summary() == "3 inputs ready; 2 empty lines skipped."


def test_csv_column_is_chosen_and_the_table_described(tmp_path: Path) -> None:
    path = reviews_csv(tmp_path / "reviews.csv", 5, delimiter=";", bom=True)

    listing = list_batch_inputs([path], "text-classification")
    by_id = list_batch_inputs([path], "text-classification", column="ID")

    (table,) = listing.tables
    assert table.columns == ("id", "review", "stars")
    assert (table.column, table.delimiter, table.encoding) == ("review", ";", "UTF-8 with BOM")
    texts = [e for e in listing.accepted if isinstance(e, TextEntry)]
    assert [e.line for e in texts] == [2, 3, 4, 5, 6]  # review 5 spans lines 6 and 7
    assert texts[4].text == "Arrived late\nbut works fine. #5"
    assert {e.column for e in texts} == {"review"}
    assert [e.text for e in by_id.accepted if isinstance(e, TextEntry)] == ["1", "2", "3", "4", "5"]


def test_csv_without_the_chosen_column_is_refused_whole(tmp_path: Path) -> None:
    path = reviews_csv(tmp_path / "reviews.csv", 3)

    listing = list_batch_inputs([path], "text-classification", column="comment")

    assert listing.accepted == ()
    assert listing.tables == ()
    assert reasons(listing.refused) == {
        "reviews.csv": "“reviews.csv” has no column “comment”. Its columns: “id”, “review”, "
        "“stars”.",
    }


def test_file_not_in_utf8_is_refused_whole_even_after_good_lines(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(b"".join(b"fine %d\n" % n for n in range(50)) + "café\n".encode("cp1252"))

    listing = list_batch_inputs([path], "translation")

    assert listing.accepted == ()
    assert listing.blank_lines == 0
    (refusal,) = listing.refused
    assert refusal.line is None
    assert "line 51 holds bytes that can't be read as UTF-8" in refusal.reason


def test_text_too_long_for_a_task_is_refused_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(f"short\n{'w' * (MAX_TEXT_CHARS + 1)}\nshort again\n", encoding="utf-8")

    listing = list_batch_inputs([path], "summarization")

    assert names(listing.accepted) == ["long.txt:1", "long.txt:3"]
    (refusal,) = listing.refused
    assert refusal.label == "long.txt:2"
    assert refusal.reason == (
        f"The text is {MAX_TEXT_CHARS + 1:,} characters long; at most {MAX_TEXT_CHARS:,} fit in "
        "one task."
    )


def test_custom_type_reads_each_line_like_its_input_field(tmp_path: Path) -> None:
    path = tmp_path / "inputs.txt"
    path.write_text('plain text\n{"question": "Why?", "context": "Because."}\n[1, 2]\n{broken\n')

    listing = list_batch_inputs([path], "custom")

    assert names(listing.accepted) == ["inputs.txt:1", "inputs.txt:2"]
    got = reasons(listing.refused)
    assert "refuses a list" in got["inputs.txt:3"]
    assert "not valid JSON" in got["inputs.txt:4"]


def test_listing_stops_at_the_most_inputs_with_a_refusal_saying_so(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    image_folder(folder, 5)

    listing = list_batch_inputs([folder, solid(tmp_path / "x.png", "PNG")],
                                "image-classification", max_inputs=3)

    assert names(listing.accepted) == ["photos/img1.jpg", "photos/img2.png", "photos/img3.webp"]
    assert listing.limit_reached
    (refusal,) = listing.refused
    assert refusal.label == "photos/img4.gif"
    assert refusal.reason.startswith("A batch holds at most 3 inputs")


def test_limit_inside_a_text_file_keeps_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("a\n\nb\n" + "x" * (MAX_TEXT_CHARS + 5) + "\nc\nd\ne\n", encoding="utf-8")

    listing = list_batch_inputs([path, lines_txt(tmp_path / "more.txt", 3)], "translation",
                                max_inputs=3)

    assert names(listing.entries) == ["lines.txt:1", "lines.txt:3", "lines.txt:4", "lines.txt:5",
                                      "lines.txt:6"]
    assert names(listing.accepted) == ["lines.txt:1", "lines.txt:3", "lines.txt:5"]
    assert listing.entries[-1].label == "lines.txt:6"
    assert listing.limit_reached
    assert listing.blank_lines == 1


def test_progress_is_reported_and_can_stop_the_listing(tmp_path: Path) -> None:
    path = lines_txt(tmp_path / "many.txt", 450)
    seen: list[int] = []

    listing = list_batch_inputs([path], "translation", progress=seen.append)

    assert seen == [200, 400, 450]
    assert len(listing.accepted) == 450

    class StopListingError(Exception):
        pass

    def stop(count: int) -> None:
        raise StopListingError(count)

    with pytest.raises(StopListingError):
        list_batch_inputs([image_folder(tmp_path / "p", 3)[0]], "image-classification",
                          progress=stop)


def test_keys_are_stable_and_follow_the_identity_of_each_input(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    _, second = image_folder(folder, 2)
    texts = tmp_path / "t.txt"
    texts.write_text("same\nsame\nother\n", encoding="utf-8")

    before = list_batch_inputs([folder, texts], "image-classification")
    again = list_batch_inputs([folder], "image-classification")
    text_keys = [e.key for e in list_batch_inputs([texts], "translation").accepted]
    os.utime(second, ns=(1_000_000_000, 1_000_000_000))
    with texts.open("a", encoding="utf-8") as stream:
        stream.write("appended\n")
    after = list_batch_inputs([folder], "image-classification")
    text_keys_after = [e.key for e in list_batch_inputs([texts], "translation").accepted]

    keys = [e.key for e in before.accepted]
    assert keys == [e.key for e in again.accepted]
    assert all(key.startswith("image:") for key in keys)
    assert [e.key for e in after.accepted] == [keys[0], after.accepted[1].key]
    assert after.accepted[1].key != keys[1]
    assert len(set(text_keys)) == 3  # the same text on two lines is two inputs
    assert text_keys_after[:3] == text_keys
    assert len(text_keys_after) == 4


def test_a_resumed_batch_publishes_only_the_inputs_not_yet_published(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    image_folder(folder, 4)
    first = list_batch_inputs([folder], "image-classification")
    published = {entry.key for entry in first.accepted[:2]}

    again = list_batch_inputs([folder], "image-classification")

    assert names(again.unpublished(published)) == ["photos/img3.webp", "photos/img4.gif"]
    assert again.unpublished(set()) == again.accepted
    assert again.unpublished({e.key for e in first.accepted}) == ()


def test_deeply_nested_folders_are_walked_without_running_out_of_stack(tmp_path: Path) -> None:
    deep = tmp_path / "top"
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    solid(deep / "bottom.png", "PNG")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)  # far fewer frames than folders
    try:
        listing = list_batch_inputs([tmp_path / "top"], "image-classification")
    finally:
        sys.setrecursionlimit(limit)

    assert names(listing.entries) == ["top/" + "d/" * 300 + "bottom.png"]


_PIECES = st.sampled_from(
    [b"\xef\xbb\xbf", b"\xff\xfe", b'"', b'""', b",", b";", b"\t", b"|", b"\n", b"\r\n", b"\r",
     b"sep=;", b"text", b" ", "é".encode(), b"\xe9", b"\x00", b"\xff", b"{", b"[1]", b"x" * 50]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, max_size=60), suffix=st.sampled_from([".csv", ".txt"]),
       task_type=st.sampled_from(["text-classification", "custom"]))
def test_any_bytes_in_a_text_file_are_listed_or_refused_never_crash(
    tmp_path: Path, pieces: list[bytes], suffix: str, task_type: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(b"".join(pieces))

    listing = list_batch_inputs([path], task_type)

    for entry in listing.entries:
        if isinstance(entry, RefusedEntry):
            assert entry.reason.strip()
        else:
            assert isinstance(entry, TextEntry)
            assert entry.text == entry.text.strip()
            assert entry.text
            assert entry.line >= 1
    lines = [e.line for e in listing.entries if isinstance(e, TextEntry | RefusedEntry) and e.line]
    assert lines == sorted(lines)
