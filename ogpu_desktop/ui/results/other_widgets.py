"""Viewers of batches, failures, empty results and values with no known shape (shown as JSON)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QPushButton, QVBoxLayout, QWidget

from ogpu_desktop.domain.result_views import BatchView, ErrorView, FailureCause, ViewKind
from ogpu_desktop.ui.results.plain_widgets import plain_label, plain_text_box
from ogpu_desktop.ui.results.result_widget import (
    ResultWidget,
    create_result_widget,
    register_result_widget,
)

EMPTY_RESULT_TEXT = "The provider answered with an empty result."
NO_ANSWER_YET_TEXT = "No answer yet. Results appear here as soon as a provider responds."
ERROR_TITLES = {
    FailureCause.NO_RESULT: (
        "The provider could not answer this task: its pipeline failed and sent no result."
    ),
    FailureCause.PROVIDER_ERROR: "The provider could not answer this task. Its message:",
    FailureCause.EMPTY: (
        "The provider answered with nothing, where this task's pipeline always gives a result."
    ),
}
ERROR_ADVICE = (
    "What you can do:\n"
    "• Wait: while the task is open (a source that waits for your confirmation), another "
    "provider may still answer before it expires. Do not confirm this response.\n"
    "• Publish again (Tasks page, Publish again) to try once more, perhaps with another source "
    "or a shorter input.\n"
    "• Cancel: a task no provider has attempted yet can be cancelled, and its payment returns "
    "to your vault balance."
)
NO_ANSWER_BEFORE_EXPIRY_TEXT = (
    "No answer before expiry. No provider responded before the task expired; the pipeline may "
    "have failed on this input, or no provider picked the task up."
)
#: Object names of the two messages shown while there is no result.
NO_ANSWER_YET_NAME, NO_ANSWER_EXPIRED_NAME = "noAnswerYet", "noAnswerExpired"


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


@register_result_widget(ViewKind.ERROR)
class ErrorResultWidget(ResultWidget):
    """A provider's failure: what happened, its own message as plain text, what to do next."""

    def build(self) -> None:
        """Add the title, the provider's message (if it sent one) and the advice."""
        assert isinstance(self.view, ErrorView)
        title = plain_label(ERROR_TITLES[self.view.cause], self)
        title.setObjectName("errorResultTitle")
        self.layout_.addWidget(title)
        message = plain_label(self.view.message, self)
        message.setObjectName("errorResultMessage")
        message.setVisible(bool(self.view.message.strip()))
        self.layout_.addWidget(message)
        advice = plain_label(ERROR_ADVICE, self)
        advice.setObjectName("errorResultAdvice")
        self.layout_.addWidget(advice)


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
    label.setObjectName(NO_ANSWER_EXPIRED_NAME if expired else NO_ANSWER_YET_NAME)
    return label


def read_failed_widget(
    text: str, on_retry: Callable[[], None] | None, parent: QWidget | None = None
) -> QWidget:
    """Return why the result could not be downloaded, with a Try again button when it may help.

    Args:
        text: What went wrong, in plain words.
        on_retry: Called when Try again is pressed; ``None`` shows no button.
        parent: Parent widget.
    """
    host = QWidget(parent)
    column = QVBoxLayout(host)
    column.setContentsMargins(0, 0, 0, 0)
    message = plain_label(text, host)
    message.setObjectName("resultFetchFailed")
    column.addWidget(message)
    if on_retry is not None:
        retry = QPushButton("Try again", host)
        retry.setObjectName("resultRetryButton")
        retry.setToolTip("Download the result again")
        retry.clicked.connect(on_retry)
        column.addWidget(retry, 0, Qt.AlignmentFlag.AlignLeft)
    column.addStretch(1)
    return host
