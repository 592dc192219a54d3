"""The headline of one result in a batch table and export: the answer in a few words and a score.

From a view made by :func:`ogpu_desktop.domain.results.normalise`:

- label scores: the top label and its percentage, ``"POSITIVE 99.9%"`` (score ``0.9987``);
- answers: the top answer, with its percentage when the model gave a score;
- generated text, translation, summary, plain text: the first line of the first text;
- a provider's failure (a view with a ``message``, such as the ``error`` kind): its message, and
  :attr:`ResultHeadline.failed` is set;
- no result yet (``None``) or an empty one: empty;
- any other kind: the one-line headline the task list shows (:func:`results.headline`).

Scores outside 0 to 1 (raw model outputs) are not percentages: they are shown as
``"label (score 3.210)"``. A headline is one line of plain text (no control characters or
direction overrides), at most :data:`MAX_HEADLINE_CHARS` characters, ending with "…" when cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from ogpu_desktop.domain.result_views import (
    AnswersView,
    EmptyView,
    GeneratedTextsView,
    LabelScoresView,
    PlainTextView,
    ResultView,
)
from ogpu_desktop.domain.results import headline as list_headline

MAX_HEADLINE_CHARS = 200
"""Longest headline, in characters."""

# Control characters, and the bidirectional overrides that could make a stranger's answer read
# as something else in a one-line cell.
_CONTROLS = dict.fromkeys(
    [*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    " ",
)


@dataclass(frozen=True, slots=True)
class ResultHeadline:
    """The answer of one task in a few words.

    Attributes:
        text: One line of plain text (``""`` when there is no result).
        score: The top score when the answer has one, else ``None``.
        failed: The provider reported a failure instead of an answer; ``text`` is its message.
    """

    text: str
    score: float | None = None
    failed: bool = False

    @property
    def score_text(self) -> str:
        """The score with 4 decimals, for a CSV cell (``""`` without a score)."""
        return "" if self.score is None else f"{self.score:.4f}"


NO_HEADLINE = ResultHeadline("")


def result_headline(view: ResultView | None, limit: int = MAX_HEADLINE_CHARS) -> ResultHeadline:
    """The headline of a result view (see the module docstring); never raises.

    Args:
        view: The task's normalised result, or ``None`` while there is none.
        limit: Longest headline, in characters (at least 20).
    """
    if view is None or isinstance(view, EmptyView):
        return NO_HEADLINE
    limit = max(limit, 20)
    top = _top_scored(view)
    if top is not None:
        what, score = top
        return ResultHeadline(_scored(what, score, limit), score)
    # Failures are read by their fields, so a kind added later (an "error" view with a message)
    # fits without a change here.
    message = getattr(view, "message", None)
    if isinstance(message, str) or str(view.kind) == "error":
        words = _first_line(message, limit) if isinstance(message, str) else ""
        return ResultHeadline(words or _first_line(list_headline(view, limit), limit), failed=True)
    text = _main_text(view)
    return ResultHeadline(_first_line(list_headline(view, limit) if text is None else text, limit))


def _top_scored(view: ResultView) -> tuple[str, float | None] | None:
    if isinstance(view, LabelScoresView) and view.items:
        return view.items[0].label, view.items[0].score
    if isinstance(view, AnswersView) and view.items:
        return view.items[0].answer, view.items[0].score
    return None


def _main_text(view: ResultView) -> str | None:
    if isinstance(view, GeneratedTextsView):
        return view.items[0].text if view.items else ""
    if isinstance(view, PlainTextView):
        return view.text
    # Translations and summaries, read by their field so that regrouping those views fits too.
    texts = getattr(view, "texts", None)
    if isinstance(texts, tuple):
        return texts[0] if texts and isinstance(texts[0], str) else ""
    return None


def percentage(score: float) -> str:
    """A probability as a percentage with one decimal (``"99.9%"``); 100% only when exact."""
    value = score * 100
    text = f"{value:.1f}"
    if text == "100.0" and score < 1:
        text = "99.9"
    return f"{text}%"


def _scored(what: str, score: float | None, limit: int) -> str:
    if score is None:
        suffix = ""
    elif 0.0 <= score <= 1.0:
        suffix = f" {percentage(score)}"
    else:
        suffix = f" (score {score:.3f})"
    keep = max(1, limit - len(suffix))
    return _first_line(what, keep) + suffix


def _first_line(text: str, limit: int) -> str:
    """The first line with words, spaces collapsed, controls removed, cut to ``limit`` chars."""
    for line in text.splitlines():
        words = " ".join(line.translate(_CONTROLS).split())
        if words:
            return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
    return ""
