"""Loads every result viewer so the ``{view kind: widget class}`` registry is complete."""

from __future__ import annotations

from ogpu_desktop.ui.results import other_widgets, score_widgets, text_widgets
from ogpu_desktop.ui.results.result_widget import RESULT_WIDGETS, create_result_widget

VIEWER_MODULES = (score_widgets, text_widgets, other_widgets)

__all__ = ["RESULT_WIDGETS", "VIEWER_MODULES", "create_result_widget"]
