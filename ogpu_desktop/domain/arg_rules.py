"""Checks and corrections of pipeline arguments: values, unknown names, per-pipeline rules."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from ogpu_desktop.domain.pipeline_args import (
    IMAGE_CLASSIFICATION,
    PIPELINES,
    SUMMARIZATION,
    TEXT_CLASSIFICATION,
    TEXT_GENERATION,
    TRANSLATION,
    ArgSpec,
    ArgValue,
    Notice,
    Severity,
    accepted_args,
    all_known_args,
    canonical_task,
)
from ogpu_desktop.errors import ValidationError

# What the transformers pipelines really do with arguments:
# - image classification raises TypeError on any argument but top_k, function_to_apply and
#   timeout, and a failed pipeline sends no answer at all, so an unknown argument there is an
#   error; the other pipelines hand extra keywords to the tokenizer or to generate(), which may
#   accept them, so elsewhere it is a warning;
# - text generation ignores temperature/top_p/top_k and raises on num_return_sequences > 1 unless
#   do_sample is on, so sampling is turned on for them;
# - max_length counts the prompt's tokens too in text generation;
# - summarization needs min_length <= max_length.
_SAMPLING_ARGS = ("temperature", "top_p", "top_k")
# Score cut-offs people expect from other tools; classification offers top_k instead.
_MISUSED_ARGS: Mapping[str, str] = MappingProxyType(
    {
        "confidence_threshold": "Use top_k to limit how many labels come back.",
        "threshold": "Only object detection takes a threshold; use top_k to limit the labels.",
    }
)
_LABEL_PIPELINES = frozenset({TEXT_CLASSIFICATION, IMAGE_CLASSIFICATION})


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
        try:
            value = float(raw)
        except OverflowError:
            value = math.inf
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


def _plain(names: list[str]) -> list[str]:
    """The form's labels of text-generation arguments, for messages ("Creativity")."""
    pipeline = PIPELINES[TEXT_GENERATION]
    return [arg.label if (arg := pipeline.get(name)) else name for name in names]


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
    hint = _MISUSED_ARGS.get(name, "") if canonical_task(task) in _LABEL_PIPELINES else ""
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
                "Length of prompt and answer together (max_length) counts the prompt too; "
                "Length of the answer (max_new_tokens) is also set and wins, so the first has "
                "no effect."
            )
        else:
            text = (
                "Length of prompt and answer together (max_length) counts the prompt's tokens "
                "too, so a long prompt leaves little room for new text; Length of the answer "
                "(max_new_tokens) counts only the new text."
            )
        notices.append(Notice(text, "max_length"))
    sampling = [name for name in _SAMPLING_ARGS if name in args]
    several = int(args.get("num_return_sequences", 1)) > 1
    if args.get("do_sample") is False:
        if several:
            errors.append(
                ValidationError(
                    "More than one version needs varied wording, and the pipeline fails without "
                    "it: turn Varied wording on or set Number of versions to 1.",
                    "num_return_sequences",
                )
            )
        if sampling:
            verb = "has" if len(sampling) == 1 else "have"
            notices.append(
                Notice(
                    f"{_join_names(_plain(sampling))} {verb} no effect while Varied wording "
                    "(do_sample) is off.",
                    "do_sample",
                    Severity.WARNING,
                )
            )
    elif "do_sample" not in args and (sampling or several):
        reasons = [*_plain(sampling), *(["several versions"] if several else [])]
        verb = "needs" if len(reasons) == 1 else "need"
        args["do_sample"] = True
        notices.append(
            Notice(
                f"Varied wording (do_sample) was turned on because {_join_names(reasons)} "
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
