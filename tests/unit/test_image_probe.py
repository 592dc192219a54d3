"""Checking image files from their header: real files of every format, and the ones to refuse."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest

from ogpu_desktop.domain.image_probe import probe_image_file
from ogpu_desktop.domain.images import EncodeOptions, ImageError, encode_image_file
from tests.helpers.images import (
    animated,
    bomb_png,
    exif_with,
    photo_like,
    png_chunk,
    save,
    to_bytes,
)


def probe_refusal(path: Path, options: EncodeOptions | None = None) -> str:
    with pytest.raises(ImageError) as caught:
        probe_image_file(path, options or EncodeOptions())
    return caught.value.message


@pytest.mark.parametrize(
    ("image_format", "suffix", "expected"),
    [
        ("JPEG", ".jpg", "JPEG"),
        ("PNG", ".png", "PNG"),
        ("WEBP", ".webp", "WEBP"),
        ("GIF", ".gif", "GIF"),
        ("BMP", ".bmp", "BMP"),
        ("TIFF", ".tif", "TIFF"),
    ],
)
def test_each_format_is_read_from_its_header(
    tmp_path: Path, image_format: str, suffix: str, expected: str
) -> None:
    path = save(photo_like(320, 200, seed=3), tmp_path / f"picture{suffix}", image_format)

    probed = probe_image_file(path)

    assert (probed.width, probed.height, probed.image_format) == (320, 200, expected)
    stat = path.stat()
    assert (probed.size_bytes, probed.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_animation_and_a_file_without_suffix_are_read_by_content(tmp_path: Path) -> None:
    gif = animated(tmp_path / "clip", [(200, 0, 0), (0, 200, 0)], "GIF")

    assert probe_image_file(gif).image_format == "GIF"


def test_only_the_header_is_read_when_the_file_ends_cleanly(tmp_path: Path) -> None:
    # A PNG with a valid header and end, but pixel data that is not zlib at all: the probe
    # accepts it without decoding, and the full encode (when sending) refuses it.
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"not zlib data at all" * 10)
        + png_chunk(b"IEND", b"")
    )
    path = tmp_path / "bad-pixels.png"
    path.write_bytes(data)

    assert probe_image_file(path).width == 64
    with pytest.raises(ImageError):
        encode_image_file(path)


def test_truncated_jpeg_is_refused_as_incomplete(tmp_path: Path) -> None:
    data = to_bytes(photo_like(640, 480), "JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) * 2 // 3])

    assert "incomplete" in probe_refusal(path)


def test_truncated_png_is_refused(tmp_path: Path) -> None:
    data = to_bytes(photo_like(300, 300), "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])

    message = probe_refusal(path)

    assert "incomplete" in message or "damaged" in message


def test_jpeg_with_data_after_the_picture_is_accepted(tmp_path: Path) -> None:
    # Motion photos append a video after the JPEG's end marker; the picture is whole.
    data = to_bytes(photo_like(400, 300), "JPEG", exif=exif_with(orientation=1))
    path = tmp_path / "motion.jpg"
    path.write_bytes(data + b"\x00\x00\x00\x18ftypmp42" + os.urandom(20_000))

    assert probe_image_file(path).image_format == "JPEG"
    assert encode_image_file(path).width == 400


def test_text_file_named_jpg_is_refused_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("shopping list: milk, eggs\n", encoding="utf-8")

    assert probe_refusal(path).startswith("This is a text file, not an image.")


def test_pdf_is_named(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00" * 200)

    assert "PDF" in probe_refusal(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")

    assert "empty" in probe_refusal(path)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = save(photo_like(300, 300), tmp_path / "big.png", "PNG")

    message = probe_refusal(path, EncodeOptions(max_input_bytes=1000))

    assert "images up to 1 kB" in message


@pytest.mark.parametrize("side", [12_000, 40_000])
def test_bomb_header_is_refused_without_decoding(tmp_path: Path, side: int) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png(side, side))

    message = probe_refusal(path)

    assert "megapixels" in message
    assert "opened safely" in message


def test_zero_pixel_header_is_refused(tmp_path: Path) -> None:
    header = struct.pack(">IIBBBBB", 0, 10, 8, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )
    path = tmp_path / "zero.png"
    path.write_bytes(data)

    message = probe_refusal(path)

    assert "no pixels" in message or "damaged" in message or "not a readable" in message


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    assert "any more" in probe_refusal(tmp_path / "gone.jpg")
    assert "folder" in probe_refusal(tmp_path)

