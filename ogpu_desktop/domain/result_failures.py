"""Telling a provider's failure from a result: error objects and the message they carry."""

from __future__ import annotations

from ogpu_desktop.domain.result_items import FieldMarks
from ogpu_desktop.domain.result_sanitiser import JsonValue
from ogpu_desktop.domain.result_views import MAX_TEXT_CHARS, MAX_TEXT_ITEMS

ITEM_KEYS = frozenset(
    {"label", "answer", "generated_text", "translation_text", "summary_text"}
)
"""Fields that make a dict a result item, whatever else it holds."""
_ERROR_KEYS = ("error", "errors", "error_message", "exception")
_FAILED_STATUSES = frozenset({"error", "failed", "failure"})
_MESSAGE_KEYS = ("message", "detail", "error", "msg", "reason", "description")
_NOTHING: tuple[JsonValue, ...] = (None, False, "", [], {})


def reported_error(value: JsonValue) -> JsonValue | None:
    """What a provider reported as its error in ``value``, or ``None`` when it reported none.

    An error report is a dict without result fields holding a non-empty ``error`` (or
    ``errors``, ``error_message``, ``exception``), or a ``status`` of ``error``/``failed`` (then
    its ``message`` or ``detail`` is the report). ``{"error": "CUDA out of memory"}``,
    ``{"error": {"message": ...}}`` and ``{"status": "failed", "detail": ...}`` all are.
    """
    if not isinstance(value, dict) or ITEM_KEYS.intersection(value):
        return None
    for key in _ERROR_KEYS:
        if value.get(key) not in _NOTHING:
            return value[key]
    status = value.get("status")
    if isinstance(status, str) and status.strip().lower() in _FAILED_STATUSES:
        for key in _MESSAGE_KEYS:
            if value.get(key) not in _NOTHING:
                return value[key]
        return status
    return None


def is_error_list(value: JsonValue) -> bool:
    """Whether ``value`` is a non-empty list of error reports and nothing else."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(reported_error(entry) is not None for entry in value)
    )


def error_message(reported: JsonValue, marks: FieldMarks) -> str:
    """A provider's error report as plain text (capped; ``marks`` notes cuts and markup).

    A string is kept as it is; a dict gives its ``message``-like field, else its JSON; a list
    gives one line per entry; ``true`` gives no words at all.
    """
    if reported is True:
        return ""
    if isinstance(reported, dict):
        for key in _MESSAGE_KEYS:
            inner = reported.get(key)
            if isinstance(inner, str) and inner.strip():
                return marks.text(inner, MAX_TEXT_CHARS)
    if isinstance(reported, list):
        lines = [_line(entry, marks) for entry in reported[:MAX_TEXT_ITEMS]]
        marks.truncated = marks.truncated or len(reported) > MAX_TEXT_ITEMS
        return marks.text("\n".join(line for line in lines if line), MAX_TEXT_CHARS)
    return marks.text(reported, MAX_TEXT_CHARS)


def _line(entry: JsonValue, marks: FieldMarks) -> str:
    """One entry of a list of errors: an error report's message, or the entry as text."""
    inner = reported_error(entry)
    return error_message(entry if inner is None or isinstance(inner, list) else inner, marks)
