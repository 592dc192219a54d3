"""Turn the values of a filled task form into the exact task config(s) that get published."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ogpu_desktop.domain.arg_rules import (
    apply_rules,
    coerce_arg,
    custom_arg_notice,
    unknown_arg_problem,
)
from ogpu_desktop.domain.catalogue import (
    CUSTOM,
    SEND_AS_LIST,
    SEVERAL,
    FieldKind,
    FieldRole,
    FieldSpec,
    TaskTypeSpec,
    get_task_type,
)
from ogpu_desktop.domain.input_values import (
    MAX_IMAGE_CHARS,
    MAX_TEXT_CHARS,
    check_image,
    parse_custom_input,
    parse_json_object,
    text_too_long,
)
from ogpu_desktop.domain.pipeline_args import PIPELINES, ArgValue, Notice, Severity
from ogpu_desktop.errors import ValidationError

__all__ = [
    "FUNCTION_NAME",
    "MAX_IMAGE_CHARS",
    "MAX_TASKS_PER_BATCH",
    "MAX_TEXT_CHARS",
    "Notice",
    "PayloadValidationError",
    "Severity",
    "TaskPayloads",
    "build_task_configs",
    "check_image",
    "validate",
]

FUNCTION_NAME = "inference"
"""The function every HuggingFace source exposes."""
MAX_TASKS_PER_BATCH = 100
"""Most tasks one form may publish at once (one per text)."""


@dataclass(frozen=True)
class TaskPayloads:
    """The task config(s) one form publishes, and what the user should read before publishing.

    Attributes:
        task_type: Key of the task type the form was for.
        config_texts: Each task config as compact JSON text (UTF-8, no NaN), in publish order.
        notices: Corrections and warnings in plain words, in form order.
    """

    task_type: str
    config_texts: tuple[str, ...]
    notices: tuple[Notice, ...] = field(default=())

    @property
    def configs(self) -> tuple[dict[str, Any], ...]:
        """Fresh copies of the task configs as dicts (changing them changes nothing here)."""
        return tuple(json.loads(text) for text in self.config_texts)

    @property
    def count(self) -> int:
        """How many tasks will be published (each paid separately)."""
        return len(self.config_texts)


class PayloadValidationError(ValidationError):
    """Everything wrong with a form; ``message`` and ``field`` are those of the first problem.

    Args:
        errors: Every problem, each naming its field, in form order (at least one).
    """

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.field)
        self.errors = tuple(errors)


@dataclass
class _Draft:
    """What the builder collects while reading one form."""

    inputs: list[Any] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    errors: list[ValidationError] = field(default_factory=list)

    def add(self, problem: ValidationError | Notice) -> None:
        if isinstance(problem, ValidationError):
            self.errors.append(problem)
        else:
            self.notices.append(problem)


def validate(
    task_type: str | TaskTypeSpec,
    values: Mapping[str, object],
    *,
    source_pipeline: str | None = None,
) -> tuple[ValidationError, ...]:
    """Return every problem of a filled form, each naming its field (empty when it can publish).

    Args:
        task_type: A task type key of the catalogue, or its spec.
        values: Field name to value, as described in :mod:`ogpu_desktop.domain.catalogue`.
        source_pipeline: The chosen source's pipeline task when known; custom arguments are
            checked against it.
    """
    return tuple(_read_form(_spec(task_type), values, source_pipeline).errors)


def build_task_configs(
    task_type: str | TaskTypeSpec,
    values: Mapping[str, object],
    *,
    source_pipeline: str | None = None,
) -> TaskPayloads:
    """Build the task config(s) of a filled form.

    Args:
        task_type: A task type key of the catalogue, or its spec.
        values: Field name to value, as described in :mod:`ogpu_desktop.domain.catalogue`.
        source_pipeline: The chosen source's pipeline task when known; custom arguments are
            checked against it.

    Returns:
        One config per task, with the notices to show before publishing.

    Raises:
        PayloadValidationError: The form cannot be published; ``errors`` lists every problem.
        ValueError: ``values`` names a field the task type does not have (a programming error).
    """
    spec = _spec(task_type)
    draft = _read_form(spec, values, source_pipeline)
    if draft.errors:
        raise PayloadValidationError(draft.errors)
    texts = []
    for item in draft.inputs:
        config = {"function_name": FUNCTION_NAME, "data": {"input": item, "args": draft.args}}
        texts.append(
            json.dumps(config, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        )
    return TaskPayloads(spec.key, tuple(texts), tuple(draft.notices))


def _spec(task_type: str | TaskTypeSpec) -> TaskTypeSpec:
    return task_type if isinstance(task_type, TaskTypeSpec) else get_task_type(task_type)


def _read_form(
    spec: TaskTypeSpec, values: Mapping[str, object], source_pipeline: str | None
) -> _Draft:
    unknown = set(values) - {f.name for f in spec.fields}
    if unknown:
        raise ValueError(f"{spec.key} has no fields {sorted(unknown)}")
    draft = _Draft()
    if spec.key == CUSTOM:
        _read_custom(spec, values, source_pipeline, draft)
    else:
        _read_args(spec, values, draft)
        _read_inputs(spec, values, draft)
    _check_serialisable(draft)
    order = {f.name: index for index, f in enumerate(spec.fields)}
    draft.errors.sort(key=lambda error: order.get(error.field or "", len(order)))
    return draft


def _read_args(spec: TaskTypeSpec, values: Mapping[str, object], draft: _Draft) -> None:
    pipeline = PIPELINES[spec.key]
    args: dict[str, ArgValue] = {}
    for fld in spec.fields_with_role(FieldRole.ARG):
        arg = pipeline.get(fld.name)
        assert arg is not None  # the catalogue makes ARG fields from this very table
        try:
            value = coerce_arg(arg, values.get(fld.name))
        except ValidationError as exc:
            draft.errors.append(exc)
            continue
        if value is not None:
            args[fld.name] = value
    passed_on: dict[str, Any] = {}
    for fld in spec.fields_with_role(FieldRole.ARGS_JSON):
        extra = _json_object(values.get(fld.name), fld, draft)
        for name, raw in extra.items():
            arg = pipeline.get(name)
            if arg is None:
                problem = unknown_arg_problem(spec.key, name, fld.name)
                draft.add(problem)
                passed_on[name] = raw
            elif name in args:
                draft.errors.append(
                    ValidationError(
                        f"{name} is set both in its own field and in {fld.label}; keep one.",
                        fld.name,
                    )
                )
            else:
                try:
                    value = coerce_arg(arg, raw, fld.name)
                except ValidationError as exc:
                    draft.errors.append(ValidationError(f"{name}: {exc.message}", fld.name))
                    continue
                if value is not None:
                    args[name] = value
    outcome = apply_rules(spec.key, args)
    draft.notices.extend(outcome.notices)
    draft.errors.extend(outcome.errors)
    order = [f.name for f in spec.fields]
    draft.args = {
        **{name: outcome.args[name] for name in order if name in outcome.args},
        **passed_on,
    }


def _read_inputs(spec: TaskTypeSpec, values: Mapping[str, object], draft: _Draft) -> None:
    inputs = spec.fields_with_role(FieldRole.INPUT)
    if spec.allows_batch:
        (text_field,) = inputs
        _read_texts(text_field, values, draft)
        return
    parts: dict[str, str] = {}
    whole: str | None = None
    for fld in inputs:
        value = _read_single(fld, values.get(fld.name), draft)
        if value is None:
            continue
        if fld.input_key is None:
            whole = value
        else:
            parts[fld.input_key] = value
    if len(parts) == sum(1 for f in inputs if f.input_key is not None) and (parts or whole):
        draft.inputs = [parts if parts else whole]


def _read_single(fld: FieldSpec, raw: object, draft: _Draft) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        draft.errors.append(ValidationError(_missing_message(fld), fld.name))
        return None
    if not isinstance(raw, str):
        draft.errors.append(ValidationError(f"{fld.label}: enter text.", fld.name))
        return None
    if fld.kind is FieldKind.IMAGE:
        try:
            draft.notices.extend(check_image(raw, fld.name))
        except ValidationError as exc:
            draft.errors.append(exc)
            return None
        return raw.strip()
    if len(raw) > MAX_TEXT_CHARS:
        draft.errors.append(_too_long(fld, len(raw)))
        return None
    return raw


def _missing_message(fld: FieldSpec) -> str:
    if fld.kind is FieldKind.IMAGE:
        return "Add an image: drop or browse a file, paste one, or type a web link."
    return f"Enter the {fld.label.lower()}."


def _too_long(fld: FieldSpec, length: int) -> ValidationError:
    return text_too_long(fld.label, length, fld.name)


def _read_texts(fld: FieldSpec, values: Mapping[str, object], draft: _Draft) -> None:
    raw = values.get(fld.name)
    as_list = values.get(SEND_AS_LIST) is True
    several = values.get(SEVERAL) is True or as_list or isinstance(raw, list | tuple)
    if not several:
        single = _read_single(fld, raw, draft)
        if single is not None:
            draft.inputs = [single]
        return
    noun = "prompt" if fld.name == "prompt" else "text"
    if isinstance(raw, str):
        items = [line.strip() for line in raw.splitlines() if line.strip()]
    elif isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        items = [item for item in raw if item.strip()]
    elif raw is None:
        items = []
    else:
        draft.errors.append(ValidationError(f"{fld.label}: enter text.", fld.name))
        return
    if not items:
        draft.errors.append(
            ValidationError(f"Enter at least one {noun}; empty lines are skipped.", fld.name)
        )
        return
    if len(items) > MAX_TASKS_PER_BATCH:
        draft.errors.append(
            ValidationError(
                f"At most {MAX_TASKS_PER_BATCH} {noun}s can be published at once; there are "
                f"{len(items)}.",
                fld.name,
            )
        )
        return
    longest = max(len(item) for item in items)
    if longest > MAX_TEXT_CHARS:
        draft.errors.append(_too_long(fld, longest))
        return
    if as_list:
        draft.inputs = [items]
        draft.notices.append(
            Notice(
                f"All {len(items)} {noun}s go into one task as a list. The standard HuggingFace "
                "source refuses a list and never answers, so use this only with a source you "
                "know accepts lists.",
                SEND_AS_LIST,
                Severity.WARNING,
            )
        )
        return
    draft.inputs = list(items)
    if len(items) > 1:
        draft.notices.append(
            Notice(
                f"{len(items)} tasks will be published, one per {noun}: the HuggingFace source "
                f"takes one {noun} per task and refuses a list. Each task is paid separately.",
                fld.name,
            )
        )


def _json_object(raw: object, fld: FieldSpec, draft: _Draft) -> dict[str, Any]:
    try:
        return parse_json_object(raw, fld.label, fld.name)
    except ValidationError as exc:
        draft.errors.append(exc)
        return {}


def _read_custom(
    spec: TaskTypeSpec,
    values: Mapping[str, object],
    source_pipeline: str | None,
    draft: _Draft,
) -> None:
    input_field = spec.field("input")
    try:
        draft.inputs = [parse_custom_input(values.get("input"), input_field.label, "input")]
    except ValidationError as exc:
        draft.errors.append(exc)
    args_field = spec.field("args")
    draft.args = _json_object(values.get("args"), args_field, draft)
    for name in draft.args:
        notice = custom_arg_notice(name, source_pipeline, args_field.name)
        if notice is not None:
            draft.notices.append(notice)


def _check_serialisable(draft: _Draft) -> None:
    try:
        json.dumps([draft.inputs, draft.args], allow_nan=False)
    except (TypeError, ValueError):
        draft.errors.append(
            ValidationError("Some values cannot be written as JSON (numbers must be finite).")
        )
