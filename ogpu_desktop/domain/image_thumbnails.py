"""Small previews of the user's images for lists, made on demand from the file.

Usage (in an executor; the window keeps the bytes in a small cache keyed by the input's key)::

    thumb = make_thumbnail(entry.path)     # Thumbnail(b"\\xff\\xd8…", "image/jpeg", 96, 72)
    pixmap.loadFromData(thumb.data)

JPEGs are decoded at a reduced scale by libjpeg (draft mode), so a 24-megapixel photo costs a
fraction of a full decode. The same limits as for sending apply: a file too large, or declaring
more pixels than allowed, is refused from its header, before any pixel is decoded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ogpu_desktop.domain.image_decoding import (
    ImageError,
    bomb_message,
    damaged_message,
    describe_unsupported,
    pixels_in,
    to_output_mode,
    to_working_mode,
    too_large_message,
)
from ogpu_desktop.domain.image_guard import allowed_formats, decode_guard
from ogpu_desktop.domain.images import DEFAULT_OPTIONS, EncodeOptions

THUMBNAIL_SIDE = 96
"""Longest side of a thumbnail, in pixels."""
_MAX_SIDE = 1024
_JPEG_QUALITY = 80
_EXIF_ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A small upright preview, without any metadata.

    Attributes:
        data: The encoded file: JPEG, or PNG when the picture has transparency.
        mime_type: ``image/jpeg`` or ``image/png``.
        width: Width in pixels (at most the side asked for).
        height: Height in pixels (at most the side asked for).
    """

    data: bytes
    mime_type: str
    width: int
    height: int


def make_thumbnail(
    path: str | os.PathLike[str],
    side: int = THUMBNAIL_SIDE,
    options: EncodeOptions = DEFAULT_OPTIONS,
) -> Thumbnail:
    """Make a preview of the image at ``path`` whose longest side is at most ``side`` pixels.

    The preview is turned upright from the EXIF orientation; animations show their first frame.

    Args:
        path: An image file.
        side: Longest side of the preview, 8 to 1024 pixels; smaller pictures are not enlarged.
        options: The size limits of the image pipeline (file size, pixel count).

    Returns:
        The preview.

    Raises:
        ImageError: For the same files the image pipeline refuses, in the same words.
        ValueError: ``side`` is out of range (a programming error).
    """
    if not 8 <= side <= _MAX_SIDE:
        raise ValueError(f"a thumbnail side must be 8 to {_MAX_SIDE} pixels, not {side}")
    file = Path(path)
    try:
        with file.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ImageError("The image is empty (0 bytes). Choose another file.")
            if size > options.max_input_bytes:
                raise ImageError(too_large_message(size, options.max_input_bytes))
            data = handle.read(options.max_input_bytes + 1)
    except FileNotFoundError:
        raise ImageError(f"There is no file “{file.name}” any more.") from None
    except IsADirectoryError:
        raise ImageError(f"“{file.name}” is a folder, not an image file.") from None
    except OSError as exc:
        raise ImageError(f"“{file.name}” can't be read ({exc.strerror or 'read error'}).") from None
    with decode_guard():
        try:
            image, icc = _decode_small(data, side, options)
        except ImageError:
            raise
        except Image.DecompressionBombError as exc:
            raise ImageError(bomb_message(pixels_in(exc), options.max_pixels)) from None
        except MemoryError:
            raise ImageError("The image is too large to open on this computer.") from None
        except Exception as exc:  # any decoder failure means the file is unusable
            raise ImageError(damaged_message(exc)) from None
    return _encode(image, icc)


def _decode_small(
    data: bytes, side: int, options: EncodeOptions
) -> tuple[Image.Image, bytes | None]:
    try:
        opened = Image.open(BytesIO(data), formats=allowed_formats())
    except UnidentifiedImageError:
        raise ImageError(describe_unsupported(data)) from None
    width, height = opened.size
    if width < 1 or height < 1:
        raise ImageError("The image has no pixels (its width or height is 0).")
    if width * height > options.max_pixels:
        raise ImageError(bomb_message((width, height), options.max_pixels))
    # libjpeg scales by 1/2, 1/4 or 1/8 while decoding, never below the size asked for.
    opened.draft(None, (side, side))
    opened.load()
    orientation = _orientation(opened)  # after loading: a PNG's EXIF read loads its pixels
    icc = opened.info.get("icc_profile")
    image = to_working_mode(opened)
    image.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    if orientation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[orientation])
    return image, icc if isinstance(icc, bytes) else None


def _encode(image: Image.Image, icc: bytes | None) -> Thumbnail:
    image, _ = to_output_mode(image, icc)
    image.info = {}  # the writers copy comments, ICC and XMP from it otherwise
    buffer = BytesIO()
    if image.mode in ("RGBA", "LA"):
        mime = "image/png"
        image.save(buffer, "PNG")
    else:
        mime = "image/jpeg"
        image.save(buffer, "JPEG", quality=_JPEG_QUALITY)
    return Thumbnail(buffer.getvalue(), mime, image.width, image.height)


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # unreadable EXIF only means "no orientation"
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1
