"""Viewers of text results: generated texts as cards, translations, summaries, plain text."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QVBoxLayout

from ogpu_desktop.domain.result_views import (
    GeneratedTextsView,
    PlainTextView,
    TextsView,
    ViewKind,
)
from ogpu_desktop.ui.results.plain_widgets import plain_label, plain_text_box
from ogpu_desktop.ui.results.result_widget import ResultWidget, register_result_widget


class _TextCardsWidget(ResultWidget):
    """Shows texts as cards, numbered when there are several."""

    noun = "Text"

    def add_cards(self, texts: tuple[str, ...], details: tuple[str, ...] = ()) -> None:
        """Add one card per text; ``details`` (same length, optional) go under each text."""
        for index, text in enumerate(texts):
            card = QFrame(self)
            card.setObjectName(f"textCard{index}")
            card.setFrameShape(QFrame.Shape.StyledPanel)
            column = QVBoxLayout(card)
            if len(texts) > 1:
                column.addWidget(plain_label(f"{self.noun} {index + 1} of {len(texts)}", card))
            box = plain_text_box(text, card)
            box.setObjectName(f"resultText{index}")
            box.setAccessibleName(f"{self.noun} {index + 1}")
            column.addWidget(box)
            if index < len(details) and details[index]:
                column.addWidget(plain_label(details[index], card))
            self.layout_.addWidget(card)


@register_result_widget(ViewKind.GENERATED_TEXTS)
class GeneratedTextsWidget(_TextCardsWidget):
    """One card per generated sequence; a chat shows the whole conversation under the reply."""

    noun = "Answer"

    def build(self) -> None:
        """Add the cards."""
        assert isinstance(self.view, GeneratedTextsView)
        conversations = tuple(
            "\n".join(f"{m.role}: {m.content}" for m in item.conversation)
            for item in self.view.items
        )
        self.add_cards(tuple(item.text for item in self.view.items), conversations)


class _TextsWidget(_TextCardsWidget):
    """The texts of a translation or a summary (one card per returned sequence)."""

    def build(self) -> None:
        """Add the cards."""
        assert isinstance(self.view, TextsView)
        self.add_cards(self.view.texts)


@register_result_widget(ViewKind.TRANSLATION)
class TranslationWidget(_TextsWidget):
    """The translated text."""

    noun = "Translation"


@register_result_widget(ViewKind.SUMMARY)
class SummaryWidget(_TextsWidget):
    """The summary."""

    noun = "Summary"


@register_result_widget(ViewKind.PLAIN_TEXT)
class PlainTextWidget(_TextCardsWidget):
    """A result that is text, not JSON."""

    def build(self) -> None:
        """Add the text."""
        assert isinstance(self.view, PlainTextView)
        self.add_cards((self.view.text,))
