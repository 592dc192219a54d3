"""Publish again: a published task turned back into what the Compose page shows.

A task config is what a form built; :func:`form_values` reads it back into the form's field
values, so the user sees the task as it was typed and may change it before publishing again.
A config the task type's form cannot say exactly (hand-made JSON, a source of another
pipeline) opens as custom JSON instead, so nothing of it is lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.domain.catalogue import (
    CATALOGUE,
    CUSTOM,
    EXTRA_ARGS,
    SEND_AS_LIST,
    SEVERAL,
    FieldRole,
    TaskTypeSpec,
)
from ogpu_desktop.domain.expiry import DURATION_PRESETS_S
from ogpu_desktop.domain.payload import build_task_configs
from ogpu_desktop.domain.task_rows import task_type_for
from ogpu_desktop.errors import ValidationError

__all__ = ["TaskDraft", "draft_of", "form_values", "lifetime_of"]


@dataclass(frozen=True)
class TaskDraft:
    """A task to compose again.

    Attributes:
        task_type: The catalogue task type the form opens on.
        values: The form's field values, by field name.
        source: The source the task went to ("" when unknown).
        payment_wei: The payment per task, or ``None`` to use the source's terms.
        duration_s: The task lifetime, or ``None`` to use the default.
    """

    task_type: str
    values: Mapping[str, object] = field(default_factory=dict)
    source: str = ""
    payment_wei: int | None = None
    duration_s: int | None = None


def lifetime_of(expiry_time: int | None, published_at: int | None) -> int | None:
    """The offered lifetime closest to the one a task was given (``None`` when unknown)."""
    if expiry_time is None or published_at is None or expiry_time <= published_at:
        return None
    given = expiry_time - published_at
    return min(DURATION_PRESETS_S, key=lambda preset: abs(preset - given))


def draft_of(
    *,
    pipeline: str | None,
    config_json: str | None,
    source: str = "",
    payment_wei: int | None = None,
    expiry_time: int | None = None,
    published_at: int | None = None,
) -> TaskDraft:
    """The draft of a task published with ``config_json`` to a source running ``pipeline``."""
    config = _config(config_json)
    task_type = task_type_for(pipeline)
    values = form_values(task_type, config)
    if values is None:
        task_type, values = CUSTOM, _custom_values(config)
    return TaskDraft(
        task_type=task_type, values=values, source=source, payment_wei=payment_wei,
        duration_s=lifetime_of(expiry_time, published_at),
    )


def form_values(task_type: str, config: Mapping[str, Any]) -> dict[str, object] | None:
    """The field values of ``task_type``'s form that build ``config`` again.

    Returns:
        The values, or ``None`` when that form cannot build exactly this config.
    """
    spec = CATALOGUE.get(task_type)
    if spec is None:
        return None
    if spec.key == CUSTOM:
        return _custom_values(config)
    data = config.get("data")
    if not isinstance(data, dict):
        return None
    args = data.get("args")
    values = _pipeline_values(spec, data.get("input"), args if isinstance(args, dict) else {})
    if values is None:
        return None
    try:
        built = build_task_configs(spec, values)
    except ValidationError:
        return None
    return values if built.configs == (dict(config),) else None


def _pipeline_values(
    spec: TaskTypeSpec, task_input: object, args: Mapping[str, Any]
) -> dict[str, object] | None:
    values: dict[str, object] = dict(spec.defaults())
    for fld in spec.fields_with_role(FieldRole.ARG):
        values[fld.name] = args.get(fld.name)
    extra = {name: value for name, value in args.items()
             if not any(f.name == name for f in spec.fields_with_role(FieldRole.ARG))}
    if extra and EXTRA_ARGS in values:
        values[EXTRA_ARGS] = json.dumps(extra, ensure_ascii=False)
    elif extra:
        return None
    inputs = spec.fields_with_role(FieldRole.INPUT)
    if isinstance(task_input, list) and spec.allows_batch:
        # Several texts sent as one list: the form's "send as a list" option.
        values[inputs[0].name] = "\n".join(str(item) for item in task_input)
        values[SEVERAL] = True
        values[SEND_AS_LIST] = True
        return values
    for fld in inputs:
        part = task_input.get(fld.input_key) if (
            fld.input_key is not None and isinstance(task_input, dict)) else task_input
        if not isinstance(part, str):
            return None
        values[fld.name] = part
    return values


def _custom_values(config: Mapping[str, Any]) -> dict[str, object]:
    data = config.get("data")
    data = data if isinstance(data, dict) else {}
    task_input = data.get("input")
    text = task_input if isinstance(task_input, str) else json.dumps(
        task_input, ensure_ascii=False, indent=2)
    args = data.get("args")
    return {
        "input": text if task_input is not None else "",
        "args": json.dumps(args, ensure_ascii=False, indent=2) if args else "",
    }


def _config(config_json: str | None) -> dict[str, Any]:
    if not config_json:
        return {}
    try:
        value = loads_bounded(config_json)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
