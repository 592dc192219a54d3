"""The task configs of a batch: one task per input, all with the settings of one form.

The form's values (arguments, and for visual question answering the question) are checked once
by :func:`plan_batch`; each input then gets its own config from the same payload builder
(:func:`ogpu_desktop.domain.payload.build_task_configs`) and its rules, with the input in place of
the form's input field. A list input is never made: one task per text, one per image.

Usage (services; images are read and encoded here, so call it in an executor)::

    plan = plan_batch("text-classification", form_values)   # PayloadValidationError if bad
    plan.notices                     # about the shared settings: show once in the review
    for entry in listing.accepted:
        task = plan.task_for(entry)  # BatchTask(key=entry.key, config_text='{"function_name":…')
        # journal task.key with the task before publishing: a resumed batch skips known keys

:meth:`BatchPlan.task_for` raises :class:`ogpu_desktop.domain.images.ImageError` when an image
can no longer be used (changed since it was listed, damaged beyond its header, too large once
encoded) and :class:`PayloadValidationError` when a text breaks a rule of the builder; either
way the message names the problem in plain words, for that input's row.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ogpu_desktop.domain.batch_entries import ImageEntry, InputKind, TextEntry
from ogpu_desktop.domain.batch_inputs import input_kind
from ogpu_desktop.domain.catalogue import (
    SEND_AS_LIST,
    SEVERAL,
    FieldKind,
    FieldRole,
    FieldSpec,
    TaskTypeSpec,
    get_task_type,
)
from ogpu_desktop.domain.image_decoding import ImageError, too_large_message
from ogpu_desktop.domain.images import (
    DEFAULT_OPTIONS,
    EncodedImage,
    EncodeOptions,
    encode_image_bytes,
)
from ogpu_desktop.domain.payload import Notice, PayloadValidationError, build_task_configs
from ogpu_desktop.errors import ValidationError

__all__ = ["BatchPlan", "BatchTask", "batch_input_field", "encode_entry_image", "plan_batch"]

# Stand-ins for the input while the shared settings are checked: the smallest values that pass.
_TEXT_STAND_IN = "text"
_IMAGE_STAND_IN = "data:image/png;base64,iVBORw0KGgo="


@dataclass(frozen=True, slots=True)
class BatchTask:
    """The task config of one input of a batch.

    Attributes:
        key: The input's stable key (:attr:`ImageEntry.key` / :attr:`TextEntry.key`).
        label: The input as the user knows it (``"photos/cat.jpg"``, ``"reviews.csv:12"``).
        config_text: The task config as compact JSON text, exactly as it will be published.
        notices: What the builder said about this input only (the shared notices are on the
            plan).
    """

    key: str
    label: str
    config_text: str
    notices: tuple[Notice, ...] = ()


def batch_input_field(task_type: str | TaskTypeSpec) -> FieldSpec:
    """The form field that changes from task to task: the image field, else the text input."""
    spec = _spec(task_type)
    inputs = spec.fields_with_role(FieldRole.INPUT)
    for fld in inputs:
        if fld.kind is FieldKind.IMAGE:
            return fld
    return inputs[0]


def plan_batch(
    task_type: str | TaskTypeSpec,
    values: Mapping[str, object],
    *,
    source_pipeline: str | None = None,
) -> BatchPlan:
    """Check the settings shared by every task of a batch, once.

    Args:
        task_type: A task type key of the catalogue, or its spec.
        values: The form's values (see :mod:`ogpu_desktop.domain.catalogue`). The batch input
            field's value is ignored (each input takes its place); "Several" is ignored (a batch
            is always one task per input).
        source_pipeline: The chosen source's pipeline, when known (checks custom arguments).

    Returns:
        The plan, which builds each input's config.

    Raises:
        PayloadValidationError: The settings cannot be published, or "Send as one list" is on
            (a batch never sends a list).
        ValueError: ``values`` names a field the task type does not have (a programming error).
    """
    spec = _spec(task_type)
    field = batch_input_field(spec)
    if values.get(SEND_AS_LIST) is True:
        raise PayloadValidationError(
            [
                ValidationError(
                    "A batch publishes one task per input; turn off “Send as one list”.",
                    SEND_AS_LIST,
                )
            ]
        )
    shared = {name: value for name, value in values.items() if name not in (field.name, SEVERAL)}
    plan = BatchPlan(spec, field, shared, source_pipeline, ())
    stand_in = _IMAGE_STAND_IN if field.kind is FieldKind.IMAGE else _TEXT_STAND_IN
    built = build_task_configs(
        spec, plan.values_with(stand_in), source_pipeline=source_pipeline
    )
    notices = tuple(n for n in built.notices if n.field != field.name)
    return BatchPlan(spec, field, shared, source_pipeline, notices)


@dataclass(frozen=True)
class BatchPlan:
    """The checked settings of a batch; builds the config of each input.

    Attributes:
        task_type: The task type.
        input_field: The form field each input fills.
        shared_values: The form's values without the input field.
        source_pipeline: The chosen source's pipeline, when known.
        notices: What the builder said about the shared settings (corrections, warnings).
    """

    task_type: TaskTypeSpec
    input_field: FieldSpec
    shared_values: Mapping[str, object]
    source_pipeline: str | None
    notices: tuple[Notice, ...]

    @property
    def input_kind(self) -> InputKind:
        """Whether the inputs are images or texts."""
        return input_kind(self.task_type)

    def values_with(self, value: str) -> dict[str, object]:
        """The form's values with ``value`` in the input field (one task, never a list)."""
        values = dict(self.shared_values)
        values[self.input_field.name] = value
        if SEVERAL in (f.name for f in self.task_type.fields):
            values[SEVERAL] = False
            values[SEND_AS_LIST] = False
        return values

    def task_for(
        self, entry: ImageEntry | TextEntry, image_options: EncodeOptions = DEFAULT_OPTIONS
    ) -> BatchTask:
        """Build the task config of one input (an image is read and encoded now).

        Raises:
            ImageError: The image can't be used any more (see the module docstring).
            PayloadValidationError: The input breaks a rule of the payload builder.
            ValueError: The entry's kind is not what this task type takes (a programming error).
        """
        if isinstance(entry, ImageEntry):
            if self.input_kind is not InputKind.IMAGE:
                raise ValueError(f"{self.task_type.key} takes texts, not images")
            value = encode_entry_image(entry, image_options).data_url
        else:
            if self.input_kind is not InputKind.TEXT:
                raise ValueError(f"{self.task_type.key} takes images, not texts")
            value = entry.text
        return self.task_with(entry, value)

    def task_with(self, entry: ImageEntry | TextEntry, value: str) -> BatchTask:
        """Build the task config of one input whose value is already made (an encoded image)."""
        built = build_task_configs(
            self.task_type, self.values_with(value), source_pipeline=self.source_pipeline
        )
        (config_text,) = built.config_texts
        own = tuple(n for n in built.notices if n not in self.notices)
        return BatchTask(entry.key, entry.label, config_text, own)


def encode_entry_image(
    entry: ImageEntry, options: EncodeOptions = DEFAULT_OPTIONS
) -> EncodedImage:
    """Read and encode the image of ``entry``, checking it is the file that was listed.

    The file is read once, its size and time compared on the open file with those recorded when
    it was listed, so the picture sent is the one the input's key stands for.

    Raises:
        ImageError: Gone, unreadable, changed since it was listed, or not encodable.
    """
    name = entry.name
    try:
        with Path(entry.path).open("rb") as handle:
            now = os.fstat(handle.fileno())
            if (now.st_size, now.st_mtime_ns) != (entry.size_bytes, entry.mtime_ns):
                raise ImageError(
                    f"“{name}” changed after it was listed. List the inputs again to send the "
                    "new version."
                )
            if now.st_size > options.max_input_bytes:
                raise ImageError(too_large_message(now.st_size, options.max_input_bytes))
            data = handle.read(options.max_input_bytes + 1)
    except FileNotFoundError:
        raise ImageError(f"“{name}” is not there any more (moved or deleted?).") from None
    except PermissionError:
        raise ImageError(f"“{name}” can't be opened: permission denied.") from None
    except OSError as exc:
        raise ImageError(f"“{name}” can't be read ({exc.strerror or 'read error'}).") from None
    return encode_image_bytes(data, options)


def _spec(task_type: str | TaskTypeSpec) -> TaskTypeSpec:
    return task_type if isinstance(task_type, TaskTypeSpec) else get_task_type(task_type)
