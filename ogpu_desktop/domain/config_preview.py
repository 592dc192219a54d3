"""Formats the task configs about to be published for the JSON preview."""

from __future__ import annotations

import json
from typing import Any

from ogpu_desktop.domain.payload import TaskPayloads

PREVIEW_STRING_CHARS = 300
"""Strings longer than this (embedded images) are shortened in the preview only."""


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > PREVIEW_STRING_CHARS:
        return f"{value[:80]}… ({len(value):,} characters in total)"
    if isinstance(value, dict):
        return {key: _shorten(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shorten(item) for item in value]
    return value


def preview_text(payloads: TaskPayloads) -> str:
    """Return the configs as indented JSON, one block per task; very long strings are shortened."""
    blocks = []
    for index, config in enumerate(payloads.configs):
        body = json.dumps(_shorten(config), indent=2, ensure_ascii=False)
        heading = f"// Task {index + 1} of {payloads.count}\n" if payloads.count > 1 else ""
        blocks.append(heading + body)
    return "\n\n".join(blocks)
