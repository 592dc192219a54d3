"""Typed, immutable view models of a task result, built by :func:`results.normalise`.

Every view is a frozen dataclass holding tuples, never lists or dicts, and carries:

- ``raw_json``: the received value pretty-printed as JSON (2-space indent), capped at
  :data:`MAX_RAW_JSON_CHARS` characters, for the "JSON output" toggle;
- ``truncated``: ``True`` when anything was cut for display (a long string, items beyond a cap,
  nesting beyond :data:`MAX_DEPTH`, or the raw JSON text itself); cut strings end with
  :data:`TRUNCATION_MARKER`;
- ``has_markup``: ``True`` when a shown string (``raw_json`` included) looks like HTML or XML.
  Results come from strangers: viewers must show every string as plain text
  (``Qt.TextFormat.PlainText``, ``QPlainTextEdit``), never as rich text, whatever this flag says.
  The flag only lets a viewer mention that markup is shown as it is.

The kinds (``view.kind``, a :class:`ViewKind`):

- ``LABEL_SCORES`` (:class:`LabelScoresView`): text and image classification. Items of label and
  score, sorted by score, highest first (``score_text`` has 3 decimals). A score that is not a
  plain finite number is kept and marked (:class:`ScoreMark`): numeric text such as ``"0.9"`` is
  read as the number; ``NaN``, ``Infinity`` or other values have no ``score`` and come last,
  shown as received.
- ``ANSWERS`` (:class:`AnswersView`): visual question answering. Items of answer and an optional
  score (generative models return the answer alone); scored answers first, highest first; scores
  marked as for labels.
- ``GENERATED_TEXTS`` (:class:`GeneratedTextsView`): text generation, one item per returned
  sequence. For chat input, ``text`` is the last assistant message and ``conversation`` holds
  every message.
- ``TRANSLATION`` and ``SUMMARY`` (both :class:`TextsView`, told apart by ``kind``): the texts,
  one per returned sequence.
- ``BATCH`` (:class:`BatchView`): one child view per input, in input order, from batched input or
  nested lists (``top_k`` with several inputs).
- ``PLAIN_TEXT`` (:class:`PlainTextView`): a payload that is text and not JSON.
- ``ERROR`` (:class:`ErrorView`): the provider failed: its result is ``null`` (what the
  HuggingFace source sends when its pipeline fails), it sent an error object (``{"error": ...}``,
  also inside the ``result``/``output`` wrappers), or it sent nothing where the task's pipeline is
  known and an answer was due. ``message`` is the provider's own words, to show as plain text.
- ``EMPTY`` (:class:`EmptyView`): null, an empty string or an empty list, for a task whose
  pipeline is not known (custom JSON), so no answer shape was due: no result.
- ``RAW_JSON`` (:class:`RawJsonView`): anything else; show ``raw_json``.

List views also say how many readable items there were (``total``, before the display cap) and how
many entries were left out because a field was missing or unreadable (``skipped``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, TypeAlias

MAX_TEXT_CHARS = 20_000
"""Longest string (generated text, translation, plain text, answer) kept for display."""
MAX_LABEL_CHARS = 500
"""Longest label, role or chat-message role kept for display."""
MAX_RAW_JSON_CHARS = 20_000
"""Longest ``raw_json`` text."""
MAX_DEPTH = 32
"""Deepest nesting of lists and dicts that is read; deeper parts are replaced by a marker."""
MAX_LABELS = 100
"""Most label-score items and answers shown in one view."""
MAX_TEXT_ITEMS = 50
"""Most generated texts, translations, summaries or chat messages shown in one view."""
MAX_BATCH_ITEMS = 50
"""Most child views of one batch."""
TRUNCATION_MARKER = "… (truncated)"
"""Ends every string that was cut; counted within the cap."""


class ViewKind(StrEnum):
    """What a view shows; see the module docstring for each kind."""

    LABEL_SCORES = "label_scores"
    ANSWERS = "answers"
    GENERATED_TEXTS = "generated_texts"
    TRANSLATION = "translation"
    SUMMARY = "summary"
    BATCH = "batch"
    PLAIN_TEXT = "plain_text"
    ERROR = "error"
    EMPTY = "empty"
    RAW_JSON = "raw_json"


class ScoreMark(StrEnum):
    """How a score as received differs from a plain finite number (``NONE``: it does not)."""

    NONE = ""
    TEXT = "text"
    """Numeric text such as ``"0.9"``: read as the number."""
    NOT_FINITE = "not_finite"
    """``NaN``, ``Infinity`` or ``-Infinity`` (as a number or as text): no score to compare."""
    NOT_A_NUMBER = "not_a_number"
    """Anything else (other text, ``null``, ``true``, a list...): no score."""

    @property
    def note(self) -> str:
        """Plain words for the mark, shown beside the score ("" for ``NONE``)."""
        return _SCORE_NOTES[self]


_SCORE_NOTES = {
    ScoreMark.NONE: "",
    ScoreMark.TEXT: "sent as text",
    ScoreMark.NOT_FINITE: "not a finite number",
    ScoreMark.NOT_A_NUMBER: "not a number",
}


class FailureCause(StrEnum):
    """Why an answer is a provider's failure rather than a result."""

    NO_RESULT = "no_result"
    """The result is ``null``: the provider's pipeline failed without saying why."""
    PROVIDER_ERROR = "provider_error"
    """The provider sent an error message instead of a result."""
    EMPTY = "empty"
    """The provider sent nothing where its pipeline should have given an answer."""


@dataclass(frozen=True, kw_only=True)
class ResultViewBase:
    """Fields every view has. Viewers must render every string as plain text, never rich text.

    Every view also has ``kind`` (a :class:`ViewKind`): a class constant, or for
    :class:`TextsView` a field.

    Attributes:
        raw_json: The received value as pretty JSON, capped at :data:`MAX_RAW_JSON_CHARS`.
        truncated: Something was cut or capped for display.
        has_markup: A shown string, ``raw_json`` included, looks like HTML/XML (still to be shown
            as plain text).
    """

    raw_json: str
    truncated: bool = False
    has_markup: bool = False


@dataclass(frozen=True, kw_only=True)
class LabelScore:
    """One class of a classification.

    Attributes:
        label: The class name.
        score: A finite float, usually a probability but not clamped (logits can be negative);
            ``None`` when the score received is not a finite number (see ``mark``).
        mark: How the score received differs from a plain number.
        received: The score as received (compact JSON, capped), when it is marked.
    """

    label: str
    score: float | None
    mark: ScoreMark = ScoreMark.NONE
    received: str = ""

    @property
    def score_text(self) -> str:
        """The score with 3 decimals, as shown beside the bar; as received when it is none."""
        return _score_text(self.score, self.received)


@dataclass(frozen=True, kw_only=True)
class LabelScoresView(ResultViewBase):
    """Classification result: labels sorted by score, highest first.

    Attributes:
        items: At most :data:`MAX_LABELS` items, sorted by score descending (ties keep order).
        total: Readable items received, before the cap.
        skipped: Entries left out (no label, or a score that is missing or not a finite number).
    """

    kind: ClassVar[ViewKind] = ViewKind.LABEL_SCORES
    items: tuple[LabelScore, ...]
    total: int
    skipped: int = 0


@dataclass(frozen=True, kw_only=True)
class Answer:
    """One answer to a question about an image.

    Attributes:
        answer: The answer text.
        score: A finite float, or ``None`` when the model gave none (generative VQA) or the
            score received is not a finite number (see ``mark``).
        mark: How the score received differs from a plain number.
        received: The score as received (compact JSON, capped), when it is marked.
    """

    answer: str
    score: float | None = None
    mark: ScoreMark = ScoreMark.NONE
    received: str = ""

    @property
    def score_text(self) -> str:
        """The score with 3 decimals; as received when marked; empty when there is none."""
        return _score_text(self.score, self.received)


def _score_text(score: float | None, received: str) -> str:
    return received if score is None else f"{score:.3f}"


@dataclass(frozen=True, kw_only=True)
class AnswersView(ResultViewBase):
    """Visual question answering result.

    Attributes:
        items: At most :data:`MAX_LABELS` answers; scored ones first, highest score first.
        total: Readable answers received, before the cap.
        skipped: Entries left out (no answer field).
    """

    kind: ClassVar[ViewKind] = ViewKind.ANSWERS
    items: tuple[Answer, ...]
    total: int
    skipped: int = 0


@dataclass(frozen=True, kw_only=True)
class ChatMessage:
    """One message of a chat conversation.

    Attributes:
        role: ``"user"``, ``"assistant"``, ``"system"`` or whatever the model used.
        content: The message text (text parts joined when the content was a list of parts).
    """

    role: str
    content: str


@dataclass(frozen=True, kw_only=True)
class GeneratedText:
    """One generated sequence.

    Attributes:
        text: The generated text; for chat output, the last assistant message.
        conversation: For chat output, the messages (at most :data:`MAX_TEXT_ITEMS`); else empty.
    """

    text: str
    conversation: tuple[ChatMessage, ...] = ()


@dataclass(frozen=True, kw_only=True)
class GeneratedTextsView(ResultViewBase):
    """Text generation result: one card per sequence.

    Attributes:
        items: At most :data:`MAX_TEXT_ITEMS` sequences, in the order received.
        total: Readable sequences received, before the cap.
        skipped: Entries left out (no ``generated_text``).
    """

    kind: ClassVar[ViewKind] = ViewKind.GENERATED_TEXTS
    items: tuple[GeneratedText, ...]
    total: int
    skipped: int = 0


@dataclass(frozen=True, kw_only=True)
class TextsView(ResultViewBase):
    """Translation or summarization result: ``kind`` says which.

    Attributes:
        kind: ``TRANSLATION`` or ``SUMMARY``.
        texts: At most :data:`MAX_TEXT_ITEMS` texts, in the order received.
        total: Readable texts received, before the cap.
        skipped: Entries left out (no ``translation_text`` / ``summary_text``).
    """

    kind: ViewKind  # one definition for two kinds, so the kind is set per view
    texts: tuple[str, ...]
    total: int
    skipped: int = 0

    def __post_init__(self) -> None:
        if self.kind not in TEXT_KINDS:
            raise ValueError(f"a texts view is a translation or a summary, not {self.kind}")


TEXT_KINDS = {ViewKind.TRANSLATION: "translation_text", ViewKind.SUMMARY: "summary_text"}
"""The kinds a :class:`TextsView` can have, and the field each reads from the items."""


@dataclass(frozen=True, kw_only=True)
class BatchView(ResultViewBase):
    """One child view per input of a batched task, in input order.

    Attributes:
        items: At most :data:`MAX_BATCH_ITEMS` child views; each has its own ``raw_json``.
        total: Entries received, before the cap.
    """

    kind: ClassVar[ViewKind] = ViewKind.BATCH
    items: tuple[ResultView, ...]
    total: int


@dataclass(frozen=True, kw_only=True)
class PlainTextView(ResultViewBase):
    """A result that is text, not JSON (or JSON holding just a string).

    Attributes:
        text: The text, at most :data:`MAX_TEXT_CHARS` characters.
    """

    kind: ClassVar[ViewKind] = ViewKind.PLAIN_TEXT
    text: str


@dataclass(frozen=True, kw_only=True)
class ErrorView(ResultViewBase):
    """The provider failed instead of answering.

    Attributes:
        cause: Which kind of failure it was.
        message: The provider's own message (at most :data:`MAX_TEXT_CHARS`), or ``""`` when it
            sent none. Show it as plain text.
    """

    kind: ClassVar[ViewKind] = ViewKind.ERROR
    cause: FailureCause
    message: str = ""


@dataclass(frozen=True, kw_only=True)
class EmptyView(ResultViewBase):
    """No result: null, an empty string or an empty list, where no answer shape was due."""

    kind: ClassVar[ViewKind] = ViewKind.EMPTY


@dataclass(frozen=True, kw_only=True)
class RawJsonView(ResultViewBase):
    """Any other value; viewers show ``raw_json``."""

    kind: ClassVar[ViewKind] = ViewKind.RAW_JSON


ResultView: TypeAlias = (
    LabelScoresView
    | AnswersView
    | GeneratedTextsView
    | TextsView
    | BatchView
    | PlainTextView
    | ErrorView
    | EmptyView
    | RawJsonView
)
"""Every view :func:`results.normalise` can return."""
