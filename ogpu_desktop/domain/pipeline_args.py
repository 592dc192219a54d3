"""The arguments each HuggingFace pipeline accepts, the one table forms are built from, and rules.

Each pipeline task has a tuple of :class:`ArgSpec`: its name, value type, range, label and help.
The catalogue turns every :class:`ArgSpec` into a form field, and :func:`accepted_args` is the
whitelist derived from the same tuple, so an argument is described exactly once.

The rules encode what the transformers pipelines really do (protocol notes §6 and §8):

- image classification fails (``TypeError``) on any argument other than ``top_k``,
  ``function_to_apply`` and ``timeout``; a failed pipeline sends no answer at all, so an unknown
  argument there is an error. Other pipelines pass extra keyword arguments on to the tokenizer or
  to ``generate``, which may accept them, so an unknown argument is only a warning;
- text generation ignores ``temperature``/``top_p``/``top_k`` and fails on
  ``num_return_sequences > 1`` unless ``do_sample`` is on, so sampling is turned on automatically;
- ``max_length`` counts the prompt's tokens too in text generation;
- summarization needs ``min_length <= max_length``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from types import MappingProxyType

from ogpu_desktop.errors import ValidationError

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
        "Download timeout (seconds)",
        float,
        _TIMEOUT_HELP,
        minimum=1,
        maximum=600,
        placeholder="no limit",
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
                ArgSpec(
                    "function_to_apply",
                    "Score function",
                    str,
                    _SCORE_FUNCTION_HELP,
                    choices=_SCORE_FUNCTIONS,
                    advanced=True,
                ),
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
                ArgSpec(
                    "function_to_apply",
                    "Score function",
                    str,
                    _SCORE_FUNCTION_HELP,
                    choices=_SCORE_FUNCTIONS,
                    advanced=True,
                ),
                _timeout(),
            ),
            unknown_is_error=True,
        ),
        TEXT_GENERATION: PipelineArgs(
            TEXT_GENERATION,
            (
                _token_count(
                    "max_new_tokens",
                    "Maximum new tokens",
                    "The most tokens (pieces of words) the model adds after your prompt. When "
                    "not set, the model's own limit applies, which is often very short.",
                ),
                ArgSpec(
                    "temperature",
                    "Temperature",
                    float,
                    "How adventurous the wording is: below 1 more predictable, above 1 more "
                    "varied. Only works with sampling, which is turned on automatically.",
                    minimum=0.01,
                    maximum=10,
                    placeholder="1.0",
                ),
                ArgSpec(
                    "top_p",
                    "Top-p",
                    float,
                    "Pick each next word only among the most likely ones whose chances add up "
                    "to this share (for example 0.9). Only works with sampling, which is turned "
                    "on automatically.",
                    minimum=0.01,
                    maximum=1,
                    placeholder="1.0",
                ),
                ArgSpec(
                    "top_k",
                    "Top-k",
                    int,
                    "Pick each next word only among this many most likely ones. Only works with "
                    "sampling, which is turned on automatically.",
                    minimum=1,
                    maximum=1000,
                    placeholder="50",
                ),
                ArgSpec(
                    "num_return_sequences",
                    "Number of texts",
                    int,
                    "How many different continuations of the prompt to write. More than one "
                    "needs sampling, which is turned on automatically.",
                    minimum=1,
                    maximum=20,
                    placeholder="1",
                ),
                ArgSpec(
                    "do_sample",
                    "Sampling",
                    bool,
                    "On: each next word is drawn at random by its likelihood, so the text varies "
                    "from run to run. Off: the most likely word is always taken. Turned on "
                    "automatically when temperature, top-p, top-k or several texts are used.",
                    placeholder="off",
                ),
                ArgSpec(
                    "return_full_text",
                    "Repeat the prompt",
                    bool,
                    "Whether the answer starts with your prompt followed by the new text. When "
                    "not set, the pipeline repeats the prompt.",
                    placeholder="on",
                ),
                _token_count(
                    "max_length",
                    "Maximum total length",
                    "The most tokens of prompt and new text together. Prefer Maximum new "
                    "tokens: this one counts the prompt too, so a long prompt leaves little "
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
                    "Maximum length",
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
                    "Minimum length",
                    "The fewest tokens (pieces of words) the summary may have. When not set, "
                    "the model's own setting applies.",
                    minimum=0,
                ),
                _token_count(
                    "max_length",
                    "Maximum length",
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
_SAMPLING_ARGS = ("temperature", "top_p", "top_k")
_MISUSED_ARGS: Mapping[str, str] = MappingProxyType(
    {
        "confidence_threshold": "Use top_k to limit how many labels come back.",
        "threshold": "Only object detection takes a threshold; use top_k to limit the results.",
    }
)


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


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _range_message(arg: ArgSpec) -> str:
    low, high = arg.minimum, arg.maximum
    if low is not None and high is not None:
        return f"Enter a number from {_number_text(low)} to {_number_text(high)}."
    if low is not None:
        return f"Enter a number of at least {_number_text(low)}."
    return f"Enter a number of at most {_number_text(high or 0)}."


def _parse_int(raw: object, field: str) -> int:
    if isinstance(raw, bool):
        raise ValidationError("Enter a whole number.", field)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"[+-]?[0-9]{1,12}", raw.strip()):
        return int(raw.strip())
    raise ValidationError("Enter a whole number.", field)


def _parse_float(raw: object, field: str) -> float:
    if isinstance(raw, bool):
        raise ValidationError("Enter a number, such as 0.7.", field)
    if isinstance(raw, int | float | Decimal):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if "," in text:
            raise ValidationError("Use a dot for decimals, such as 0.7.", field)
        if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", text):
            raise ValidationError("Enter a number, such as 0.7.", field)
        try:
            value = float(Decimal(text))
        except InvalidOperation:  # pragma: no cover - the pattern above admits only decimals
            raise ValidationError("Enter a number, such as 0.7.", field) from None
    else:
        raise ValidationError("Enter a number, such as 0.7.", field)
    if not math.isfinite(value):
        raise ValidationError("Enter a finite number, such as 0.7.", field)
    return value


def _parse_bool(raw: object, field: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower() == "true"
    raise ValidationError("Choose on or off (true or false).", field)


def coerce_arg(arg: ArgSpec, raw: object, field: str | None = None) -> ArgValue | None:
    """Check one argument value typed by the user and return it as the pipeline wants it.

    Args:
        arg: The argument's spec.
        raw: What the form or the JSON holds: ``None`` or blank text means "not set".
        field: Form field to name in errors; defaults to the argument's name.

    Returns:
        The value with the right Python type, or ``None`` when it is not set.

    Raises:
        ValidationError: The value has the wrong type or is out of range.
    """
    where = field or arg.name
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value: ArgValue
    if arg.value_type is bool:
        return _parse_bool(raw, where)
    if arg.value_type is str:
        if not isinstance(raw, str):
            raise ValidationError(f"{arg.label}: enter text.", where)
        value = raw.strip()
        if arg.choices and value not in arg.choices:
            raise ValidationError(f"Choose one of: {', '.join(arg.choices)}.", where)
        if not arg.choices and (len(value) > 40 or re.search(r"\s", value)):
            raise ValidationError(f"{arg.label}: enter a single code without spaces.", where)
        return value
    number = _parse_int(raw, where) if arg.value_type is int else _parse_float(raw, where)
    if (arg.minimum is not None and number < arg.minimum) or (
        arg.maximum is not None and number > arg.maximum
    ):
        raise ValidationError(_range_message(arg), where)
    return number


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def unknown_arg_problem(
    task: str, name: str, field: str | None
) -> ValidationError | Notice:
    """Explain an argument that pipeline ``task`` does not take.

    Returns:
        A :class:`ValidationError` when the pipeline fails on unknown arguments (image
        classification), otherwise a warning :class:`Notice`.
    """
    pipeline = PIPELINES.get(canonical_task(task))
    hint = _MISUSED_ARGS.get(name, "")
    if pipeline is not None and pipeline.unknown_is_error:
        accepted = _join_names([arg.name for arg in pipeline.args])
        message = (
            f"The {pipeline.task} pipeline has no argument {name}: it would fail, and no answer "
            f"would ever come. It accepts only {accepted}."
        )
        return ValidationError(f"{message} {hint}".strip(), field)
    message = (
        f"{name} is not an argument of the {canonical_task(task)} pipeline that this app knows. "
        "The source may fail on it, and then no answer comes."
    )
    return Notice(f"{message} {hint}".strip(), field, Severity.WARNING)


def custom_arg_notice(name: str, pipeline_task: str | None, field: str) -> Notice | None:
    """Warn about a free-form argument that the source's pipeline (or any known one) lacks.

    Args:
        name: The argument's key.
        pipeline_task: The source's pipeline task when known, else ``None``.
        field: The form field holding the arguments.

    Returns:
        A warning, or ``None`` when the argument is known.
    """
    known = accepted_args(pipeline_task) if pipeline_task else all_known_args()
    if name in known:
        return None
    if pipeline_task and canonical_task(pipeline_task) in PIPELINES:
        where = f"the {canonical_task(pipeline_task)} pipeline"
    else:
        where = "any pipeline this app knows"
    return Notice(
        f"{name} is not a standard argument of {where}; make sure your source accepts it, "
        "otherwise no answer comes.",
        field,
        Severity.WARNING,
    )


@dataclass(frozen=True)
class RuleOutcome:
    """What the rules of one pipeline did to a set of arguments.

    Attributes:
        args: The arguments after automatic corrections.
        notices: The corrections and warnings, in plain words.
        errors: Problems the user must fix before publishing.
    """

    args: Mapping[str, ArgValue]
    notices: tuple[Notice, ...] = ()
    errors: tuple[ValidationError, ...] = ()


def _generation_rules(args: dict[str, ArgValue]) -> RuleOutcome:
    notices: list[Notice] = []
    errors: list[ValidationError] = []
    if "max_length" in args:
        if "max_new_tokens" in args:
            text = (
                "max_length counts the prompt too; max_new_tokens is also set and takes "
                "precedence, so max_length has no effect."
            )
        else:
            text = (
                "max_length counts the prompt's tokens too, so a long prompt leaves little room "
                "for new text; max_new_tokens counts only the new text."
            )
        notices.append(Notice(text, "max_length"))
    sampling = [name for name in _SAMPLING_ARGS if name in args]
    several = int(args.get("num_return_sequences", 1)) > 1
    if args.get("do_sample") is False:
        if several:
            errors.append(
                ValidationError(
                    "More than one text needs sampling, and the pipeline fails without it: "
                    "turn Sampling on or set Number of texts to 1.",
                    "num_return_sequences",
                )
            )
        if sampling:
            verb = "has" if len(sampling) == 1 else "have"
            notices.append(
                Notice(
                    f"{_join_names(sampling)} {verb} no effect while sampling (do_sample) is off.",
                    "do_sample",
                    Severity.WARNING,
                )
            )
    elif "do_sample" not in args and (sampling or several):
        reasons = [*sampling, *(["num_return_sequences > 1"] if several else [])]
        verb = "needs" if len(reasons) == 1 else "need"
        args["do_sample"] = True
        notices.append(
            Notice(
                f"Sampling was turned on (do_sample: true) because {_join_names(reasons)} "
                f"{verb} it.",
                "do_sample",
            )
        )
    return RuleOutcome(args, tuple(notices), tuple(errors))


def _summarization_rules(args: dict[str, ArgValue]) -> RuleOutcome:
    low, high = args.get("min_length"), args.get("max_length")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        error = ValidationError(
            f"The minimum length ({low}) is more than the maximum length ({high}).",
            "min_length",
        )
        return RuleOutcome(args, (), (error,))
    return RuleOutcome(args)


def _translation_rules(args: dict[str, ArgValue]) -> RuleOutcome:
    if "src_lang" in args or "tgt_lang" in args:
        notice = Notice(
            "Language codes depend on the model (NLLB: eng_Latn, mBART: en_XX, M2M100: en), and "
            "models made for one language pair ignore them.",
            "tgt_lang" if "tgt_lang" in args else "src_lang",
            Severity.WARNING,
        )
        return RuleOutcome(args, (notice,))
    return RuleOutcome(args)


def apply_rules(task: str, args: Mapping[str, ArgValue]) -> RuleOutcome:
    """Apply the pipeline-specific rules to arguments that already passed :func:`coerce_arg`.

    Args:
        task: The pipeline task id.
        args: The arguments the user set (unset ones absent).

    Returns:
        The corrected arguments (a new mapping) with notices and errors.
    """
    working = dict(args)
    name = canonical_task(task)
    if name == TEXT_GENERATION:
        return _generation_rules(working)
    if name == SUMMARIZATION:
        return _summarization_rules(working)
    if name == TRANSLATION:
        return _translation_rules(working)
    return RuleOutcome(working)
