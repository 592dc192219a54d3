"""Thumbnails made on demand from real image files: small, upright, clean, and bombs refused."""

from __future__ import annotations

import struct
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from ogpu_desktop.domain.image_thumbnails import THUMBNAIL_SIDE, make_thumbnail
from ogpu_desktop.domain.images import EncodeOptions, ImageError
from tests.helpers.images import (
    BLUE,
    GREEN,
    RED,
    SECRET_COMMENT,
    SECRET_MAKE,
    animated,
    bomb_png,
    colour_near,
    cornered,
    exif_with,
    jpeg_segment_markers,
    photo_like,
    png_chunk,
    save,
    to_bytes,
)


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("image_format", "suffix"),
    [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("GIF", ".gif"), ("BMP", ".bmp")],
)
def test_thumbnail_fits_the_side_and_keeps_the_aspect(
    tmp_path: Path, image_format: str, suffix: str
) -> None:
    path = save(photo_like(1200, 800), tmp_path / f"photo{suffix}", image_format)

    thumb = make_thumbnail(path)

    assert (thumb.width, thumb.height) == (THUMBNAIL_SIDE, 64)
    image = opened(thumb.data)
    assert image.size == (thumb.width, thumb.height)
    assert image.format == ("JPEG" if thumb.mime_type == "image/jpeg" else "PNG")


def test_large_jpeg_is_drafted_and_small_pictures_are_not_enlarged(tmp_path: Path) -> None:
    big = save(cornered(4000, 3000, RED), tmp_path / "big.jpg", "JPEG", quality=90)
    small = save(cornered(40, 30, BLUE), tmp_path / "small.png", "PNG")

    big_thumb = make_thumbnail(big, 120)
    small_thumb = make_thumbnail(small)

    assert (big_thumb.width, big_thumb.height) == (120, 90)
    assert colour_near(opened(big_thumb.data).getpixel((2, 2)), RED, 40)
    assert (small_thumb.width, small_thumb.height) == (40, 30)


@pytest.mark.parametrize(("orientation", "size"), [(1, (96, 48)), (6, (48, 96)), (8, (48, 96))])
def test_thumbnail_is_upright(tmp_path: Path, orientation: int, size: tuple[int, int]) -> None:
    path = save(
        cornered(400, 200, GREEN), tmp_path / "turned.jpg", "JPEG",
        exif=exif_with(orientation=orientation),
    )

    thumb = make_thumbnail(path)

    assert (thumb.width, thumb.height) == size
    image = opened(thumb.data)
    # The green corner block is top-left as stored; orientation 6 turns it to the top right.
    corner = {1: (2, 2), 6: (size[0] - 3, 2), 8: (2, size[1] - 3)}[orientation]
    assert colour_near(image.getpixel(corner), GREEN, 50)


def test_transparency_gives_a_png_and_opaque_pictures_a_jpeg(tmp_path: Path) -> None:
    clear = Image.new("RGBA", (200, 100), (255, 0, 0, 0))
    clear.paste((0, 0, 255, 255), (0, 0, 100, 100))
    path = save(clear, tmp_path / "clear.png", "PNG")
    opaque = save(Image.new("RGBA", (200, 100), (1, 2, 3, 255)), tmp_path / "o.png", "PNG")

    assert make_thumbnail(path).mime_type == "image/png"
    assert opened(make_thumbnail(path).data).mode == "RGBA"
    assert make_thumbnail(opaque).mime_type == "image/jpeg"


def test_thumbnail_carries_no_metadata(tmp_path: Path) -> None:
    path = save(
        photo_like(600, 400), tmp_path / "camera.jpg", "JPEG",
        exif=exif_with(gps=True, camera=True), comment=SECRET_COMMENT.encode(),
    )

    data = make_thumbnail(path).data

    assert SECRET_MAKE.encode() not in data
    assert SECRET_COMMENT.encode() not in data
    assert b"Exif" not in data
    assert not {0xE1, 0xE2, 0xED, 0xFE} & set(jpeg_segment_markers(data))


def test_animation_shows_its_first_frame(tmp_path: Path) -> None:
    path = animated(tmp_path / "clip.gif", [RED, BLUE], "GIF")

    image = opened(make_thumbnail(path).data)

    assert colour_near(image.convert("RGB").getpixel((5, 5)), RED, 40)


def test_bombs_and_broken_files_are_refused_like_the_image_pipeline(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png(12_000, 12_000))
    cut = tmp_path / "cut.jpg"
    data = to_bytes(photo_like(800, 600), "JPEG")
    cut.write_bytes(data[: len(data) // 2])
    text = tmp_path / "text.png"
    text.write_text("not a picture", encoding="utf-8")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")

    messages = {}
    for path in (bomb, cut, text, empty):
        with pytest.raises(ImageError) as caught:
            make_thumbnail(path)
        messages[path.name] = caught.value.message

    assert "megapixels" in messages["bomb.png"]
    assert "incomplete" in messages["cut.jpg"]
    assert "not an image" in messages["text.png"]
    assert "empty" in messages["empty.jpg"]


def test_png_with_damaged_pixels_is_refused_not_shown_blank(tmp_path: Path) -> None:
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    path = tmp_path / "damaged.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"not zlib data at all" * 10)
        + png_chunk(b"IEND", b"")
    )

    with pytest.raises(ImageError, match="damaged"):
        make_thumbnail(path)


def test_size_limit_of_the_pipeline_applies(tmp_path: Path) -> None:
    path = save(photo_like(300, 300), tmp_path / "p.png", "PNG")

    with pytest.raises(ImageError, match="images up to"):
        make_thumbnail(path, options=EncodeOptions(max_input_bytes=2000))


def test_side_out_of_range_is_a_programming_error(tmp_path: Path) -> None:
    path = save(photo_like(50, 50), tmp_path / "p.png", "PNG")

    with pytest.raises(ValueError, match="thumbnail side"):
        make_thumbnail(path, 4)
