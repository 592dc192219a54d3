"""Build the list views (labels, answers, generated texts, translations, summaries) from dicts."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TypedDict

from ogpu_desktop.domain.result_sanitiser import JsonValue, cap_text, json_text
from ogpu_desktop.domain.result_views import (
    MAX_LABEL_CHARS,
    MAX_LABELS,
    MAX_TEXT_CHARS,
    MAX_TEXT_ITEMS,
    TEXT_KINDS,
    Answer,
    AnswersView,
    ChatMessage,
    GeneratedText,
    GeneratedTextsView,
    LabelScore,
    LabelScoresView,
    ResultView,
    ScoreMark,
    TextsView,
    ViewKind,
)

MAX_SCORE_TEXT_CHARS = 64
"""A score given as text longer than this is not read as a number."""

Item = dict[str, JsonValue]

_MARKUP = re.compile(r"<[A-Za-z!/?]")


def has_markup(text: str) -> bool:
    """Whether ``text`` looks like it holds HTML or XML tags."""
    return _MARKUP.search(text) is not None


@dataclass
class FieldMarks:
    """Collects, while the fields of one view are read, whether text was cut or holds markup."""

    truncated: bool = False
    markup: bool = False

    def text(self, value: JsonValue, limit: int) -> str:
        """A field value as capped display text: strings as they are, anything else as JSON."""
        if isinstance(value, str):
            text = value
        elif value is None:
            text = ""
        else:
            text, cut = json_text(value, limit, pretty=False)
            self.truncated = self.truncated or cut
        text, cut = cap_text(text, limit)
        self.truncated = self.truncated or cut
        self.markup = self.markup or has_markup(text)
        return text


def read_score(value: JsonValue) -> tuple[float | None, ScoreMark]:
    """A score as a finite float (or ``None``), and how the value received differs from one.

    Numeric text such as ``"0.9"`` is read as the number and marked; ``NaN`` and infinities (as
    numbers or text) give ``None``, marked not finite; booleans, ``null`` and anything else give
    ``None``, marked not a number.
    """
    try:
        if isinstance(value, str) and len(value) <= MAX_SCORE_TEXT_CHARS:
            number = float(value.strip())
        elif isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            return None, ScoreMark.NOT_A_NUMBER
    except (ValueError, OverflowError):
        return None, ScoreMark.NOT_A_NUMBER
    if not math.isfinite(number):
        return None, ScoreMark.NOT_FINITE
    return number, ScoreMark.TEXT if isinstance(value, str) else ScoreMark.NONE


def _received(value: JsonValue, mark: ScoreMark) -> str:
    """A marked score as it was received, as short plain text ("" when it is not marked)."""
    if mark is ScoreMark.NONE:
        return ""
    if isinstance(value, str) and value.strip():
        return cap_text(value, MAX_SCORE_TEXT_CHARS)[0]
    # Blank text is shown quoted, so the score cell never looks empty.
    return json_text(value, MAX_SCORE_TEXT_CHARS, pretty=False)[0]


def _score_order(score: float | None) -> tuple[bool, float]:
    """Sort key: numbers first, highest first; then those without a number, in received order."""
    return score is None, -(score or 0.0)


class _ListFields(TypedDict):
    """The counts and flags every list view carries besides its items."""

    total: int
    skipped: int
    raw_json: str
    truncated: bool
    has_markup: bool


def _list_fields(
    marks: FieldMarks, *, read: int, shown: int, received: int, raw: str, cut: bool
) -> _ListFields:
    """The counts and flags of a list view; call it once the shown items have been read.

    Args:
        marks: What reading the shown items found.
        read: Readable items (before the display cap).
        shown: Items shown.
        received: Entries received, readable or not.
        raw: The raw JSON text of the whole list.
        cut: Whether something below the list was already cut.
    """
    return _ListFields(
        total=read,
        skipped=received - read,
        raw_json=raw,
        truncated=cut or marks.truncated or read > shown,
        has_markup=marks.markup or has_markup(raw),
    )


def item_view(
    kind: ViewKind, items: list[Item], others: int, raw: str, cut: bool
) -> ResultView | None:
    """The view of ``kind`` over dict items, or ``None`` when no item fits that kind.

    Args:
        kind: One of the list kinds (label scores, answers, generated texts, translation, summary).
        items: The dict entries received.
        others: Entries that were not dicts (counted as skipped).
        raw: The raw JSON text of the whole list.
        cut: Whether something below the list was already cut.
    """
    if kind is ViewKind.LABEL_SCORES:
        return _label_scores(items, others, raw, cut)
    if kind is ViewKind.ANSWERS:
        return _answers(items, others, raw, cut)
    if kind is ViewKind.GENERATED_TEXTS:
        return _generated_texts(items, others, raw, cut)
    if kind in TEXT_KINDS:
        return _texts(kind, items, others, raw, cut)
    return None


def _label_scores(items: list[Item], others: int, raw: str, cut: bool) -> LabelScoresView | None:
    marks = FieldMarks()
    # A label with any score is kept: one that is no number is shown marked, never dropped.
    scored = [
        (*read_score(item["score"]), item["score"], item["label"])
        for item in items
        if item.get("label") is not None and "score" in item
    ]
    if not scored:
        return None
    scored.sort(key=lambda entry: _score_order(entry[0]))
    # Only the labels shown are read, so thousands of long labels cost nothing.
    shown = tuple(
        LabelScore(
            label=marks.text(label, MAX_LABEL_CHARS), score=score, mark=mark,
            received=_received(value, mark),
        )
        for score, mark, value, label in scored[:MAX_LABELS]
    )
    return LabelScoresView(items=shown, **_list_fields(
        marks, read=len(scored), shown=len(shown), received=others + len(items), raw=raw, cut=cut
    ))


def _answers(items: list[Item], others: int, raw: str, cut: bool) -> AnswersView | None:
    marks = FieldMarks()
    found = [
        (*_answer_score(item), item.get("score"), item["answer"])
        for item in items
        if item.get("answer") is not None
    ]
    if not found:
        return None
    # Scored answers first, highest first; unscored (generative) answers keep their order.
    found.sort(key=lambda entry: _score_order(entry[0]))
    shown = tuple(
        Answer(
            answer=marks.text(answer, MAX_TEXT_CHARS), score=score, mark=mark,
            received=_received(value, mark),
        )
        for score, mark, value, answer in found[:MAX_LABELS]
    )
    return AnswersView(items=shown, **_list_fields(
        marks, read=len(found), shown=len(shown), received=others + len(items), raw=raw, cut=cut
    ))


def _answer_score(item: Item) -> tuple[float | None, ScoreMark]:
    """An answer's score; generative models give none, which is not a mark."""
    return read_score(item["score"]) if "score" in item else (None, ScoreMark.NONE)


def _generated_texts(
    items: list[Item], others: int, raw: str, cut: bool
) -> GeneratedTextsView | None:
    marks = FieldMarks()
    found = [item["generated_text"] for item in items if item.get("generated_text") is not None]
    if not found:
        return None
    shown = tuple(_generated(value, marks) for value in found[:MAX_TEXT_ITEMS])
    return GeneratedTextsView(items=shown, **_list_fields(
        marks, read=len(found), shown=len(shown), received=others + len(items), raw=raw, cut=cut
    ))


def _generated(value: JsonValue, marks: FieldMarks) -> GeneratedText:
    """One sequence; for chat output (role/content messages) the last assistant reply."""
    if isinstance(value, list):
        messages = [
            entry
            for entry in value
            if isinstance(entry, dict) and ("content" in entry or "role" in entry)
        ]
        if messages:
            reply = next(
                (entry for entry in reversed(messages) if entry.get("role") == "assistant"),
                messages[-1],
            )
            kept = messages[-MAX_TEXT_ITEMS:]
            marks.truncated = marks.truncated or len(kept) < len(messages)
            conversation = tuple(
                ChatMessage(
                    role=marks.text(entry.get("role"), MAX_LABEL_CHARS),
                    content=_content(entry.get("content"), marks),
                )
                for entry in kept
            )
            text = _content(reply.get("content"), marks)
            return GeneratedText(text=text, conversation=conversation)
    return GeneratedText(text=marks.text(value, MAX_TEXT_CHARS))


def _content(value: JsonValue, marks: FieldMarks) -> str:
    """Message content as text; a list of parts (multimodal chat) gives its text parts joined."""
    if not isinstance(value, list):
        return marks.text(value, MAX_TEXT_CHARS)
    parts: list[str] = []
    size = 0
    for entry in value:
        part = entry.get("text") if isinstance(entry, dict) else entry
        if isinstance(part, str):
            parts.append(part)
            size += len(part) + 1
            if size > MAX_TEXT_CHARS:
                break
    if not parts:
        return marks.text(value, MAX_TEXT_CHARS)
    return marks.text("\n".join(parts), MAX_TEXT_CHARS)


def _texts(kind: ViewKind, items: list[Item], others: int, raw: str, cut: bool) -> TextsView | None:
    marks = FieldMarks()
    key = TEXT_KINDS[kind]
    found = [item[key] for item in items if item.get(key) is not None]
    if not found:
        return None
    texts = tuple(marks.text(value, MAX_TEXT_CHARS) for value in found[:MAX_TEXT_ITEMS])
    return TextsView(kind=kind, texts=texts, **_list_fields(
        marks, read=len(found), shown=len(texts), received=others + len(items), raw=raw, cut=cut
    ))
