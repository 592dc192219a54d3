"""Turns a result view into plain text (for copying) and CSV rows (for export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ogpu_desktop.domain.result_text import headline
from ogpu_desktop.domain.result_views import (
    MAX_TEXT_CHARS,
    TEXT_KINDS,
    Answer,
    AnswersView,
    BatchView,
    EmptyView,
    ErrorView,
    GeneratedTextsView,
    LabelScore,
    LabelScoresView,
    PlainTextView,
    ResultView,
    TextsView,
)

Record = tuple[str, float | str | None]
"""A value and its score: a number, a score that is none as received (text), or nothing."""


def _score(item: LabelScore | Answer) -> float | str | None:
    return item.received if item.score is None and item.received else item.score


def _records(view: ResultView) -> tuple[str, list[Record]]:
    """Return the name of the value column and (value, score) pairs of a non-batch view."""
    records: list[Record]
    if isinstance(view, LabelScoresView):
        name, records = "label", [(item.label, _score(item)) for item in view.items]
    elif isinstance(view, AnswersView):
        name, records = "answer", [(item.answer, _score(item)) for item in view.items]
    elif isinstance(view, GeneratedTextsView):
        name, records = "generated_text", [(item.text, None) for item in view.items]
    elif isinstance(view, TextsView):
        name, records = TEXT_KINDS[view.kind], [(text, None) for text in view.texts]
    elif isinstance(view, ErrorView):
        name, records = "error", [(headline(view, MAX_TEXT_CHARS), None)]
    elif isinstance(view, PlainTextView):
        name, records = "text", [(view.text, None)]
    elif isinstance(view, EmptyView):
        name, records = "result", []
    else:  # raw JSON, or a batch nested inside a batch
        name, records = "json", [(view.raw_json, None)]
    return name, records


def _scored(records: list[Record]) -> bool:
    return any(score is not None for _, score in records)


def _score_cell(score: float | str | None) -> str:
    return score if isinstance(score, str) else "" if score is None else repr(score)


def csv_table(view: ResultView, inputs: Sequence[str] = ()) -> list[list[str]]:
    """Return the CSV header and rows of ``view``; a batch gets one row per item of each input."""
    if isinstance(view, BatchView):
        table = [["input_index", "input", "kind", "value", "score"]]
        for index, child in enumerate(view.items):
            name, records = _records(child)
            given = inputs[index] if index < len(inputs) else ""
            for value, score in records:
                table.append([str(index + 1), given, name, value, _score_cell(score)])
        return table
    name, records = _records(view)
    if _scored(records):
        return [[name, "score"], *([value, _score_cell(score)] for value, score in records)]
    return [[name], *([value] for value, _ in records)]


def csv_text(view: ResultView, inputs: Sequence[str] = ()) -> str:
    """Return ``view`` as CSV text (RFC 4180 quoting, ``\\r\\n`` line ends)."""
    out = io.StringIO()
    csv.writer(out).writerows(csv_table(view, inputs))
    return out.getvalue()


def _shown_score(score: float | str | None) -> str:
    return score if isinstance(score, str) else "" if score is None else f"{score:.3f}"


def plain_text(view: ResultView, inputs: Sequence[str] = ()) -> str:
    """Return a readable plain-text rendering of ``view`` for the clipboard."""
    if isinstance(view, BatchView):
        parts = []
        for index, child in enumerate(view.items):
            given = inputs[index] if index < len(inputs) else f"Input {index + 1}"
            parts.append(f"{given}\n→ {plain_text(child)}")
        return "\n\n".join(parts)
    _, records = _records(view)
    if not records:
        return "(empty result)"
    if _scored(records):
        return "\n".join(f"{value}\t{_shown_score(score)}" for value, score in records)
    return "\n\n".join(value for value, _ in records)
