"""The one way every reader of user images opens them: the decoders allowed, under one guard."""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

# Formats decoded at all. Other Pillow plugins (EPS runs Ghostscript, for one) never see user files.
# Camera JPEGs with several pictures open through the JPEG plugin and report themselves as MPO.
WANTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")

# Pillow's bomb check warns (a process-wide warnings filter decides what that does) above its own
# limit; each reader's explicit pixel limit decides instead. The filter change is scoped to the
# decode and the lock keeps two decodes from swapping the warnings filters under each other.
_DECODE_LOCK = threading.Lock()


@functools.cache
def allowed_formats() -> tuple[str, ...]:
    """The Pillow format names a user file may be opened as, on this build of Pillow."""
    # AVIF, for one, depends on how Pillow was built; asking Pillow for a missing plugin fails.
    Image.init()
    return tuple(name for name in WANTED_FORMATS if name in Image.OPEN)


@contextmanager
def decode_guard() -> Iterator[None]:
    """Open and decode user images inside this block only.

    It serialises decodes and silences Pillow's own decompression-bomb warning, so that the
    caller's pixel limit (checked from the header before decoding) is what refuses a bomb.
    Pillow still raises ``Image.DecompressionBombError`` far past its own limit.
    """
    with _DECODE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield
