"""Reads several texts from a .txt file (one per line) or a .csv file (first column)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ogpu_desktop.errors import UserFacingError

MAX_IMPORT_BYTES = 5_000_000
_HEADER_NAMES = frozenset({"text", "texts", "input", "inputs", "prompt", "prompts"})


def read_texts_file(path: Path) -> list[str]:
    """Return the non-blank texts of ``path``.

    A ``.csv`` file gives the first cell of each row, skipping a header row named ``text``,
    ``input`` or ``prompt``; any other file gives one text per line.

    Raises:
        UserFacingError: The file cannot be read or holds no text.
    """
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise UserFacingError(
                f"“{path.name}” is larger than {MAX_IMPORT_BYTES // 1_000_000} MB; "
                "split it into smaller files."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UserFacingError(
            f"“{path.name}” can't be read ({exc.strerror or 'read error'})."
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserFacingError(f"“{path.name}” is not UTF-8 text. Save it as UTF-8.") from None
    if path.suffix.lower() == ".csv":
        rows = [row for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
        if rows and rows[0][0].strip().lower() in _HEADER_NAMES:
            rows = rows[1:]
        texts = [row[0].strip() for row in rows]
    else:
        texts = [line.strip() for line in text.splitlines() if line.strip()]
    if not texts:
        raise UserFacingError(f"“{path.name}” holds no text.")
    return texts
