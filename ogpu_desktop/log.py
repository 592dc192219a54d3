"""Logging set-up: one rotating file in the profile's log folder, and a redaction filter.

The redaction filter is a second line of defence: code never logs a key, but a 64-hex-digit
string that looks like one is masked before any handler writes it.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_FILE_NAME = "ogpu-desktop.log"
_KEY_LIKE = re.compile(r"(?<![0-9a-fA-Fx])(0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])")


class RedactKeys(logging.Filter):
    """Masks anything shaped like a private key (32 bytes in hex) in a log record.

    Transaction hashes have the same shape; they are masked too only when not prefixed by a
    ``tx=``/``hash=`` marker, so logs stay useful for support.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _KEY_LIKE.sub(_mask, message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def _mask(match: re.Match[str]) -> str:
    start = match.string.rfind(" ", 0, match.start()) + 1
    prefix = match.string[start : match.start()]
    if prefix.endswith(("tx=", "hash=", "block=")):
        return match.group(0)
    return "<redacted-64-hex>"


def configure_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Send the app's logs to a rotating file under ``log_dir`` and return its path."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / LOG_FILE_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactKeys())
    root = logging.getLogger("ogpu_desktop")
    root.setLevel(level)
    root.addHandler(handler)
    return path
