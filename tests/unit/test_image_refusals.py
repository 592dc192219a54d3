"""Images that must be refused with a plain message: damaged, unsupported, bombs, over limits."""

from __future__ import annotations

import random
import struct
import warnings
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ogpu_desktop.domain.images import (
    EncodedImage,
    EncodeOptions,
    ImageError,
    encode_image_bytes,
    encode_image_file,
)
from tests.helpers.images import (
    GREY,
    RED,
    bomb_png,
    exif_with,
    output_image,
    photo_like,
    png_chunk,
    refusal,
    to_bytes,
)


def test_empty_input_and_empty_file_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")

    assert "empty" in refusal(b"")
    assert "empty" in refusal(empty)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_truncated_file_is_refused(tmp_path: Path, image_format: str) -> None:
    data = to_bytes(photo_like(800, 600), image_format)
    path = tmp_path / "cut.bin"
    path.write_bytes(data[: len(data) // 2])

    message = refusal(path)

    assert "incomplete" in message


def test_png_with_damaged_pixel_data_is_refused_not_sent_blank(tmp_path: Path) -> None:
    # Reading a PNG's EXIF loads its pixels; a failure there must not be taken for "no EXIF"
    # and leave an empty picture to be sent.
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"not zlib data at all" * 10)
        + png_chunk(b"IEND", b"")
    )
    path = tmp_path / "damaged.png"
    path.write_bytes(data)

    assert "damaged" in refusal(data)
    assert "damaged" in refusal(path)


def test_random_bytes_are_refused() -> None:
    data = random.Random(7).randbytes(5000)

    assert refusal(data) == (
        "This file is not a readable image. Use a JPEG, PNG, WebP, GIF, BMP or TIFF file."
    )


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG drawing"),
        (b"\xef\xbb\xbf  <svg width='10' height='10'></svg>", "an SVG drawing"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "a HEIC/HEIF photo"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "a PostScript (EPS) file"),
        (b"8BPS\x00\x01" + bytes(40), "a Photoshop (PSD) file"),
    ],
)
def test_unsupported_formats_are_named(data: bytes, named: str) -> None:
    message = refusal(data)

    assert message.startswith(f"This is {named}")
    assert "JPEG or PNG" in message


def test_formats_pillow_knows_but_are_not_enabled_are_refused() -> None:
    icon = to_bytes(Image.new("RGB", (32, 32), RED), "ICO")
    pcx = to_bytes(Image.new("RGB", (32, 32), RED), "PCX")

    assert refusal(icon).startswith("This is a Windows icon (ICO)")
    assert refusal(pcx).startswith("This file is not a readable image.")


def test_text_and_web_pages_are_refused(tmp_path: Path) -> None:
    page = tmp_path / "photo.jpg"
    page.write_text("<!DOCTYPE html><html><body>Not found</body></html>", encoding="utf-8")

    assert refusal(page).startswith("This is a web page (HTML), not an image.")
    assert refusal(b"just some words").startswith("This is a text file, not an image.")


def test_damaged_header_of_a_known_format_is_named() -> None:
    data = bytearray(to_bytes(Image.new("RGB", (10, 10)), "PNG"))
    data[12:16] = b"XXXX"  # the IHDR chunk type

    assert refusal(bytes(data)).startswith("The PNG image is damaged")


def test_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png(20_000, 20_000))
    assert path.stat().st_size < 1000
    limit_before = Image.MAX_IMAGE_PIXELS

    message = refusal(path)

    assert "400 megapixels" in message
    assert "100 megapixels" in message
    assert limit_before == Image.MAX_IMAGE_PIXELS


def test_image_between_pillow_warning_and_our_limit_is_refused_by_our_limit() -> None:
    # 120 MP is above Pillow's warning threshold (about 89 MP) and our 100 MP default; it must
    # be our refusal, not a warning turned error, not a decode attempt.
    message = refusal(bomb_png(12_000, 10_000))

    assert message.startswith("The image declares 12000\u00d710000 pixels (120 megapixels)")


def test_pillow_bomb_warning_neither_escapes_nor_outlives_the_call() -> None:
    # 96 MP: past Pillow's warning threshold but under our limit, so it is decoded (Pillow fills
    # the rows missing from the short zlib stream). A warning turned error would be a refusal.
    filters_before = list(warnings.filters)

    result = encode_image_bytes(bomb_png(12_000, 8_000))

    assert (result.original_width, result.original_height) == (12_000, 8_000)
    assert (result.width, result.height) == (1024, 683)
    assert warnings.filters == filters_before
    with pytest.warns(Image.DecompressionBombWarning):
        Image.open(BytesIO(bomb_png(12_000, 8_000))).close()


def test_pixel_limit_is_configurable() -> None:
    data = to_bytes(Image.new("RGB", (200, 200), GREY), "PNG")

    message = refusal(data, EncodeOptions(max_pixels=10_000))

    assert "200\u00d7200 pixels" in message
    assert encode_image_bytes(data, EncodeOptions(max_pixels=40_000)).width == 200


def test_files_over_the_byte_limit_are_refused_before_reading(tmp_path: Path) -> None:
    data = to_bytes(photo_like(400, 300), "JPEG")
    path = tmp_path / "big.jpg"
    path.write_bytes(data)
    small = EncodeOptions(max_input_bytes=len(data) - 1)

    assert "images up to" in refusal(path, small)
    assert "images up to" in refusal(data, small)
    assert encode_image_file(path, EncodeOptions(max_input_bytes=len(data))).width == 400


def test_payload_over_the_cap_suggests_a_smaller_side_or_a_link() -> None:
    data = to_bytes(photo_like(1600, 1200, grain=0.5), "PNG")
    unlimited = encode_image_bytes(data)

    message = refusal(data, EncodeOptions(max_payload_chars=unlimited.payload_chars - 1))

    assert "allowed inside a task" in message
    assert "smaller maximum size than 1024 px" in message
    assert "link" in message


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    assert "no file" in refusal(tmp_path / "gone.jpg")
    assert "is a folder" in refusal(tmp_path)


def test_long_file_names_are_shortened_in_messages(tmp_path: Path) -> None:
    message = refusal(tmp_path / ("x" * 5000))

    assert "x" * 57 + "..." in message
    assert len(message) < 200


@pytest.mark.parametrize(
    "options",
    [{"max_side": 0}, {"max_side": 100_000}, {"jpeg_quality": 0}, {"jpeg_quality": 100}],
)
def test_options_out_of_range_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(ImageError):
        EncodeOptions(**options)


SMALL_JPEG = to_bytes(photo_like(120, 90), "JPEG", exif=exif_with(orientation=6, gps=True))
SMALL_PNG = to_bytes(photo_like(120, 90).convert("RGBA"), "PNG")


def encode_or_refuse(data: bytes) -> EncodedImage | str:
    """The result, or the refusal message; any other exception fails the test."""
    try:
        return encode_image_bytes(data)
    except ImageError as error:
        return error.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
    length=st.integers(1, 10_000),
)
def test_damaged_files_never_escape_as_other_errors(
    cuts: list[tuple[int, int]], length: int
) -> None:
    for source in (SMALL_JPEG, SMALL_PNG):
        data = bytearray(source[:length])
        for position, value in cuts:
            data[position % len(data)] = value
        outcome = encode_or_refuse(bytes(data))
        if isinstance(outcome, str):
            assert outcome
        else:
            assert output_image(outcome).size == (outcome.width, outcome.height)
