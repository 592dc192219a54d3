"""Image encoding on real generated files: formats, colour modes, orientation, privacy."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image, features
from PIL.PngImagePlugin import PngInfo

from ogpu_desktop.domain.images import (
    EncodeOptions,
    encode_image_bytes,
    encode_image_file,
)
from tests.helpers.images import (
    BLUE,
    GPS_LATITUDE,
    GREEN,
    GREY,
    LOCATION_NOTICE,
    RED,
    SECRET_COMMENT,
    SECRET_XMP,
    TRANSPARENCY_NOTICE,
    animated,
    assert_no_metadata,
    colour_near,
    cornered,
    decode_data_url,
    exif_with,
    grey_level,
    mean_difference,
    output_image,
    photo_like,
    png_chunk_types,
    rgb16_png,
    save,
    srgb_icc,
    to_bytes,
)

# --- formats ----------------------------------------------------------------------------------


FORMATS = ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"]
if features.check("avif"):
    FORMATS.append("AVIF")


@pytest.mark.parametrize("image_format", FORMATS)
def test_each_supported_format_becomes_a_downscaled_jpeg(tmp_path: Path, image_format: str) -> None:
    source = photo_like(1280, 960, grain=0.05)
    path = save(source, tmp_path / f"photo.{image_format.lower()}", image_format)

    result = encode_image_file(path)

    assert (result.width, result.height) == (1024, 768)
    assert (result.original_width, result.original_height) == (1280, 960)
    assert result.mime_type == "image/jpeg"
    assert result.data_url.startswith("data:image/jpeg;base64,")
    assert result.notices == ("Resized from 1280\u00d7960 to 1024\u00d7768.",)
    decoded = output_image(result)
    assert decoded.format == "JPEG"
    assert decoded.mode == "RGB"
    assert decoded.size == (1024, 768)
    # GIF has 256 colours, so compare loosely; the picture must still be the same picture.
    reference = source.resize((1024, 768), Image.Resampling.LANCZOS)
    assert mean_difference(decoded, reference) < (20 if image_format == "GIF" else 6)


def test_sizes_reported_match_the_payload() -> None:
    result = encode_image_bytes(to_bytes(photo_like(800, 600), "PNG"))

    _, data = decode_data_url(result.data_url)
    assert result.encoded_bytes == len(data)
    assert result.payload_chars == len(result.data_url)
    assert result.value == result.data_url
    assert result.payload_chars > result.encoded_bytes  # base64 adds a third


def test_jpeg_quality_is_configurable() -> None:
    data = to_bytes(photo_like(800, 600), "PNG")

    low = encode_image_bytes(data, EncodeOptions(jpeg_quality=30))
    high = encode_image_bytes(data, EncodeOptions(jpeg_quality=95))

    assert low.encoded_bytes < high.encoded_bytes * 0.6


@pytest.mark.parametrize(
    ("size", "max_side", "expected"),
    [
        ((3000, 2000), 1024, (1024, 683)),
        ((2000, 3000), 1024, (683, 1024)),
        ((1025, 1), 1024, (1024, 1)),
        ((1024, 1024), 1024, (1024, 1024)),
        ((4000, 3000), 512, (512, 384)),
        ((1000, 10), 64, (64, 1)),
    ],
)
def test_longest_side_is_scaled_to_the_limit(
    size: tuple[int, int], max_side: int, expected: tuple[int, int]
) -> None:
    data = to_bytes(Image.new("RGB", size, GREY), "PNG")

    result = encode_image_bytes(data, EncodeOptions(max_side=max_side))

    assert (result.width, result.height) == expected
    assert output_image(result).size == expected
    resized = [n for n in result.notices if n.startswith("Resized")]
    if expected == size:
        assert resized == []
    else:
        assert resized == [
            f"Resized from {size[0]}\u00d7{size[1]} to {expected[0]}\u00d7{expected[1]}."
        ]


def test_tiny_image_is_not_upscaled(tmp_path: Path) -> None:
    path = save(cornered(16, 10, BLUE), tmp_path / "tiny.png", "PNG")

    result = encode_image_file(path)

    assert (result.width, result.height) == (16, 10)
    assert (result.original_width, result.original_height) == (16, 10)
    assert result.notices == ()
    assert colour_near(output_image(result).getpixel((8, 5)), GREY)


def test_draft_decoding_matches_a_full_decode() -> None:
    source = photo_like(4000, 3000, grain=0.0)
    data = to_bytes(source, "JPEG", quality=95)

    result = encode_image_bytes(data)

    full = Image.open(BytesIO(data)).resize((1024, 768), Image.Resampling.LANCZOS)
    assert mean_difference(output_image(result), full) < 2.5


# --- transparency and colour modes --------------------------------------------------------------


def test_png_with_real_alpha_stays_png_with_alpha(tmp_path: Path) -> None:
    image = photo_like(1100, 825, grain=0.05).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize((1100, 825)))
    path = save(image, tmp_path / "alpha.png", "PNG")

    result = encode_image_file(path)

    assert result.mime_type == "image/png"
    assert result.data_url.startswith("data:image/png;base64,")
    assert TRANSPARENCY_NOTICE in result.notices
    decoded = output_image(result)
    assert decoded.mode == "RGBA"
    assert decoded.size == (1024, 768)
    alpha = decoded.getchannel("A")
    assert grey_level(alpha, (512, 0)) < 10
    assert grey_level(alpha, (512, 767)) > 245
    assert_no_metadata(result)


def test_fully_opaque_rgba_becomes_jpeg() -> None:
    data = to_bytes(photo_like(640, 480).convert("RGBA"), "PNG")

    result = encode_image_bytes(data)

    assert result.mime_type == "image/jpeg"
    assert output_image(result).mode == "RGB"
    assert TRANSPARENCY_NOTICE not in result.notices


def test_palette_png_with_transparent_index_keeps_transparency() -> None:
    image = Image.new("P", (40, 30), 0)
    image.putpalette([*GREY, *RED])
    image.paste(1, (0, 0, 20, 30))
    data = to_bytes(image, "PNG", transparency=0)

    result = encode_image_bytes(data)

    assert result.mime_type == "image/png"
    decoded = output_image(result)
    assert decoded.mode == "RGBA"
    assert decoded.getpixel((5, 5)) == (*RED, 255)
    alpha = decoded.getpixel((30, 5))
    assert isinstance(alpha, tuple)
    assert alpha[3] == 0


def test_palette_png_without_transparency_becomes_jpeg() -> None:
    data = to_bytes(photo_like(300, 200).convert("P"), "PNG")

    result = encode_image_bytes(data)

    assert result.mime_type == "image/jpeg"
    assert output_image(result).mode == "RGB"


def test_grey_la_with_alpha_becomes_png() -> None:
    image = Image.merge("LA", (Image.new("L", (50, 50), 90), Image.new("L", (50, 50), 128)))

    result = encode_image_bytes(to_bytes(image, "PNG"))

    assert result.mime_type == "image/png"
    decoded = output_image(result)
    assert decoded.mode == "LA"
    assert decoded.getpixel((25, 25)) == (90, 128)


def test_cmyk_jpeg_becomes_rgb_with_the_right_colours() -> None:
    image = Image.new("CMYK", (200, 100), (0, 0, 0, 0))
    image.paste((0, 255, 255, 0), (0, 0, 100, 100))  # red ink mix on the left half
    data = to_bytes(image, "JPEG", quality=95)

    result = encode_image_bytes(data)

    decoded = output_image(result)
    assert decoded.mode == "RGB"
    assert colour_near(decoded.getpixel((50, 50)), (255, 0, 0), tolerance=30)
    assert colour_near(decoded.getpixel((150, 50)), (255, 255, 255), tolerance=30)


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    image = Image.new("I;16", (64, 32), 1000)
    image.paste(Image.new("I;16", (32, 32), 40000))
    data = to_bytes(image, "PNG")
    assert Image.open(BytesIO(data)).mode.startswith("I")

    decoded = output_image(encode_image_bytes(data))

    assert decoded.mode == "L"
    light, dark = grey_level(decoded, (10, 10)), grey_level(decoded, (50, 10))
    assert abs(light - 40000 * 255 // 65535) <= 3
    assert abs(dark - 1000 * 255 // 65535) <= 3


def test_sixteen_bit_rgb_png_keeps_its_colour() -> None:
    data = rgb16_png(32, 16, (40000, 0, 65535))

    decoded = output_image(encode_image_bytes(data))

    assert colour_near(decoded.getpixel((16, 8)), (156, 0, 255), tolerance=8)


def test_bilevel_and_grey_images_become_grey_jpegs() -> None:
    bilevel = Image.new("1", (40, 40), 1)

    decoded = output_image(encode_image_bytes(to_bytes(bilevel, "PNG")))

    assert decoded.mode == "L"
    assert grey_level(decoded, (20, 20)) > 245


def test_colour_profile_is_applied_and_removed() -> None:
    data = to_bytes(Image.new("RGB", (80, 60), BLUE), "JPEG", icc_profile=srgb_icc(), quality=95)
    assert "icc_profile" in Image.open(BytesIO(data)).info

    result = encode_image_bytes(data)

    assert_no_metadata(result)
    assert colour_near(output_image(result).getpixel((40, 30)), BLUE, tolerance=12)
    assert result.notices == ()


def test_broken_colour_profile_is_dropped_with_a_notice() -> None:
    data = to_bytes(Image.new("RGB", (80, 60), BLUE), "JPEG", icc_profile=b"not a profile")

    result = encode_image_bytes(data)

    assert any("colour profile could not be applied" in notice for notice in result.notices)
    assert_no_metadata(result)


# --- animation and pages -------------------------------------------------------------------------


@pytest.mark.parametrize("image_format", ["GIF", "WEBP"])
def test_animation_keeps_the_first_frame(tmp_path: Path, image_format: str) -> None:
    path = animated(tmp_path / f"anim.{image_format.lower()}", [RED, GREEN, BLUE], image_format)
    with Image.open(path) as source:
        assert getattr(source, "n_frames", 1) == 3

    result = encode_image_file(path)

    assert "Only the first frame of the animation is sent." in result.notices
    assert (result.width, result.height) == (64, 48)
    assert colour_near(output_image(result).getpixel((32, 24)), RED)


def test_multi_page_tiff_keeps_the_first_page(tmp_path: Path) -> None:
    path = animated(tmp_path / "pages.tiff", [GREEN, BLUE], "TIFF")

    result = encode_image_file(path)

    assert "Only the first page is sent." in result.notices
    assert colour_near(output_image(result).getpixel((10, 10)), GREEN)


def test_camera_mpo_uses_the_main_picture_without_an_animation_notice() -> None:
    buffer = BytesIO()
    cornered(3000, 2000, RED).save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (3000, 2000), BLUE)]
    )
    with Image.open(buffer) as source:
        assert source.format == "MPO"

    result = encode_image_bytes(buffer.getvalue())

    assert result.notices == ("Resized from 3000\u00d72000 to 1024\u00d7683.",)
    decoded = output_image(result)
    assert colour_near(decoded.getpixel((5, 5)), RED)
    assert colour_near(decoded.getpixel((500, 500)), GREY)


# --- orientation --------------------------------------------------------------------------------

# Where the stored top-left corner is seen once the picture is upright (EXIF orientation meaning).
CORNER_AFTER = {
    1: "top-left",
    3: "bottom-right",
    6: "top-right",  # camera turned clockwise: stored row 0 is the right-hand side
    8: "bottom-left",  # camera turned anticlockwise: stored row 0 is the left-hand side
}


def corner_pixel(image: Image.Image, corner: str) -> object:
    x = 2 if corner.endswith("left") else image.width - 3
    y = 2 if corner.startswith("top") else image.height - 3
    return image.getpixel((x, y))


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
@pytest.mark.parametrize(("stored", "expected_long"), [((300, 200), 300), ((3000, 2000), 1024)])
def test_exif_orientation_turns_the_picture_upright(
    tmp_path: Path, orientation: int, stored: tuple[int, int], expected_long: int
) -> None:
    path = save(
        cornered(*stored, RED),
        tmp_path / "rotated.jpg",
        "JPEG",
        exif=exif_with(orientation=orientation),
        quality=95,
    )

    result = encode_image_file(path)

    swapped = orientation in (6, 8)
    long_side, short_side = expected_long, round(expected_long * 2 / 3)
    expected = (short_side, long_side) if swapped else (long_side, short_side)
    assert (result.width, result.height) == expected
    original = (stored[1], stored[0]) if swapped else stored
    assert (result.original_width, result.original_height) == original
    decoded = output_image(result)
    assert decoded.size == expected
    corner = CORNER_AFTER[orientation]
    assert colour_near(corner_pixel(decoded, corner), RED, tolerance=40)
    for other in set(CORNER_AFTER.values()) - {corner}:
        assert colour_near(corner_pixel(decoded, other), GREY, tolerance=20)
    assert_no_metadata(result)


# --- privacy ------------------------------------------------------------------------------------


def test_gps_and_camera_exif_are_removed_with_notices(tmp_path: Path) -> None:
    path = save(
        photo_like(1200, 800),
        tmp_path / "holiday.jpg",
        "JPEG",
        exif=exif_with(gps=True, camera=True),
        comment=SECRET_COMMENT,
        xmp=SECRET_XMP,
        icc_profile=srgb_icc(),
    )
    with Image.open(path) as source:
        gps = source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert gps[ExifTags.GPS.GPSLatitude] == GPS_LATITUDE
        assert source.info["comment"] == SECRET_COMMENT.encode()

    result = encode_image_file(path)

    assert result.notices == (
        "Resized from 1200\u00d7800 to 1024\u00d7683.",
        LOCATION_NOTICE,
        "Hidden details removed: camera and photo information (EXIF), editing data (XMP/IPTC), "
        "a comment.",
    )
    assert_no_metadata(result)


def test_png_text_chunks_and_exif_are_removed() -> None:
    text = PngInfo()
    text.add_text("Author", "Jane Private")
    text.add_text("Comment", SECRET_COMMENT, zip=True)
    text.add_itxt("Description", "secret place", lang="en")
    image = photo_like(300, 200).convert("RGBA")
    image.putalpha(100)  # keep the output a PNG so its chunks can be inspected
    data = to_bytes(image, "PNG", pnginfo=text, exif=exif_with(gps=True), icc_profile=srgb_icc())
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunk_types(data))

    result = encode_image_bytes(data)

    assert result.mime_type == "image/png"
    assert LOCATION_NOTICE in result.notices
    assert "Hidden details removed: text notes." in result.notices
    assert_no_metadata(result)
    assert b"Jane Private" not in decode_data_url(result.data_url)[1]


def test_webp_exif_and_xmp_are_removed() -> None:
    data = to_bytes(
        photo_like(200, 100), "WEBP", exif=exif_with(gps=True, camera=True), xmp=SECRET_XMP
    )

    result = encode_image_bytes(data)

    assert LOCATION_NOTICE in result.notices
    assert_no_metadata(result)


def test_plain_image_has_no_privacy_notices() -> None:
    result = encode_image_bytes(to_bytes(photo_like(200, 100), "JPEG"))

    assert result.notices == ()
    assert_no_metadata(result)
