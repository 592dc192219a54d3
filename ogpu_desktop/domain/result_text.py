"""Plain text from a result view: every string a viewer may show, and a one-line headline."""

from __future__ import annotations

from collections.abc import Iterator

from ogpu_desktop.domain.result_sanitiser import cap_text
from ogpu_desktop.domain.result_views import (
    AnswersView,
    BatchView,
    EmptyView,
    ErrorView,
    FailureCause,
    GeneratedTextsView,
    LabelScoresView,
    PlainTextView,
    ResultView,
    TextsView,
)

_FAILURE_WORDS = {
    FailureCause.NO_RESULT: "Failed: the provider sent no result",
    FailureCause.PROVIDER_ERROR: "Failed: the provider reported an error",
    FailureCause.EMPTY: "Failed: the provider's answer is empty",
}


def displayed_strings(view: ResultView) -> Iterator[str]:
    """Every string a viewer of ``view`` may show, children of a batch included."""
    stack: list[ResultView] = [view]
    while stack:
        current = stack.pop()
        yield current.raw_json
        if isinstance(current, LabelScoresView):
            for label in current.items:
                yield label.label
                yield label.score_text
        elif isinstance(current, AnswersView):
            for answer in current.items:
                yield answer.answer
                yield answer.score_text
        elif isinstance(current, GeneratedTextsView):
            for generated in current.items:
                yield generated.text
                for message in generated.conversation:
                    yield message.role
                    yield message.content
        elif isinstance(current, TextsView):
            yield from current.texts
        elif isinstance(current, PlainTextView):
            yield current.text
        elif isinstance(current, ErrorView):
            yield current.message
        elif isinstance(current, BatchView):
            stack.extend(reversed(current.items))


def headline(view: ResultView, limit: int = 120) -> str:
    """A one-line summary of ``view`` for a task list cell or a notification (plain text).

    Args:
        view: Any view from :func:`normalise`.
        limit: Longest result, in characters (at least 20).
    """
    text: str
    if isinstance(view, LabelScoresView):
        top = view.items[0]
        text = f"{top.label} ({top.score_text})"
    elif isinstance(view, AnswersView):
        best = view.items[0]
        text = f"{best.answer} ({best.score_text})" if best.score is not None else best.answer
    elif isinstance(view, GeneratedTextsView):
        text = view.items[0].text
    elif isinstance(view, TextsView):
        text = view.texts[0]
    elif isinstance(view, BatchView):
        text = f"{view.total} result" + ("" if view.total == 1 else "s")
    elif isinstance(view, PlainTextView):
        text = view.text
    elif isinstance(view, ErrorView):
        text = f"Failed: {view.message}" if view.message.strip() else _FAILURE_WORDS[view.cause]
    elif isinstance(view, EmptyView):
        text = "No result"
    else:
        text = "JSON result"
    return cap_text(" ".join(text.split()), max(limit, 20))[0]
