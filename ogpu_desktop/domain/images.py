"""Turn a picture the user chose into a task input: a clean, downscaled data URL, or a link."""

from __future__ import annotations

import base64
import binascii
import math
import os
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote_to_bytes

from PIL import Image, ImageOps, UnidentifiedImageError

from ogpu_desktop.domain.image_decoding import (
    ImageError,
    bomb_message,
    damaged_message,
    describe_unsupported,
    find_private_details,
    pixels_in,
    to_output_mode,
    to_working_mode,
    too_large_message,
)
from ogpu_desktop.domain.image_guard import allowed_formats, decode_guard
from ogpu_desktop.domain.image_links import ImageLink, validate_image_url
from ogpu_desktop.domain.sizes import human_size

__all__ = [
    "DEFAULT_OPTIONS",
    "EncodeOptions",
    "EncodedImage",
    "ImageError",
    "ImageInput",
    "ImageLink",
    "encode_image_bytes",
    "encode_image_file",
    "prepare_image",
    "validate_image_url",
]

_DRAFT_FORMATS = frozenset({"JPEG", "MPO"})
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class EncodeOptions:
    """Limits and quality settings for embedding an image in a task.

    Attributes:
        max_side: Longest side of the result in pixels; larger images are scaled down, never up.
        jpeg_quality: JPEG quality, 1 (smallest) to 95 (best).
        max_payload_chars: Largest data URL accepted, in characters. The task config is public
            and stored with the task, so large embedded images cost everyone.
        max_input_bytes: Largest file or byte string read at all.
        max_pixels: Largest width x height decoded; bigger headers are refused as a possible
            decompression bomb.
    """

    max_side: int = 1024
    jpeg_quality: int = 85
    max_payload_chars: int = 2_000_000
    max_input_bytes: int = 50_000_000
    max_pixels: int = 100_000_000

    def __post_init__(self) -> None:
        if not 16 <= self.max_side <= 16384:
            raise ImageError("The largest image side must be between 16 and 16384 pixels.")
        if not 1 <= self.jpeg_quality <= 95:
            raise ImageError("The JPEG quality must be between 1 and 95.")
        if self.max_payload_chars < 1 or self.max_input_bytes < 1 or self.max_pixels < 1:
            raise ImageError("Image size limits must be positive.")


DEFAULT_OPTIONS = EncodeOptions()


@dataclass(frozen=True)
class EncodedImage:
    """An image re-encoded for embedding in a task, with every piece of metadata removed.

    Attributes:
        data_url: ``data:image/jpeg;base64,...`` or ``data:image/png;base64,...``.
        mime_type: ``image/jpeg`` or ``image/png``.
        width: Width of the encoded image in pixels, upright.
        height: Height of the encoded image in pixels, upright.
        original_width: Width of the source image, upright (after applying its orientation).
        original_height: Height of the source image, upright.
        encoded_bytes: Size of the encoded JPEG or PNG file.
        payload_chars: Length of ``data_url``: what the image adds to the task config.
        notices: What was changed, in plain words, to show the user.
    """

    data_url: str
    mime_type: str
    width: int
    height: int
    original_width: int
    original_height: int
    encoded_bytes: int
    payload_chars: int
    notices: tuple[str, ...] = field(default=())

    @property
    def value(self) -> str:
        """The string that goes into the task input."""
        return self.data_url


ImageInput = EncodedImage | ImageLink


def prepare_image(
    source: bytes | bytearray | memoryview | str | os.PathLike[str],
    options: EncodeOptions = DEFAULT_OPTIONS,
) -> ImageInput:
    """Turn whatever the user gave into a task image input.

    Bytes are encoded; an ``http(s)://`` link is checked and kept as a link (nothing is
    downloaded); a pasted ``data:image/...`` URL is decoded and re-encoded; any other string or
    path is read as a local file.

    Args:
        source: Image bytes, a link, a data URL or a local file path.
        options: Size limits and quality.

    Returns:
        An :class:`EncodedImage` or an :class:`ImageLink`.

    Raises:
        ImageError: When the input cannot be used, with the reason in plain words.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return encode_image_bytes(bytes(source), options)
    if isinstance(source, str):
        text = source.strip()
        lowered = text[:8].lower()
        if lowered.startswith(("http://", "https://")):
            return validate_image_url(text)
        if lowered.startswith("data:"):
            return encode_image_bytes(_decode_data_url(text, options), options)
        if _has_url_scheme(text) and not Path(text).is_file():
            scheme = text.split(":", 1)[0]
            raise ImageError(
                f"Links starting with “{scheme}:” can't be used. Give an http:// or https:// "
                "link, or choose a file on this computer."
            )
        if not text:
            raise ImageError("No image was given. Choose a file, paste an image or give a link.")
        return encode_image_file(text, options)
    return encode_image_file(source, options)


def encode_image_file(
    path: str | os.PathLike[str], options: EncodeOptions = DEFAULT_OPTIONS
) -> EncodedImage:
    """Read a local image file and encode it (see :func:`encode_image_bytes`).

    Raises:
        ImageError: When the file is missing, unreadable, too large, or not a usable image.
    """
    file = Path(path)
    name = file.name or str(file)
    if len(name) > 60:
        name = name[:57] + "..."
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise ImageError(f"“{name}” is a folder, not an image file.")
        if size > options.max_input_bytes:
            raise ImageError(too_large_message(size, options.max_input_bytes))
        with file.open("rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            data = handle.read(options.max_input_bytes + 1)
    except FileNotFoundError:
        raise ImageError(f"There is no file “{name}” any more. Choose it again.") from None
    except PermissionError:
        raise ImageError(f"“{name}” can't be opened: permission denied.") from None
    except OSError as exc:
        raise ImageError(f"“{name}” can't be read ({exc.strerror or 'read error'}).") from None
    except ValueError:  # a NUL character, which no file name can hold
        raise ImageError("That is not a valid file name.") from None
    return encode_image_bytes(data, options)


def encode_image_bytes(data: bytes, options: EncodeOptions = DEFAULT_OPTIONS) -> EncodedImage:
    """Encode image bytes as a clean, downscaled data URL.

    The picture is turned upright from its EXIF orientation, scaled so its longest side is at
    most ``options.max_side``, stripped of all metadata (EXIF including location, XMP,
    comments, text chunks; a colour profile is applied, then dropped), and saved as JPEG, or as
    PNG when it has real transparency. Animated images keep their first frame.

    Args:
        data: The file's bytes.
        options: Size limits and quality.

    Returns:
        The encoded image with its sizes and notices.

    Raises:
        ImageError: For empty, oversized, damaged, unsupported or suspiciously huge images, and
            when the result would be larger than ``options.max_payload_chars``.
    """
    if not data:
        raise ImageError("The image is empty (0 bytes). Choose another file.")
    if len(data) > options.max_input_bytes:
        raise ImageError(too_large_message(len(data), options.max_input_bytes))
    with decode_guard():
        try:
            decoded = _decode(data, options)
        except ImageError:
            raise
        except Image.DecompressionBombError as exc:
            raise ImageError(bomb_message(pixels_in(exc), options.max_pixels)) from None
        except MemoryError:
            raise ImageError("The image is too large to open on this computer.") from None
        except Exception as exc:  # any decoder failure means the file is unusable
            raise ImageError(damaged_message(exc)) from None
    return _encode(decoded, options)


@dataclass
class _Decoded:
    image: Image.Image
    original_size: tuple[int, int]
    icc_profile: bytes | None
    notices: list[str]


def _decode(data: bytes, options: EncodeOptions) -> _Decoded:
    try:
        opened = Image.open(BytesIO(data), formats=allowed_formats())
    except UnidentifiedImageError:
        raise ImageError(describe_unsupported(data)) from None
    width, height = opened.size
    if width < 1 or height < 1:
        raise ImageError("The image has no pixels (its width or height is 0).")
    if width * height > options.max_pixels:
        raise ImageError(bomb_message((width, height), options.max_pixels))
    notices: list[str] = []
    # Camera MPO files hold a preview or depth picture after the photo: nothing to mention.
    if opened.format != "MPO" and getattr(opened, "is_animated", False):
        what = "page" if opened.format == "TIFF" else "frame of the animation"
        notices.append(f"Only the first {what} is sent.")

    # Resizing happens before turning upright; the longest side is the same either way.
    target = _fit((width, height), options.max_side)
    box: tuple[float, float, float, float] | None = None
    if opened.format in _DRAFT_FORMATS and target != (width, height):
        # Let libjpeg scale by 1/2, 1/4 or 1/8 while decoding: far less work than a full decode.
        drafted = opened.draft(None, target)
        if drafted is not None:
            box = drafted[1]
    opened.load()
    # Only now: reading a PNG's EXIF loads its pixels, and a failure there must not pass for
    # "no orientation" and leave a blank picture to be sent.
    orientation = _orientation(opened)
    notices.extend(find_private_details(opened))
    icc = opened.info.get("icc_profile")

    image = to_working_mode(opened)
    if target != image.size:
        image = image.resize(target, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if orientation != 1:
        # Only the orientation travels to exif_transpose; the original EXIF stays behind.
        image.info = {"exif": _orientation_exif(orientation)}
        image = ImageOps.exif_transpose(image)
    if orientation in _SWAPPING_ORIENTATIONS:
        width, height = height, width
    if image.size != (width, height):
        notices.insert(
            0, f"Resized from {width}\u00d7{height} to {image.width}\u00d7{image.height}."
        )
    return _Decoded(image, (width, height), icc if isinstance(icc, bytes) else None, notices)


def _encode(decoded: _Decoded, options: EncodeOptions) -> EncodedImage:
    image, colour_notice = to_output_mode(decoded.image, decoded.icc_profile)
    notices = decoded.notices
    if colour_notice:
        notices.append(colour_notice)
    # A fresh info dict: the PNG and JPEG writers copy comments, ICC and XMP from it otherwise.
    image.info = {}
    buffer = BytesIO()
    if image.mode in ("RGBA", "LA"):
        mime = "image/png"
        image.save(buffer, "PNG", compress_level=6)
        notices.append("Transparency kept, so the image is sent as PNG.")
    else:
        mime = "image/jpeg"
        image.save(buffer, "JPEG", quality=options.jpeg_quality, optimize=True)
    encoded = buffer.getvalue()
    prefix = f"data:{mime};base64,"
    payload_chars = len(prefix) + 4 * math.ceil(len(encoded) / 3)
    if payload_chars > options.max_payload_chars:
        raise ImageError(
            f"The encoded image is {human_size(payload_chars)}, more than the "
            f"{human_size(options.max_payload_chars)} allowed inside a task. Choose a smaller "
            f"maximum size than {options.max_side} px, or send a link to the image instead."
        )
    data_url = prefix + base64.b64encode(encoded).decode("ascii")
    return EncodedImage(
        data_url=data_url,
        mime_type=mime,
        width=image.width,
        height=image.height,
        original_width=decoded.original_size[0],
        original_height=decoded.original_size[1],
        encoded_bytes=len(encoded),
        payload_chars=len(data_url),
        notices=tuple(notices),
    )


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # unreadable EXIF only means "no orientation"
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _orientation_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[_EXIF_ORIENTATION] = orientation
    return exif.tobytes()


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    longest = max(width, height)
    if longest <= max_side:
        return size
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _has_url_scheme(text: str) -> bool:
    scheme, sep, _ = text.partition(":")
    # One letter is a Windows drive ("C:\\photos"), not a scheme.
    return bool(sep) and len(scheme) > 1 and scheme.isascii() and scheme.isalpha()


def _decode_data_url(text: str, options: EncodeOptions) -> bytes:
    header, sep, payload = text.partition(",")
    if not sep or not header.lower().startswith("data:image/"):
        raise ImageError("This data URL does not hold an image (it must start with data:image/).")
    if len(payload) > options.max_input_bytes * 4 // 3 + 4:
        raise ImageError(too_large_message(len(payload) * 3 // 4, options.max_input_bytes))
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode("".join(payload.split()), validate=True)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise ImageError("The pasted data URL is damaged (its base64 text is not valid).") from None
