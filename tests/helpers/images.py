"""Real image files for tests and benches, generated with Pillow (plus hand-built PNG chunks)."""

from __future__ import annotations

import base64
import random
import struct
import zlib
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageStat

from ogpu_desktop.domain.images import EncodedImage, EncodeOptions, ImageError, prepare_image
from ogpu_desktop.errors import UserFacingError

RED = (230, 20, 20)
GREEN = (20, 200, 40)
BLUE = (20, 40, 230)
GREY = (128, 128, 128)

# Values written into test metadata; none of them may appear in an encoded result.
SECRET_MAKE = "SecretCam"
SECRET_MODEL = "Spyglass 9000"
SECRET_COMMENT = "meet at the old mill"
SECRET_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator='
    b'"Jane Private"/></rdf:RDF></x:xmpmeta>'
)
GPS_LATITUDE = (52.0, 31.0, 12.5)
GPS_LONGITUDE = (13.0, 24.0, 36.25)


def photo_like(
    width: int, height: int, seed: int = 0, grain: float = 0.2, texture: float = 0.0
) -> Image.Image:
    """An RGB picture with gradients, a few shapes, grain and texture, so JPEG sizes are realistic.

    Args:
        width: Width in pixels.
        height: Height in pixels.
        seed: Seed of the noise, so the same call gives the same picture.
        grain: Weight of per-pixel noise (sensor grain; mostly averaged away by downscaling).
        texture: Weight of noise six pixels wide (detail that survives downscaling).
    """
    size = (width, height)
    bilinear = Image.Resampling.BILINEAR
    picture = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").rotate(90).resize(size, bilinear),
            Image.linear_gradient("L").resize(size, bilinear),
            Image.radial_gradient("L").resize(size, bilinear),
        ),
    )
    draw = ImageDraw.Draw(picture)
    for index, colour in enumerate((RED, GREEN, BLUE)):
        left, top = width * (index + 1) // 5, height * (index + 1) // 6
        draw.ellipse((left, top, left + width // 6, top + height // 4), fill=colour)
    rng = random.Random(seed)
    if texture:
        coarse = _noise((max(1, width // 6), max(1, height // 6)), rng)
        picture = Image.blend(picture, coarse.resize(size, Image.Resampling.BICUBIC), texture)
    return Image.blend(picture, _noise(size, rng), grain)


def _noise(size: tuple[int, int], rng: random.Random) -> Image.Image:
    return Image.merge(
        "RGB", tuple(Image.frombytes("L", size, rng.randbytes(size[0] * size[1])) for _ in range(3))
    )


def cornered(width: int, height: int, colour: tuple[int, int, int] = RED) -> Image.Image:
    """A grey RGB image with a coloured block in its top-left corner (a tenth of each side)."""
    image = Image.new("RGB", (width, height), GREY)
    ImageDraw.Draw(image).rectangle(
        (0, 0, max(1, width // 10) - 1, max(1, height // 10) - 1), fill=colour
    )
    return image


def exif_with(*, orientation: int | None = None, gps: bool = False, camera: bool = False) -> bytes:
    """EXIF bytes with an orientation, a GPS position and/or camera make and model."""
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if camera:
        exif[ExifTags.Base.Make] = SECRET_MAKE
        exif[ExifTags.Base.Model] = SECRET_MODEL
        exif[ExifTags.Base.DateTime] = "2024:05:06 07:08:09"
    if gps:
        location = exif.get_ifd(ExifTags.IFD.GPSInfo)
        location[ExifTags.GPS.GPSLatitudeRef] = "N"
        location[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
        location[ExifTags.GPS.GPSLongitudeRef] = "E"
        location[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    # As bytes: an Exif holding only a GPS block counts as empty, and writers would skip it.
    return exif.tobytes()


def srgb_icc() -> bytes:
    """An sRGB ICC profile as embedded in files."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def save(image: Image.Image, path: Path, image_format: str, **params: object) -> Path:
    """Save ``image`` to ``path`` in ``image_format`` with Pillow's writer options."""
    image.save(path, image_format, **params)
    return path


def to_bytes(image: Image.Image, image_format: str, **params: object) -> bytes:
    """Encode ``image`` in memory."""
    buffer = BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def animated(path: Path, colours: Sequence[tuple[int, int, int]], image_format: str) -> Path:
    """An animation with one flat frame per colour (GIF or WebP)."""
    frames = [Image.new("RGB", (64, 48), colour) for colour in colours]
    frames[0].save(
        path, image_format, save_all=True, append_images=frames[1:], duration=100, loop=0
    )
    return path


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def raw_png(width: int, height: int, bit_depth: int, colour_type: int, rows: bytes) -> bytes:
    """A PNG built chunk by chunk from unfiltered scanlines (``rows`` has no filter bytes)."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    stride = width * channels * bit_depth // 8
    scanlines = b"".join(
        b"\x00" + rows[row * stride : (row + 1) * stride] for row in range(len(rows) // stride)
    )
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(scanlines))
        + png_chunk(b"IEND", b"")
    )


def bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` grey pixels but holds one row of data.

    Decoding it would allocate the full declared size; a safe reader refuses from the header.
    """
    return raw_png(width, height, 8, 0, bytes(width))


def rgb16_png(width: int, height: int, value: tuple[int, int, int]) -> bytes:
    """A flat 16-bit-per-channel RGB PNG (Pillow itself can't write one)."""
    pixel = struct.pack(">HHH", *value)
    return raw_png(width, height, 16, 2, pixel * (width * height))


def decode_data_url(data_url: str) -> tuple[str, bytes]:
    """Split ``data:<mime>;base64,<payload>`` into the mime type and the decoded bytes."""
    header, _, payload = data_url.partition(",")
    assert header.startswith("data:"), header
    assert header.endswith(";base64"), header
    return header[5:-7], base64.b64decode(payload, validate=True)


def png_chunk_types(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, kinds = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds


def jpeg_segment_markers(data: bytes) -> list[int]:
    """The JPEG marker bytes (``0xE1`` for APP1 and so on) up to the start of scan."""
    assert data.startswith(b"\xff\xd8")
    position, markers = 2, []
    while position < len(data):
        assert data[position] == 0xFF, f"no marker at {position}"
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers


# --- checks on encoded results ----------------------------------------------------------------

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
    """Whether pixel ``actual`` is within ``tolerance`` of ``expected`` in every channel."""
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def grey_level(image: Image.Image, position: tuple[int, int]) -> int:
    """The value of one pixel of a single-band image."""
    value = image.getpixel(position)
    assert isinstance(value, int)
    return value


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    """Mean absolute difference of two RGB images, averaged over the channels."""
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3


def refusal(source: bytes | str | Path, options: EncodeOptions | None = None) -> str:
    """The message of the ImageError that ``prepare_image(source)`` must raise."""
    with pytest.raises(ImageError) as caught:
        prepare_image(source, options or EncodeOptions())
    assert isinstance(caught.value, UserFacingError)
    return caught.value.message
