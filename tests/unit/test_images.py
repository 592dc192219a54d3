"""Image encoding on real files generated with Pillow: formats, orientation, privacy, refusals."""

from __future__ import annotations

import base64
import contextlib
import random
import tempfile
import warnings
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageChops, ImageStat, features
from PIL.PngImagePlugin import PngInfo

from ogpu_desktop.domain.images import (
    EncodedImage,
    EncodeOptions,
    ImageError,
    ImageInput,
    ImageLink,
    encode_image_bytes,
    encode_image_file,
    prepare_image,
    validate_image_url,
)
from ogpu_desktop.errors import UserFacingError
from tests.helpers.images import (
    BLUE,
    GPS_LATITUDE,
    GREEN,
    GREY,
    RED,
    SECRET_COMMENT,
    SECRET_MAKE,
    SECRET_MODEL,
    SECRET_XMP,
    animated,
    bomb_png,
    cornered,
    decode_data_url,
    exif_with,
    jpeg_segment_markers,
    photo_like,
    png_chunk_types,
    rgb16_png,
    save,
    srgb_icc,
    to_bytes,
)

LOCATION_NOTICE = "Location data (GPS) removed."
TRANSPARENCY_NOTICE = "Transparency kept, so the image is sent as PNG."
# JPEG segments that may carry metadata: APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), COM.
METADATA_MARKERS = {0xE1, 0xE2, 0xED, 0xFE}


def output_image(result: EncodedImage) -> Image.Image:
    """Decode the data URL of ``result`` back into a loaded Pillow image."""
    mime, data = decode_data_url(result.data_url)
    assert mime == result.mime_type
    image = Image.open(BytesIO(data))
    image.load()
    return image


def assert_no_metadata(result: EncodedImage) -> None:
    """Re-read the output and check nothing but pixels survived."""
    _, data = decode_data_url(result.data_url)
    image = output_image(result)
    assert not image.getexif()
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"):
        assert key not in image.info
    for secret in (SECRET_MAKE.encode(), SECRET_MODEL.encode(), SECRET_COMMENT.encode()):
        assert secret not in data
    assert b"Exif" not in data
    assert b"xmpmeta" not in data
    if result.mime_type == "image/png":
        assert set(png_chunk_types(data)) <= {b"IHDR", b"IDAT", b"IEND"}
    else:
        assert not METADATA_MARKERS & set(jpeg_segment_markers(data))


def colour_near(actual: object, expected: tuple[int, ...], tolerance: int = 24) -> bool:
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def grey_level(image: Image.Image, position: tuple[int, int]) -> int:
    value = image.getpixel(position)
    assert isinstance(value, int)
    return value


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3


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


# --- refusals -----------------------------------------------------------------------------------


def refusal(source: bytes | str | Path, options: EncodeOptions | None = None) -> str:
    with pytest.raises(ImageError) as caught:
        prepare_image(source, options or EncodeOptions())
    assert isinstance(caught.value, UserFacingError)
    return caught.value.message


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


# --- inputs: links, data URLs, paths -------------------------------------------------------------


def test_https_link_is_kept_as_a_link_with_a_public_notice() -> None:
    result = prepare_image("  https://example.com/cats/tabby.jpg?size=large  ")

    assert isinstance(result, ImageLink)
    assert result.url == "https://example.com/cats/tabby.jpg?size=large"
    assert result.value == result.url
    assert len(result.notices) == 1
    assert "anyone can see the link" in result.notices[0]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a.png",
        "http://localhost/a.png",
        "http://192.168.1.20/a.png",
        "http://nas.local/a.png",
        "http://[::1]/a.png",
        "http://printer/a.png",
    ],
)
def test_local_links_are_accepted_with_a_warning(url: str) -> None:
    result = validate_image_url(url)

    assert any("can't reach" in notice for notice in result.notices)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.com/a.jpg", "Links starting with “ftp:” can't be used"),
        ("file:///home/me/a.jpg", "Links starting with “file:” can't be used"),
        ("https://", "no website address"),
        ("https://user:secret@example.com/a.jpg", "user name or password"),
        ("https://token@example.com/a.jpg", "user name or password"),
        ("https://example.com/my cat.jpg", "spaces or invisible characters"),
        ("https://example.com:99999/a.jpg", "invalid port"),
        ("https://exa_mple!.com/a.jpg", "not a valid website address"),
        ("https://example.com/" + "a" * 3000, "links up to 2,048 characters"),
    ],
)
def test_bad_links_are_refused(url: str, expected: str) -> None:
    assert expected in refusal(url)


def test_validate_image_url_refuses_other_schemes_directly() -> None:
    with pytest.raises(ImageError, match="Only links starting with http"):
        validate_image_url("javascript:alert(1)")


def test_pasted_data_url_is_decoded_and_cleaned() -> None:
    data = to_bytes(photo_like(1500, 1000), "JPEG", exif=exif_with(gps=True))
    pasted = "data:image/jpeg;base64," + base64.b64encode(data).decode()

    result = prepare_image(pasted)

    assert isinstance(result, EncodedImage)
    assert (result.width, result.height) == (1024, 683)
    assert LOCATION_NOTICE in result.notices
    assert_no_metadata(result)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("data:text/plain;base64,aGVsbG8=", "does not hold an image"),
        ("data:image/png;base64,@@@not base64@@@", "base64 text is not valid"),
    ],
)
def test_bad_data_urls_are_refused(pasted: str, expected: str) -> None:
    assert expected in refusal(pasted)


def test_paths_as_text_and_path_objects_and_bytes_all_work(tmp_path: Path) -> None:
    path = save(cornered(300, 200), tmp_path / "pic.png", "PNG")

    results = [prepare_image(str(path)), prepare_image(path), prepare_image(path.read_bytes())]

    assert all(isinstance(result, EncodedImage) for result in results)
    assert len({result.value for result in results}) == 1


def test_file_whose_name_looks_like_a_scheme_is_read_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(cornered(30, 20), tmp_path / "beach:1.png", "PNG")
    monkeypatch.chdir(tmp_path)

    result = prepare_image("beach:1.png")

    assert isinstance(result, EncodedImage)
    assert (result.width, result.height) == (30, 20)
    assert "Links starting with “beach:”" in refusal("beach:2.png")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_a_link_or_a_plain_refusal(text: str) -> None:
    with tempfile.TemporaryDirectory() as empty, contextlib.chdir(empty):
        try:
            outcome: ImageInput | str = prepare_image(text)
        except ImageError as error:
            outcome = error.message
    if isinstance(outcome, str):
        assert outcome
    else:
        assert isinstance(outcome, ImageLink)
        assert outcome.url.lower().startswith(("http://", "https://"))


def test_blank_text_is_refused() -> None:
    assert "No image was given" in refusal("   ")
