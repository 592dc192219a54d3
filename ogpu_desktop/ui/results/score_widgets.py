"""Viewers of scored lists: classification labels and VQA answers, as bars sorted by score.

A score between 0 and 1 is a probability: it is shown as a percentage beside its bar, the number
as received in the tooltip. Other scores (logits) are shown as numbers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from ogpu_desktop.domain.batch_headlines import percentage
from ogpu_desktop.domain.result_views import (
    Answer,
    AnswersView,
    LabelScore,
    LabelScoresView,
    ScoreMark,
    ViewKind,
)
from ogpu_desktop.ui.results.plain_widgets import plain_label, score_bar
from ogpu_desktop.ui.results.result_widget import ResultWidget, register_result_widget

# Fixed words only: a tooltip may render markup, and the score as received is a stranger's text.
MARKED_SCORE_TIP = (
    "The provider did not send this score as a plain number ({note}). It is shown as received; "
    "scores that are no number come last and have no bar."
)


RAW_SCORE_TIP = "Score as received: {raw}"


def score_words(score: float) -> str:
    """A probability as a percentage (``"74.2%"``); a score outside 0 to 1 as a number."""
    return percentage(score) if 0.0 <= score <= 1.0 else f"{score:.3f}"


def _row(text: str, item: LabelScore | Answer) -> tuple[str, float | None, str, str]:
    """Label, bar value, score text and its tooltip; a marked score says how it came."""
    if item.mark is ScoreMark.NONE:
        if item.score is None:
            return text, None, item.score_text, ""
        return text, item.score, score_words(item.score), RAW_SCORE_TIP.format(raw=item.score)
    shown = f"{item.score_text} ({item.mark.note})"
    return text, item.score, shown, MARKED_SCORE_TIP.format(note=item.mark.note)


def _score_grid(parent: QWidget, rows: list[tuple[str, float | None, str, str]]) -> QWidget:
    """Return a grid of label | bar | score text rows (a row without score has no bar)."""
    grid_host = QWidget(parent)
    grid_host.setObjectName("scoreGrid")
    grid = QGridLayout(grid_host)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setColumnStretch(1, 1)
    for row, (text, score, score_text, tip) in enumerate(rows):
        label = plain_label(text, grid_host)
        label.setObjectName(f"scoreLabel{row}")
        grid.addWidget(label, row, 0)
        if score is not None:
            bar = score_bar(score, grid_host)
            bar.setObjectName(f"scoreBar{row}")
            bar.setAccessibleName(f"{text}: {score_text}")
            bar.setToolTip(tip)
            grid.addWidget(bar, row, 1)
        value = plain_label(score_text, grid_host, wrap=False)
        value.setObjectName(f"scoreValue{row}")
        value.setToolTip(tip)
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(value, row, 2)
    return grid_host


@register_result_widget(ViewKind.LABEL_SCORES)
class LabelScoresWidget(ResultWidget):
    """Labels with a bar each, highest score first, scores as percentages."""

    def build(self) -> None:
        """Add one bar per label (the view is already sorted by score)."""
        assert isinstance(self.view, LabelScoresView)
        rows = [_row(item.label, item) for item in self.view.items]
        self.layout_.addWidget(_score_grid(self, rows))


@register_result_widget(ViewKind.ANSWERS)
class AnswersWidget(ResultWidget):
    """Answers to a question about an image, with a bar for each scored answer."""

    def build(self) -> None:
        """Add one row per answer (scored answers first, as the view orders them)."""
        assert isinstance(self.view, AnswersView)
        rows = [_row(item.answer, item) for item in self.view.items]
        self.layout_.addWidget(_score_grid(self, rows))
