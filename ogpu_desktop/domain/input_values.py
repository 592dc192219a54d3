"""Checks of single task input values: texts, embedded images or links, and free JSON."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from ogpu_desktop.domain.bounded_json import MAX_JSON_DEPTH, JsonTooDeepError, loads_bounded
from ogpu_desktop.domain.image_decoding import ImageError
from ogpu_desktop.domain.image_links import PUBLIC_LINK_NOTICE, validate_image_url
from ogpu_desktop.domain.pipeline_args import Notice, Severity
from ogpu_desktop.errors import ValidationError

MAX_TEXT_CHARS = 200_000
"""Longest text accepted in one task; far beyond what a pipeline model reads."""
MAX_IMAGE_CHARS = 8_000_000
"""Longest embedded image (data URL) accepted; the task config is pinned publicly as it is."""

_DATA_URL = re.compile(r"data:image/([a-z0-9.+-]+);base64,(.*)", re.IGNORECASE | re.DOTALL)
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_LIST_REFUSED = (
    "The HuggingFace source refuses a list as input, so such a task is never answered. Publish "
    "one task per item instead."
)
_TEXT_OR_OBJECT = "Enter text or a JSON object."


def text_too_long(label: str, length: int, field: str | None) -> ValidationError:
    """Return the error for a text of ``length`` characters beyond :data:`MAX_TEXT_CHARS`."""
    return ValidationError(
        f"{label} is {length:,} characters long; at most {MAX_TEXT_CHARS:,} fit in one task.",
        field,
    )


def parse_json_object(raw: object, label: str, field: str | None) -> dict[str, Any]:
    """Read a JSON object typed in a form (blank means empty).

    Args:
        raw: The typed text, or an already parsed value.
        label: The field's label, for messages.
        field: The field's name, for errors.

    Raises:
        ValidationError: The text is not JSON, or not an object.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    value = _parse_json(raw, label, field) if isinstance(raw, str) else raw
    if not isinstance(value, dict):
        raise ValidationError(
            f'{label} must be a JSON object in braces, such as {{"top_k": 3}}.', field
        )
    return value


def parse_custom_input(raw: object, label: str, field: str | None) -> str | dict[str, Any]:
    """Read the free input of a custom task: text, or a JSON object (never a list).

    Text starting with ``{`` must be a JSON object; a JSON string literal is unquoted; a JSON list
    is refused, because the HuggingFace source rejects it; anything else is sent as typed.

    Raises:
        ValidationError: Missing, a list, broken JSON, another type, or too long.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError("Enter the input: text or a JSON object.", field)
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, list | tuple):
        raise ValidationError(_LIST_REFUSED, field)
    if not isinstance(raw, str):
        raise ValidationError(_TEXT_OR_OBJECT, field)
    value: str | dict[str, Any] = raw
    text = raw.strip()
    if text.startswith("{"):
        parsed = _parse_json(text, label, field)
        if not isinstance(parsed, dict):
            raise ValidationError(_TEXT_OR_OBJECT, field)
        value = parsed
    elif text.startswith(("[", '"')):
        try:
            parsed = loads_bounded(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            raise ValidationError(_LIST_REFUSED, field)
        if isinstance(parsed, str):
            value = parsed
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise text_too_long(label, len(value), field)
    return value


def _parse_json(text: str, label: str, field: str | None) -> Any:
    try:
        return loads_bounded(text)
    except JsonTooDeepError:
        raise ValidationError(
            f"{label} nests lists and objects more than {MAX_JSON_DEPTH} levels deep; "
            "no pipeline needs that. Flatten it.",
            field,
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{label} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
            field,
        ) from None


def check_image(value: str, field_name: str = "image") -> tuple[Notice, ...]:
    """Check that an image value has a shape the pipeline can load (nothing is decoded or fetched).

    Accepted: an ``http(s)`` link a provider could download, or a
    ``data:image/<type>;base64,<data>`` URL (as made by :mod:`ogpu_desktop.domain.images`).

    Args:
        value: The image value of a form.
        field_name: The field to name in errors and notices.

    Returns:
        Warnings, such as a link to this computer, which providers cannot reach.

    Raises:
        ValidationError: The value is neither shape, or is malformed or too large.
    """
    text = value.strip()
    match = _DATA_URL.fullmatch(text)
    if match:
        payload = match.group(2)
        if len(text) > MAX_IMAGE_CHARS:
            raise ValidationError(
                f"The embedded image is {len(text) // 1_000_000} MB; at most "
                f"{MAX_IMAGE_CHARS // 1_000_000} MB fit in a task. Use a smaller image or a link.",
                field_name,
            )
        if not payload or len(payload) % 4 or not _BASE64.fullmatch(payload):
            raise ValidationError(
                "The embedded image data is damaged (not valid base64). Add the image again.",
                field_name,
            )
        return ()
    if text.lower().startswith("data:"):
        raise ValidationError(
            "Only an image can be embedded (data:image/…;base64,…). Add the image again.",
            field_name,
        )
    if urlsplit(text).scheme.lower() not in {"http", "https"}:
        raise ValidationError(
            "Enter a web link starting with http:// or https://, or add an image file.",
            field_name,
        )
    try:
        link = validate_image_url(text)
    except ImageError as exc:
        raise ValidationError(exc.message, field_name) from None
    # That the link is public is said once for the whole task, before publishing.
    return tuple(
        Notice(notice, field_name, Severity.WARNING)
        for notice in link.notices
        if notice != PUBLIC_LINK_NOTICE
    )
