"""The arguments each HuggingFace pipeline accepts: the one table forms and whitelists come from."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

# The catalogue turns every ArgSpec into a form field and accepted_args() is the whitelist made
# from the same tuples, so an argument is described exactly once. arg_rules checks the values.
ArgValue = int | float | bool | str
"""A value that can be sent as a pipeline argument."""

TEXT_CLASSIFICATION = "text-classification"
IMAGE_CLASSIFICATION = "image-classification"
TEXT_GENERATION = "text-generation"
VISUAL_QUESTION_ANSWERING = "visual-question-answering"
TRANSLATION = "translation"
SUMMARIZATION = "summarization"

MAX_TOKENS = 32_768
"""Upper bound offered for token counts; far above what the common models can produce."""


class Severity(Enum):
    """How much a :class:`Notice` matters."""

    INFO = "info"
    """An automatic correction or a fact the user should know; nothing to do."""
    WARNING = "warning"
    """Publishing may work, but the task may go unanswered or behave differently than expected."""


@dataclass(frozen=True)
class Notice:
    """A plain-words message shown before publishing, beside ``field`` when it is set.

    Attributes:
        message: What happened or what to watch out for.
        field: The form field it belongs to, or ``None`` for the whole form.
        severity: Whether it is a correction made for the user or a warning.
    """

    message: str
    field: str | None = None
    severity: Severity = Severity.INFO


@dataclass(frozen=True)
class ArgSpec:
    """One argument of one pipeline, as accepted by the pipeline's call.

    Attributes:
        name: The keyword the pipeline takes, e.g. ``"top_k"``.
        label: Short form label.
        value_type: ``int``, ``float``, ``bool`` or ``str``.
        help: Tooltip in plain words, saying what the pipeline does with it and its default.
        minimum: Smallest accepted value (numbers only), inclusive.
        maximum: Largest accepted value (numbers only), inclusive.
        choices: Accepted values of a ``str`` argument with a fixed set of values.
        placeholder: Grey text shown while the field is not set (often the pipeline's default).
        advanced: Shown only in the form's "Advanced" section.
    """

    name: str
    label: str
    value_type: type[ArgValue]
    help: str
    minimum: int | float | None = None
    maximum: int | float | None = None
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    advanced: bool = False


@dataclass(frozen=True)
class PipelineArgs:
    """The arguments of one pipeline task and how it treats arguments it does not know.

    Attributes:
        task: The HuggingFace pipeline task id.
        args: The accepted arguments, in form order.
        unknown_is_error: The pipeline fails on unknown arguments (so no answer would come).
    """

    task: str
    args: tuple[ArgSpec, ...]
    unknown_is_error: bool = False

    def get(self, name: str) -> ArgSpec | None:
        """Return the argument called ``name``, or ``None`` when the pipeline does not take it."""
        return next((arg for arg in self.args if arg.name == name), None)


_SCORE_FUNCTION_HELP = (
    "How the model's raw outputs become scores: softmax (scores add up to 1, for models that "
    "pick one label), sigmoid (each label scored on its own, for multi-label models) or none "
    "(raw values). When not set, the pipeline chooses from the model's configuration."
)
_SCORE_FUNCTIONS = ("softmax", "sigmoid", "none")
_TIMEOUT_HELP = (
    "Seconds the provider waits to download an image given as a web link before giving up. "
    "When not set, it waits without a limit. Has no effect on an embedded image."
)
_LANGUAGE_HELP = (
    "{what}, written the way the model names languages: NLLB models use codes like {nllb}, "
    "mBART uses {mbart}, M2M100 uses {m2m}. Only multilingual models read this; a model made "
    "for one language pair (for example English to French) ignores it."
)


def _timeout() -> ArgSpec:
    return ArgSpec(
        "timeout",
        "Wait for an image link (seconds)",
        float,
        _TIMEOUT_HELP,
        minimum=1,
        maximum=600,
        placeholder="no limit",
        advanced=True,
    )


def _score_function() -> ArgSpec:
    return ArgSpec(
        "function_to_apply",
        "How scores are worked out",
        str,
        _SCORE_FUNCTION_HELP,
        choices=_SCORE_FUNCTIONS,
        advanced=True,
    )


def _token_count(
    name: str, label: str, help_text: str, *, minimum: int = 1, advanced: bool = False
) -> ArgSpec:
    return ArgSpec(
        name,
        label,
        int,
        help_text,
        minimum=minimum,
        maximum=MAX_TOKENS,
        placeholder="model default",
        advanced=advanced,
    )


PIPELINES: Mapping[str, PipelineArgs] = MappingProxyType(
    {
        TEXT_CLASSIFICATION: PipelineArgs(
            TEXT_CLASSIFICATION,
            (
                ArgSpec(
                    "top_k",
                    "Number of labels",
                    int,
                    "How many labels to return, best first. When not set, the pipeline returns "
                    "only the best label.",
                    minimum=1,
                    maximum=1000,
                    placeholder="1",
                ),
                _score_function(),
            ),
        ),
        IMAGE_CLASSIFICATION: PipelineArgs(
            IMAGE_CLASSIFICATION,
            (
                ArgSpec(
                    "top_k",
                    "Number of labels",
                    int,
                    "How many labels to return, best first. When not set, the pipeline returns "
                    "5 (or fewer when the model knows fewer labels).",
                    minimum=1,
                    maximum=1000,
                    placeholder="5",
                ),
                _score_function(),
                _timeout(),
            ),
            unknown_is_error=True,
        ),
        TEXT_GENERATION: PipelineArgs(
            TEXT_GENERATION,
            (
                _token_count(
                    "max_new_tokens",
                    "Length of the answer",
                    "The most tokens (pieces of words) the model adds after your prompt. When "
                    "not set, the model's own limit applies, which is often very short.",
                ),
                ArgSpec(
                    "temperature",
                    "Creativity",
                    float,
                    "How adventurous the wording is: below 1 more predictable, above 1 more "
                    "varied. Only works with varied wording, which is turned on automatically.",
                    minimum=0.01,
                    maximum=10,
                    placeholder="1.0",
                ),
                ArgSpec(
                    "top_p",
                    "Likely words only (share)",
                    float,
                    "Pick each next word only among the most likely ones whose chances add up "
                    "to this share (for example 0.9). Only works with varied wording, which is "
                    "turned on automatically.",
                    minimum=0.01,
                    maximum=1,
                    placeholder="1.0",
                    advanced=True,
                ),
                ArgSpec(
                    "top_k",
                    "Likely words only (count)",
                    int,
                    "Pick each next word only among this many most likely ones. Only works with "
                    "varied wording, which is turned on automatically.",
                    minimum=1,
                    maximum=1000,
                    placeholder="50",
                    advanced=True,
                ),
                ArgSpec(
                    "num_return_sequences",
                    "Number of versions",
                    int,
                    "How many different continuations of the prompt to write. More than one "
                    "needs varied wording, which is turned on automatically.",
                    minimum=1,
                    maximum=20,
                    placeholder="1",
                ),
                ArgSpec(
                    "do_sample",
                    "Varied wording",
                    bool,
                    "On: each next word is drawn at random by its likelihood, so the text varies "
                    "from run to run. Off: the most likely word is always taken. Turned on "
                    "automatically when Creativity, Likely words only or several versions are "
                    "used.",
                    placeholder="off",
                    advanced=True,
                ),
                ArgSpec(
                    "return_full_text",
                    "Repeat the prompt",
                    bool,
                    "Whether the answer starts with your prompt followed by the new text. When "
                    "not set, the pipeline repeats the prompt.",
                    placeholder="on",
                    advanced=True,
                ),
                _token_count(
                    "max_length",
                    "Length of prompt and answer together",
                    "The most tokens of prompt and new text together. Prefer Length of the "
                    "answer: this one counts the prompt too, so a long prompt leaves little "
                    "room for an answer.",
                    advanced=True,
                ),
            ),
        ),
        VISUAL_QUESTION_ANSWERING: PipelineArgs(
            VISUAL_QUESTION_ANSWERING,
            (
                ArgSpec(
                    "top_k",
                    "Number of answers",
                    int,
                    "How many answers to return, best first. When not set, the pipeline "
                    "returns 5 (or fewer when the model knows fewer answers).",
                    minimum=1,
                    maximum=1000,
                    placeholder="5",
                ),
                _timeout(),
            ),
        ),
        TRANSLATION: PipelineArgs(
            TRANSLATION,
            (
                ArgSpec(
                    "src_lang",
                    "From language",
                    str,
                    _LANGUAGE_HELP.format(
                        what="The language of your text",
                        nllb="eng_Latn",
                        mbart="en_XX",
                        m2m="en",
                    ),
                    placeholder="e.g. eng_Latn",
                ),
                ArgSpec(
                    "tgt_lang",
                    "To language",
                    str,
                    _LANGUAGE_HELP.format(
                        what="The language to translate into",
                        nllb="fra_Latn",
                        mbart="fr_XX",
                        m2m="fr",
                    ),
                    placeholder="e.g. fra_Latn",
                ),
                _token_count(
                    "max_length",
                    "Longest translation",
                    "The most tokens (pieces of words) in the translation. When not set, the "
                    "model's own limit applies.",
                ),
            ),
        ),
        SUMMARIZATION: PipelineArgs(
            SUMMARIZATION,
            (
                _token_count(
                    "min_length",
                    "Shortest summary",
                    "The fewest tokens (pieces of words) the summary may have. When not set, "
                    "the model's own setting applies.",
                    minimum=0,
                ),
                _token_count(
                    "max_length",
                    "Longest summary",
                    "The most tokens (pieces of words) the summary may have. When not set, the "
                    "model's own setting applies. The pipeline warns when your text is shorter.",
                ),
            ),
        ),
    }
)
"""Every pipeline task the catalogue offers, with its accepted arguments."""

_ALIASES: Mapping[str, str] = MappingProxyType(
    {"sentiment-analysis": TEXT_CLASSIFICATION, "vqa": VISUAL_QUESTION_ANSWERING}
)
_TRANSLATION_PAIR = re.compile(r"translation_[A-Za-z]{2,3}_to_[A-Za-z]{2,3}")


def canonical_task(task: str) -> str:
    """Return the pipeline task id that ``task`` stands for (HF aliases resolved).

    ``"sentiment-analysis"`` is text classification, ``"vqa"`` is visual question answering and
    ``"translation_en_to_fr"`` is translation. Other names come back unchanged.
    """
    name = task.strip()
    if _TRANSLATION_PAIR.fullmatch(name):
        return TRANSLATION
    return _ALIASES.get(name, name)


def accepted_args(task: str) -> frozenset[str]:
    """Return the whitelist of argument names of pipeline ``task`` (empty when it is unknown)."""
    pipeline = PIPELINES.get(canonical_task(task))
    return frozenset(arg.name for arg in pipeline.args) if pipeline else frozenset()


def all_known_args() -> frozenset[str]:
    """Return every argument name that some pipeline in :data:`PIPELINES` accepts."""
    return frozenset(arg.name for pipeline in PIPELINES.values() for arg in pipeline.args)
