"""Reading user images: naming unsupported formats, finding metadata, normalising colour."""

from __future__ import annotations

import functools
import re
from io import BytesIO
from typing import TYPE_CHECKING

from PIL import ExifTags, Image

from ogpu_desktop.domain.sizes import human_size
from ogpu_desktop.errors import UserFacingError

if TYPE_CHECKING:
    from PIL.ImageCms import ImageCmsProfile


class ImageError(UserFacingError):
    """An image that cannot be sent, with the reason and what to do in plain words."""


# Top-level TIFF/EXIF tags that describe the camera, the owner or the editing software.
_DESCRIPTIVE_TAGS = frozenset(
    {
        ExifTags.Base.ImageDescription,
        ExifTags.Base.Make,
        ExifTags.Base.Model,
        ExifTags.Base.Software,
        ExifTags.Base.DateTime,
        ExifTags.Base.Artist,
        ExifTags.Base.HostComputer,
        ExifTags.Base.Copyright,
        ExifTags.Base.XPTitle,
        ExifTags.Base.XPComment,
        ExifTags.Base.XPAuthor,
        ExifTags.Base.XPKeywords,
        ExifTags.Base.XPSubject,
    }
)
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")
_NOT_TEXT_NOTES = frozenset({*_XMP_KEYS, "Raw profile type exif"})
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_KNOWN_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_OTHER_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"8BPS", "a Photoshop (PSD) file"),
    (b"%!PS", "a PostScript (EPS) file"),
    (b"\xc5\xd0\xd3\xc6", "a PostScript (EPS) file"),
    (b"\x00\x00\x01\x00", "a Windows icon (ICO)"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (b"\x00\x00\x00\x0cJXL ", "a JPEG XL image"),
    (b"\xff\x0a", "a JPEG XL image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
)
SUPPORTED_FORMATS_TEXT = "JPEG, PNG, WebP, GIF, BMP or TIFF"
_WEB_PAGE = "a web page (HTML)"
_TEXT_FILE = "a text file"
_TEXT_KINDS = frozenset({_WEB_PAGE, _TEXT_FILE})


def describe_unsupported(data: bytes) -> str:
    """Explain why ``data`` can't be used as an image, naming its format when recognisable."""
    head = data[:4096]
    for signature, known in _KNOWN_SIGNATURES:
        if head.startswith(signature):
            return _damaged(known)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _damaged("WebP")
    name = _sniff_other_format(head)
    if name is None or name in _TEXT_KINDS:
        kind = f"This is {name}, not an image." if name else "This file is not a readable image."
        return f"{kind} Use a {SUPPORTED_FORMATS_TEXT} file."
    return (
        f"This is {name}, which can't be sent as an image. Save or export it as JPEG or PNG first."
    )


def _damaged(format_name: str) -> str:
    return f"The {format_name} image is damaged and can't be read. Try opening and saving it again."


def _sniff_other_format(head: bytes) -> str | None:
    for signature, name in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return name
    if head[4:8] == b"ftyp":
        return _media_kind(head)
    if b"\x00" in head:
        return None
    return _text_kind(head)


def _media_kind(head: bytes) -> str:
    brands = {head[i : i + 4] for i in range(8, min(len(head), 64), 4)}
    if brands & _AVIF_BRANDS:
        return "an AVIF image (not readable on this computer)"
    if brands & _HEIF_BRANDS:
        return "a HEIC/HEIF photo (the usual format of iPhone photos)"
    return "a video or other media file"


def _text_kind(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace")
    if text.count("\ufffd") > len(text) // 100:
        return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith("<svg") or (lowered.startswith(("<?xml", "<!")) and "<svg" in lowered):
        return "an SVG drawing"
    if "<html" in lowered or lowered.startswith("<!doctype html"):
        return _WEB_PAGE
    return _TEXT_FILE


def find_private_details(image: Image.Image) -> list[str]:
    """Name the metadata in a loaded image that encoding will remove, as notices for the user."""
    try:
        exif = image.getexif()
        has_gps = bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or ExifTags.Base.GPSInfo in exif
        has_camera = bool(exif.get_ifd(ExifTags.IFD.Exif)) or not _DESCRIPTIVE_TAGS.isdisjoint(exif)
    except Exception:  # unreadable EXIF is removed all the same
        has_gps, has_camera = False, "exif" in image.info
    found: list[str] = []
    if has_camera:
        found.append("camera and photo information (EXIF)")
    info = image.info
    if any(key in info for key in _XMP_KEYS) or "photoshop" in info:
        found.append("editing data (XMP/IPTC)")
    if info.get("comment"):
        found.append("a comment")
    text_chunks = getattr(image, "text", None)
    if isinstance(text_chunks, dict) and any(k not in _NOT_TEXT_NOTES for k in text_chunks):
        found.append("text notes")
    notices = ["Location data (GPS) removed."] if has_gps else []
    if found:
        notices.append("Hidden details removed: " + ", ".join(found) + ".")
    return notices


def to_working_mode(image: Image.Image) -> Image.Image:
    """Convert any decoded mode to L, LA, RGB, RGBA or CMYK, which resample well.

    Raises:
        ImageError: For colour modes that cannot be converted.
    """
    mode = image.mode
    keyed = "transparency" in image.info
    if mode in ("RGB", "L") and keyed:
        return image.convert("RGBA" if mode == "RGB" else "LA")
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return image
    if mode in ("P", "PA"):
        return image.convert("RGBA" if keyed or mode == "PA" else "RGB")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        return _high_depth_to_l(image)
    premultiplied = {"La": "LA", "RGBa": "RGBA"}
    try:
        return image.convert(premultiplied.get(mode, "RGB"))
    except ValueError:
        raise ImageError(
            f"Images stored in the {mode} colour mode can't be used. Save it as JPEG or PNG first."
        ) from None


def _high_depth_to_l(image: Image.Image) -> Image.Image:
    # Pillow clips 16-bit and float values when converting to 8 bits, so scale them first.
    wide = image.convert("F")
    low, high = wide.getextrema()
    assert isinstance(low, int | float)
    assert isinstance(high, int | float)
    if image.mode == "F" and low >= 0 and high <= 1.0:
        scale = 255.0
    elif high > 255:
        scale = 255 / (65535 if high <= 65535 else high)
    else:
        scale = 1.0
    return wide.point(lambda value: value * scale).convert("L")


def to_output_mode(image: Image.Image, icc_profile: bytes | None) -> tuple[Image.Image, str | None]:
    """Bring a working-mode image to sRGB L, RGB, LA or RGBA, dropping alpha that is all opaque.

    Returns:
        The image, and a notice when its colour profile could not be applied.
    """
    notice = None
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        converted = _to_srgb(image, icc_profile)
        if converted is None:
            notice = (
                "The image's colour profile could not be applied, so colours may look slightly "
                "different."
            )
        else:
            image = converted
    if image.mode == "CMYK":
        image = image.convert("RGB")
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert(image.mode[:-1])
    return image, notice


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image | None:
    try:
        from PIL import ImageCms  # noqa: PLC0415 - optional: Pillow may be built without LittleCMS
    except ImportError:
        return None
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        space = source.profile.xcolor_space.strip()
        if space != ("CMYK" if image.mode == "CMYK" else "RGB"):
            return None
        base = image.convert("RGB") if image.mode == "RGBA" else image
        converted = ImageCms.profileToProfile(base, source, _srgb_profile(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    if converted is None:
        return None
    if image.mode == "RGBA":
        converted.putalpha(image.getchannel("A"))
    return converted


@functools.cache
def _srgb_profile() -> ImageCmsProfile:
    from PIL import ImageCms  # noqa: PLC0415 - only reached once the import above succeeded

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def too_large_message(size: int, max_bytes: int) -> str:
    """Refuse a file of ``size`` bytes when at most ``max_bytes`` are read."""
    return (
        f"The file is {human_size(size)}; images up to {human_size(max_bytes)} "
        "can be used. Shrink it in an image editor first, or send a link instead."
    )


def bomb_message(size: tuple[int, int] | int | None, max_pixels: int) -> str:
    """Refuse an image declaring ``size`` (width and height, or a pixel count, or unknown)."""
    limit = f"{max_pixels / 1_000_000:g} megapixels"
    if isinstance(size, tuple):
        megapixels = size[0] * size[1] / 1_000_000
        described = f"{size[0]}\u00d7{size[1]} pixels ({megapixels:,.0f} megapixels), more than"
    elif size:
        described = f"{size / 1_000_000:,.0f} megapixels, more than"
    else:
        described = "far more pixels than"
    return (
        f"The image declares {described} the {limit} that can be opened safely. "
        "Shrink it in an image editor first, or send a link instead."
    )


def pixels_in(error: Image.DecompressionBombError) -> int | None:
    """The pixel count in Pillow's own decompression bomb error, when it can be found."""
    # Pillow refuses past twice its own limit before the size reaches this module; its message
    # is the only place the declared pixel count is given.
    match = re.search(r"\((\d+) pixels\)", str(error))
    return int(match[1]) if match else None


def damaged_message(exc: Exception) -> str:
    """Explain a decoder failure: a cut-short file, or a damaged one."""
    if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
        return (
            "The image file is incomplete (cut short). It may not have finished downloading "
            "or copying; get the file again."
        )
    return "The image file is damaged and can't be read. Try opening and saving it again."
