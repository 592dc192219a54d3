"""Check cheaply that a file is an image that can be sent, reading its header and not its pixels.

Listing a folder of 2,000 photos must stay fast and small, so nothing is decoded here except in
one case: a JPEG or PNG whose last bytes are not the format's end marker may be cut short, and is
decoded at the smallest scale (JPEG) or its chunks checked (PNG) to tell. Camera files with data
after the picture (motion photos) pass that check. The full decode, with every size limit, is done
by :func:`ogpu_desktop.domain.images.encode_image_bytes` when the image is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from ogpu_desktop.domain.image_decoding import (
    ImageError,
    bomb_message,
    damaged_message,
    describe_unsupported,
    pixels_in,
    too_large_message,
)
from ogpu_desktop.domain.image_guard import allowed_formats, decode_guard
from ogpu_desktop.domain.images import DEFAULT_OPTIONS, EncodeOptions

_JPEG_FORMATS = frozenset({"JPEG", "MPO"})
_JPEG_END = b"\xff\xd9"
_PNG_END = b"IEND\xaeB`\x82"
_TAIL_BYTES = 64
_HEAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ProbedImage:
    """What the header of an image file says, and the file's state when it was read.

    Attributes:
        width: Width in pixels, as stored (before any EXIF orientation).
        height: Height in pixels, as stored.
        image_format: Pillow's format name (``"JPEG"``, ``"PNG"``, ``"WEBP"``…).
        size_bytes: The file's size when it was read.
        mtime_ns: The file's modification time when it was read, in nanoseconds.
    """

    width: int
    height: int
    image_format: str
    size_bytes: int
    mtime_ns: int


def probe_image_file(
    path: str | os.PathLike[str], options: EncodeOptions = DEFAULT_OPTIONS
) -> ProbedImage:
    """Check that ``path`` is an image within ``options``' limits without decoding its pixels.

    Args:
        path: The file.
        options: The limits the image will be encoded with (file size, pixel count).

    Returns:
        The image's size and format, and the file's size and modification time.

    Raises:
        ImageError: Missing, unreadable, a folder, empty, too large, not an image (the format is
            named when recognisable), damaged or cut short, or declaring more pixels than allowed.
    """
    file = Path(path)
    name = _short_name(file)
    try:
        with file.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size == 0:
                raise ImageError("The image is empty (0 bytes). Choose another file.")
            if stat.st_size > options.max_input_bytes:
                raise ImageError(too_large_message(stat.st_size, options.max_input_bytes))
            width, height, image_format = _read_header(handle, stat.st_size, options)
    except IsADirectoryError:
        raise ImageError(f"“{name}” is a folder, not an image file.") from None
    except FileNotFoundError:
        raise ImageError(f"There is no file “{name}” any more. Choose it again.") from None
    except PermissionError:
        raise ImageError(f"“{name}” can't be opened: permission denied.") from None
    except OSError as exc:
        raise ImageError(f"“{name}” can't be read ({exc.strerror or 'read error'}).") from None
    except ValueError:  # a NUL character, which no file name can hold
        raise ImageError("That is not a valid file name.") from None
    return ProbedImage(width, height, image_format, stat.st_size, stat.st_mtime_ns)


def _read_header(handle: BinaryIO, size: int, options: EncodeOptions) -> tuple[int, int, str]:
    with decode_guard():
        try:
            opened = Image.open(handle, formats=allowed_formats())
        except UnidentifiedImageError:
            handle.seek(0)
            raise ImageError(describe_unsupported(handle.read(_HEAD_BYTES))) from None
        except Image.DecompressionBombError as exc:
            raise ImageError(bomb_message(pixels_in(exc), options.max_pixels)) from None
        except OSError as exc:
            if exc.errno is not None:
                raise  # the file system's error, reported by the caller
            raise ImageError(damaged_message(exc)) from None
        except Exception as exc:  # any parser failure on the header means the file is unusable
            raise ImageError(damaged_message(exc)) from None
        with opened:
            width, height = opened.size
            if width < 1 or height < 1:
                raise ImageError("The image has no pixels (its width or height is 0).")
            if width * height > options.max_pixels:
                raise ImageError(bomb_message((width, height), options.max_pixels))
            image_format = opened.format or "unknown"
            if not _ends_cleanly(handle, size, image_format):
                _check_complete(opened, image_format)
    return width, height, image_format


def _ends_cleanly(handle: BinaryIO, size: int, image_format: str) -> bool:
    if image_format in _JPEG_FORMATS:
        marker = _JPEG_END
    elif image_format == "PNG":
        marker = _PNG_END
    else:
        return True  # other formats are checked in full when they are encoded
    handle.seek(max(0, size - _TAIL_BYTES))
    return marker in handle.read(_TAIL_BYTES)


def _check_complete(opened: Image.Image, image_format: str) -> None:
    """Decode as little as tells a cut-short file from one with data after the picture."""
    try:
        if image_format == "PNG":
            opened.verify()  # reads every chunk and checks its CRC; no pixels are decoded
        else:
            opened.draft(None, (1, 1))  # libjpeg decodes at 1/8 scale: little more than a read
            opened.load()
    except Exception as exc:  # any decoder failure means the file is unusable
        raise ImageError(damaged_message(exc)) from None


def _short_name(file: Path) -> str:
    name = file.name or str(file)
    return name if len(name) <= 60 else name[:57] + "..."
