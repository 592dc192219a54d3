"""What a task was asked: its input texts, its input image, and its config JSON for display."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.domain.bounded_json import loads_bounded

# Not from image_decoding, which loads Pillow: this module is part of the detail panel.
from ogpu_desktop.domain.sizes import human_size

DATA_URL_PREFIX = "data:image/"
SHOWN_DATA_URL_CHARS = 64


@dataclass(frozen=True)
class InputImage:
    """The image a task was asked about: embedded bytes, or the URL the provider downloads."""

    data: bytes | None = None
    url: str | None = None


def _input_of(config: Mapping[str, Any]) -> Any:
    data = config.get("data")
    return data.get("input") if isinstance(data, Mapping) else None


def input_texts(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The text inputs, one per batch item (what a batch result is shown beside)."""
    value = _input_of(config)
    if isinstance(value, str):
        return () if value.startswith(DATA_URL_PREFIX) else (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return ()


def input_words(config: Mapping[str, Any]) -> str:
    """The text a single task was asked about, shown beside its result ("" when none).

    The question of a picture, a prompt, the text to translate, summarise or classify, or a chat
    as ``role: content`` lines. A batch's texts are shown by its result, each beside its answer.
    """
    value = _input_of(config)
    if isinstance(value, Mapping):
        value = value.get("question", value.get("text"))
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return "" if value.startswith(DATA_URL_PREFIX) else value
    if isinstance(value, list) and value and all(isinstance(m, Mapping) for m in value):
        lines = [f"{m.get('role', '')}: {m.get('content', '')}" for m in value]
        return "\n".join(lines)
    return ""


def input_image(config: Mapping[str, Any]) -> InputImage | None:
    """The input image of an image-classification or VQA task, if there is one."""
    value = _input_of(config)
    if isinstance(value, Mapping):
        value = value.get("image")
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith(DATA_URL_PREFIX) and ";base64," in text:
        try:
            return InputImage(data=base64.b64decode(text.split(",", 1)[1], validate=True))
        except (binascii.Error, ValueError):
            return None
    if text.startswith(("http://", "https://")):
        return InputImage(url=text)
    return None


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("data:") and len(value) > SHOWN_DATA_URL_CHARS:
        size = human_size(len(value))
        return f"{value[:SHOWN_DATA_URL_CHARS]}… ({size} embedded image, shortened here)"
    if isinstance(value, Mapping):
        return {k: _shorten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    return value


def config_display_text(config_json: str) -> str:
    """The config pretty-printed, with embedded images shortened so the text stays readable."""
    try:
        value = loads_bounded(config_json)
    except ValueError:
        return config_json
    return json.dumps(_shorten(value), indent=2, ensure_ascii=False)
