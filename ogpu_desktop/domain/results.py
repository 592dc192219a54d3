"""Turn any task response payload into a typed view model (see ``result_views``); never raises.

Payloads arrive as parsed JSON, inline JSON text, plain text or null. Fetching a URL payload is
the services' job; hand the fetched body (text or parsed) to :func:`normalise`.

Viewers must show every string of a view as plain text, never as rich text: results come from
strangers and may hold HTML or script.
"""

from __future__ import annotations

import dataclasses

from ogpu_desktop.domain.bounded_json import JsonTooDeepError, read_capped
from ogpu_desktop.domain.result_failures import (
    ITEM_KEYS,
    error_message,
    is_error_list,
    reported_error,
)
from ogpu_desktop.domain.result_items import FieldMarks, has_markup, item_view
from ogpu_desktop.domain.result_sanitiser import (
    JsonValue,
    Sanitised,
    cap_text,
    decode_bytes,
    json_text,
    sanitise,
)
from ogpu_desktop.domain.result_text import displayed_strings, headline
from ogpu_desktop.domain.result_views import (
    MAX_BATCH_ITEMS,
    MAX_RAW_JSON_CHARS,
    MAX_TEXT_CHARS,
    BatchView,
    EmptyView,
    ErrorView,
    FailureCause,
    PlainTextView,
    RawJsonView,
    ResultView,
    ViewKind,
)

MAX_PARSE_CHARS = 16_000_000
"""Longer text payloads are shown as (capped) plain text without trying to parse them."""
MAX_VIEWS = 300
"""Most views built for one payload (batches of batches stop adding children beyond it)."""

_TASK_KINDS: dict[str, ViewKind] = {
    "text-classification": ViewKind.LABEL_SCORES,
    "sentiment-analysis": ViewKind.LABEL_SCORES,
    "image-classification": ViewKind.LABEL_SCORES,
    "audio-classification": ViewKind.LABEL_SCORES,
    "video-classification": ViewKind.LABEL_SCORES,
    "zero-shot-classification": ViewKind.LABEL_SCORES,
    "zero-shot-image-classification": ViewKind.LABEL_SCORES,
    "zero-shot-audio-classification": ViewKind.LABEL_SCORES,
    "object-detection": ViewKind.LABEL_SCORES,
    "visual-question-answering": ViewKind.ANSWERS,
    "vqa": ViewKind.ANSWERS,
    "document-question-answering": ViewKind.ANSWERS,
    "question-answering": ViewKind.ANSWERS,
    "table-question-answering": ViewKind.ANSWERS,
    "text-generation": ViewKind.GENERATED_TEXTS,
    "text2text-generation": ViewKind.GENERATED_TEXTS,
    "image-to-text": ViewKind.GENERATED_TEXTS,
    "image-text-to-text": ViewKind.GENERATED_TEXTS,
    "conversational": ViewKind.GENERATED_TEXTS,
    "translation": ViewKind.TRANSLATION,
    "summarization": ViewKind.SUMMARY,
}

# The field that marks an item of each kind, in the order keys are tried when no hint applies.
_KIND_KEYS: dict[ViewKind, str] = {
    ViewKind.LABEL_SCORES: "label",
    ViewKind.ANSWERS: "answer",
    ViewKind.GENERATED_TEXTS: "generated_text",
    ViewKind.TRANSLATION: "translation_text",
    ViewKind.SUMMARY: "summary_text",
}
_FALLBACK_TEXT = "(this result could not be read)"

__all__ = ["displayed_strings", "expected_kind", "headline", "normalise"]


def expected_kind(task: object) -> ViewKind | None:
    """The view kind a pipeline task produces, or ``None`` when the task is unknown.

    Args:
        task: A transformers pipeline task such as ``"text-classification"`` or
            ``"translation_en_to_fr"``; anything else gives ``None``.
    """
    if not isinstance(task, str):
        return None
    name = task.strip().lower().replace("_", "-")
    if name.startswith("translation"):
        return ViewKind.TRANSLATION
    return _TASK_KINDS.get(name)


def normalise(
    payload: object, task: str | None = None, *, batch_size: int | None = None
) -> ResultView:
    """Turn a response payload into a view model. Never raises.

    Args:
        payload: The payload as received: parsed JSON (any value), a string (inline JSON text or
            plain text), bytes, or ``None``. ``{"result": ...}`` and ``{"output": ...}`` wrappers
            are removed.
        task: The pipeline task of the source, when known. The view follows it when the payload
            fits; otherwise the keys present decide.
        batch_size: The number of inputs when the task was published with a list input. A flat
            list of exactly that many results then becomes a batch of one view per input.

    Returns:
        One of the views of ``result_views``; the top view's ``raw_json`` shows the whole payload.
        A provider's failure is an ``ErrorView``: a ``null`` result, an error object, or (when
        ``task`` is a known pipeline, so an answer was due) nothing at all.
    """
    try:
        return _due(_normalise(payload, task, batch_size), expected_kind(task))
    except Exception:  # the last guard: a hostile payload must never take a viewer down
        return RawJsonView(raw_json=_FALLBACK_TEXT, truncated=True)


def _normalise(payload: object, task: str | None, batch_size: int | None) -> ResultView:
    complete = True
    if isinstance(payload, bytes | bytearray | memoryview):
        payload = decode_bytes(payload, MAX_PARSE_CHARS + 1)[0]
    if isinstance(payload, str):
        text = str.__str__(payload)
        if len(text) > MAX_PARSE_CHARS:
            return _plain_text(sanitise(text))
        try:
            payload, complete = _parse_inline(text)
        except (RecursionError, JsonTooDeepError):
            raw, _ = cap_text(text, MAX_RAW_JSON_CHARS)
            return RawJsonView(raw_json=raw, truncated=True, has_markup=has_markup(raw))
        except ValueError:
            return _plain_text(sanitise(text))
    whole = sanitise(payload)
    if not complete:  # only the beginning of a huge text was read
        whole = dataclasses.replace(whole, root_lost=True)
    source, (root, failed) = whole, _unwrap(whole.value)
    if isinstance(root, str) and len(root) <= MAX_TEXT_CHARS and root.lstrip()[:1] in ("{", "["):
        # A wrapper holding its result as JSON text, e.g. {"result": "[{\"label\": ...}]"}.
        try:
            inner, inner_complete = _parse_inline(root)
        except (ValueError, RecursionError):
            pass
        else:
            source = sanitise(inner)
            if not inner_complete:
                source = dataclasses.replace(source, root_lost=True)
            root, failed = _unwrap(source.value)
    top: ResultView
    if failed:
        top = ErrorView(raw_json="", cause=FailureCause.NO_RESULT)
    else:
        top = _Builder(source, expected_kind(task), batch_size).build(root, 0)
    raw, raw_cut = json_text(whole.value, MAX_RAW_JSON_CHARS)
    truncated = top.truncated or raw_cut or whole.root_lost
    markup = top.has_markup or has_markup(raw)
    return dataclasses.replace(top, raw_json=raw, truncated=truncated, has_markup=markup)


def _parse_inline(text: str) -> tuple[object, bool]:
    """Parse JSON text; a JSON string that itself holds a JSON list or object is parsed once more.

    Returns:
        The value, and whether the whole text was read (a huge one is read to a cap).

    Raises:
        ValueError: Not JSON.
        JsonTooDeepError: JSON nested deeper than the parser may safely go.
    """
    read = read_capped(text)
    value = read.value
    if isinstance(value, str):
        inner = value.strip()
        if inner[:1] in ("{", "["):
            try:
                nested = read_capped(inner)
            except ValueError:
                return value, read.complete
            if isinstance(nested.value, dict | list):
                return nested.value, nested.complete
    return value, read.complete


def _unwrap(value: JsonValue) -> tuple[JsonValue, bool]:
    """Remove the seed's ``{"result": ...}`` and the HF source's ``{"output": ...}`` wrappers.

    Returns:
        What they hold, and whether a wrapper held ``null``: the provider's pipeline failed.
        An error report is not unwrapped, even with a ``result`` beside it.
    """
    for _ in range(4):
        if not isinstance(value, dict) or reported_error(value) is not None:
            break
        if "result" in value and not ITEM_KEYS.intersection(value):
            value = value["result"]
        elif len(value) == 1 and "output" in value:
            value = value["output"]
        else:
            break
        if value is None:
            return None, True
    return value, False


def _due(view: ResultView, hint: ViewKind | None) -> ResultView:
    """An empty answer to a known pipeline is a failure: that pipeline always gives something."""
    if hint is None or not isinstance(view, EmptyView):
        return view
    return ErrorView(
        raw_json=view.raw_json, truncated=view.truncated, has_markup=view.has_markup,
        cause=FailureCause.EMPTY,
    )


def _plain_text(text: Sanitised) -> ResultView:
    value = text.value
    raw, raw_cut = json_text(value, MAX_RAW_JSON_CHARS)
    if not isinstance(value, str) or not value.strip():
        return EmptyView(raw_json=raw, truncated=raw_cut or text.root_lost)
    shown, cut = cap_text(value, MAX_TEXT_CHARS)
    return PlainTextView(
        text=shown, raw_json=raw, truncated=cut or raw_cut, has_markup=has_markup(shown)
    )


class _Builder:
    """Builds the view tree of one sanitised payload, within the view budget."""

    def __init__(self, whole: Sanitised, hint: ViewKind | None, batch_size: int | None) -> None:
        self._whole = whole
        self._hint = hint
        self._batch_size = batch_size if isinstance(batch_size, int) else None
        self._views = 0

    def build(self, value: JsonValue, depth: int) -> ResultView:
        self._views += 1
        raw, raw_cut = json_text(value, MAX_RAW_JSON_CHARS)
        cut = raw_cut or self._whole.lost_below(value)
        if value is None or (isinstance(value, str | list) and not _non_blank(value)):
            return EmptyView(raw_json=raw, truncated=cut, has_markup=has_markup(raw))
        if isinstance(value, str):
            marks = FieldMarks()
            text = marks.text(value, MAX_TEXT_CHARS)
            return PlainTextView(
                text=text,
                raw_json=raw,
                truncated=cut or marks.truncated,
                has_markup=marks.markup or has_markup(raw),
            )
        if reported_error(value) is not None or is_error_list(value):
            return _error_view(value, raw, cut)
        if isinstance(value, list) and self._is_batch(value, depth):
            return self._batch(value, depth, raw, cut)
        if isinstance(value, dict | list):
            items: list[JsonValue] = [value] if isinstance(value, dict) else value
            view = self._items(items, raw, cut)
            if view is not None:
                return view
        return RawJsonView(raw_json=raw, truncated=cut, has_markup=has_markup(raw))

    def _is_batch(self, value: list[JsonValue], depth: int) -> bool:
        if any(isinstance(item, list) for item in value):
            return True
        size = self._batch_size
        return depth == 0 and size is not None and size > 1 and len(value) == size

    def _batch(self, value: list[JsonValue], depth: int, raw: str, cut: bool) -> BatchView:
        children: list[ResultView] = []
        for item in value[:MAX_BATCH_ITEMS]:
            if self._views >= MAX_VIEWS:
                break
            children.append(self.build(item, depth + 1))
        shown = tuple(children)
        truncated = cut or len(shown) < len(value) or any(child.truncated for child in shown)
        return BatchView(
            items=shown,
            total=len(value),
            raw_json=raw,
            truncated=truncated,
            has_markup=has_markup(raw) or any(child.has_markup for child in shown),
        )

    def _items(self, items: list[JsonValue], raw: str, cut: bool) -> ResultView | None:
        """A list view of dict items, by the hint if it fits, else by the keys; ``None`` if none."""
        plain_dicts = [item for item in items if isinstance(item, dict)]
        non_dicts = len(items) - len(plain_dicts)
        dicts = _expand_zero_shot(plain_dicts)
        if not dicts:
            return None
        if self._hint in _KIND_KEYS:
            view = item_view(self._hint, dicts, non_dicts, raw, cut)
            if view is not None:  # the usual case: the keys need not be counted
                return view
        counts = {kind: sum(1 for d in dicts if key in d) for kind, key in _KIND_KEYS.items()}
        for kind in sorted(counts, key=lambda k: -counts[k]):
            view = item_view(kind, dicts, non_dicts, raw, cut) if counts[kind] else None
            if view is not None:
                return view
        return None


def _error_view(value: JsonValue, raw: str, cut: bool) -> ErrorView:
    """The failure a provider reported in an error object, or a list of them."""
    marks = FieldMarks()
    reported = reported_error(value)
    message = error_message(value if reported is None else reported, marks)
    return ErrorView(
        raw_json=raw, cause=FailureCause.PROVIDER_ERROR, message=message,
        truncated=cut or marks.truncated, has_markup=marks.markup or has_markup(raw),
    )


def _non_blank(value: str | list[JsonValue]) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _expand_zero_shot(dicts: list[dict[str, JsonValue]]) -> list[dict[str, JsonValue]]:
    """Zero-shot classification gives parallel ``labels`` and ``scores``: one item per pair."""
    expanded: list[dict[str, JsonValue]] = []
    for item in dicts:
        labels, scores = item.get("labels"), item.get("scores")
        if "label" not in item and isinstance(labels, list) and isinstance(scores, list):
            expanded.extend(
                {"label": label, "score": score}
                for label, score in zip(labels, scores, strict=False)
            )
        else:
            expanded.append(item)
    return expanded
