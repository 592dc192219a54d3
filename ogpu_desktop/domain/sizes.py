"""Byte and character counts in the words people read: "840 kB", "2.4 MB"."""

from __future__ import annotations


def human_size(size: int) -> str:
    """Format a byte or character count as ``"840 kB"`` or ``"2.4 MB"`` (powers of 1000)."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB"
