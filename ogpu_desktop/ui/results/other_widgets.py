"""Viewers of batches, empty results and values with no known shape (shown as JSON)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from ogpu_desktop.domain.result_views import BatchView, ViewKind
from ogpu_desktop.ui.results.plain_widgets import plain_label, plain_text_box
from ogpu_desktop.ui.results.result_widget import (
    ResultWidget,
    create_result_widget,
    register_result_widget,
)

EMPTY_RESULT_TEXT = "The provider answered with an empty result."
NO_ANSWER_YET_TEXT = "No answer yet. Results appear here as soon as a provider responds."
NO_ANSWER_BEFORE_EXPIRY_TEXT = (
    "No answer before expiry. No provider responded before the task expired; the pipeline may "
    "have failed on this input, or no provider picked the task up."
)


@register_result_widget(ViewKind.BATCH)
class BatchWidget(ResultWidget):
    """One box per input: the input text, then its result in the matching viewer."""

    def build(self) -> None:
        """Add one box per child view."""
        assert isinstance(self.view, BatchView)
        for index, child in enumerate(self.view.items):
            box = QGroupBox(f"Input {index + 1}", self)
            box.setObjectName(f"batchItem{index}")
            column = QVBoxLayout(box)
            if index < len(self.inputs):
                shown = plain_label(f"→ {self.inputs[index]}", box)
                shown.setObjectName(f"batchInput{index}")
                column.addWidget(shown)
            column.addWidget(create_result_widget(child, (), box))
            self.layout_.addWidget(box)
        if self.view.total > len(self.view.items):
            more = len(self.view.items)
            self.layout_.addWidget(
                plain_label(f"Showing {more} of {self.view.total} results.", self)
            )


@register_result_widget(ViewKind.EMPTY)
class EmptyResultWidget(ResultWidget):
    """Says that the provider's answer holds nothing."""

    def build(self) -> None:
        """Add the message."""
        message = plain_label(EMPTY_RESULT_TEXT, self)
        message.setObjectName("emptyResultMessage")
        self.layout_.addWidget(message)


@register_result_widget(ViewKind.RAW_JSON)
class RawJsonWidget(ResultWidget):
    """A value of no known shape: its JSON text."""

    def build(self) -> None:
        """Add the JSON text."""
        box = plain_text_box(self.view.raw_json, self, monospace=True, fit=False)
        box.setObjectName("rawJsonResult")
        self.layout_.addWidget(box)


def no_result_widget(expired: bool, parent: QWidget | None = None) -> QWidget:
    """Return the message shown while there is no response: waiting, or expired without one."""
    label = plain_label(NO_ANSWER_BEFORE_EXPIRY_TEXT if expired else NO_ANSWER_YET_TEXT, parent)
    label.setObjectName("noAnswerExpired" if expired else "noAnswerYet")
    return label
