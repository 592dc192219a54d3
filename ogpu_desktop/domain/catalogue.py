"""The task catalogue: one declarative spec per task type, from which forms and payloads are built.

Every form field is a :class:`FieldSpec`; every task type a :class:`TaskTypeSpec` in
:data:`CATALOGUE` (ordered as offered to the user). Pipeline arguments are not written here: their
fields are made from the argument table in :mod:`ogpu_desktop.domain.pipeline_args`, the same table
the payload builder uses as its whitelist.

Usage::

    from ogpu_desktop.domain.catalogue import CATALOGUE, FieldKind, FieldRole, get_task_type
    from ogpu_desktop.domain.payload import build_task_configs

    spec = get_task_type("image-classification")
    for field in spec.basic_fields:          # then spec.advanced_fields in a collapsed section
        print(field.name, field.kind, field.label, field.help)
    built = build_task_configs(spec, {"image": "https://example.com/cat.jpg", "top_k": 3})
    built.configs[0]
    # {"function_name": "inference",
    #  "data": {"input": "https://example.com/cat.jpg", "args": {"top_k": 3}}}

Values a form hands to the builder, by kind: text kinds and IMAGE a ``str``; INTEGER an ``int``
(or digits as text); NUMBER a ``float``/``int`` (or decimal text); BOOLEAN a ``bool``; CHOICE one
of the choice values; JSON the typed text (or an already parsed object); TEXT_LIST a sequence of
``str``. ``None`` (or blank text) means "not set": an unset pipeline argument is left out of the
task, so the pipeline's own default applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from ogpu_desktop.domain.pipeline_args import (
    IMAGE_CLASSIFICATION,
    PIPELINES,
    SUMMARIZATION,
    TEXT_CLASSIFICATION,
    TEXT_GENERATION,
    TRANSLATION,
    VISUAL_QUESTION_ANSWERING,
    ArgSpec,
)

__all__ = [
    "CATALOGUE",
    "CUSTOM",
    "EXTRA_ARGS",
    "IMAGE_CLASSIFICATION",
    "SEND_AS_LIST",
    "SEVERAL",
    "SUMMARIZATION",
    "TEXT_CLASSIFICATION",
    "TEXT_GENERATION",
    "TRANSLATION",
    "VISUAL_QUESTION_ANSWERING",
    "Choice",
    "FieldKind",
    "FieldRole",
    "FieldSpec",
    "FieldValue",
    "TaskTypeSpec",
    "get_task_type",
]

CUSTOM = "custom"
"""Key of the free-form task type (any JSON input and arguments)."""

SEVERAL = "several"
"""Option field: split the text box into one task per line."""
SEND_AS_LIST = "send_as_list"
"""Advanced option field: send all lines as one list, for sources that accept lists."""
EXTRA_ARGS = "extra_args"
"""Advanced field of every pipeline task type: further arguments as a JSON object."""

FieldValue = str | int | float | bool | None
"""A default value of a field; ``None`` means "not set"."""


class FieldKind(Enum):
    """What kind of editor a field needs and what value it holds."""

    TEXT = "text"
    """One line of text."""
    MULTILINE_TEXT = "multiline_text"
    """Several lines of text."""
    INTEGER = "integer"
    """A whole number."""
    NUMBER = "number"
    """A decimal number (sent to the pipeline as a JSON number)."""
    BOOLEAN = "boolean"
    """On or off (a pipeline argument may also stay "not set")."""
    CHOICE = "choice"
    """One of :attr:`FieldSpec.choices`."""
    IMAGE = "image"
    """An image: an http(s) link or a ``data:image/...;base64,`` URL made by the image encoder."""
    JSON = "json"
    """JSON text typed by the user."""
    TEXT_LIST = "text_list"
    """Several separate texts."""


class FieldRole(Enum):
    """Where a field's value goes in the task config."""

    INPUT = "input"
    """Into ``data.input``: the whole input, or under :attr:`FieldSpec.input_key`."""
    ARG = "arg"
    """Into ``data.args`` under the field's name, only when set."""
    ARGS_JSON = "args_json"
    """A JSON object whose keys are merged into ``data.args`` (checked against the whitelist)."""
    OPTION = "option"
    """Changes how tasks are built (for example one task per line); never sent."""


@dataclass(frozen=True)
class Choice:
    """One entry of a choice field.

    Attributes:
        value: What is sent.
        label: What the user sees.
    """

    value: str
    label: str


@dataclass(frozen=True)
class FieldSpec:
    """One field of a task form.

    Attributes:
        name: Key in the values mapping; for an ARG field, also the pipeline argument's name.
        label: Short label shown beside the editor.
        kind: The editor and value kind.
        role: Where the value goes in the task config.
        default: Initial value; ``None`` means "not set".
        minimum: Smallest accepted number, inclusive (INTEGER and NUMBER).
        maximum: Largest accepted number, inclusive (INTEGER and NUMBER).
        choices: The entries of a CHOICE field.
        help: Tooltip in plain words, saying what the pipeline does with the value.
        placeholder: Grey text shown while the field is empty or not set.
        required: The form cannot be published without it.
        advanced: Shown only in the collapsed "Advanced" section.
        input_key: For an INPUT field inside an object input (VQA), its key in ``data.input``.
    """

    name: str
    label: str
    kind: FieldKind
    role: FieldRole
    default: FieldValue = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    choices: tuple[Choice, ...] = ()
    help: str = ""
    placeholder: str = ""
    required: bool = False
    advanced: bool = False
    input_key: str | None = None


    @property
    def tooltip(self) -> str:
        """The help text, led by the label and the technical name the task config uses.

        ``"Length of the answer (max_new_tokens): The most tokens …"``: the form says it in
        plain words, the tooltip also names what appears in the JSON.
        """
        if self.role is FieldRole.ARG:
            return f"{self.label} ({self.name}): {self.help}"
        return self.help


@dataclass(frozen=True)
class TaskTypeSpec:
    """One task type offered to the user.

    Attributes:
        key: The HuggingFace pipeline task id (e.g. ``"text-classification"``), or ``"custom"``.
        title: Name shown in the task type picker.
        description: One line saying what the task does.
        fields: Form fields, in display order.
        result_kind: Name of the result view kind the answer is expected to produce
            (a :class:`ogpu_desktop.domain.result_views.ViewKind` value).
    """

    key: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    result_kind: str

    @property
    def pipeline_task(self) -> str | None:
        """The pipeline task a source must run for this type, or ``None`` for custom."""
        return None if self.key == CUSTOM else self.key

    @property
    def allows_batch(self) -> bool:
        """Whether several texts (one task each) can be published at once."""
        return any(field.name == SEVERAL for field in self.fields)

    @property
    def basic_fields(self) -> tuple[FieldSpec, ...]:
        """The fields shown at once."""
        return tuple(field for field in self.fields if not field.advanced)

    @property
    def advanced_fields(self) -> tuple[FieldSpec, ...]:
        """The fields shown in the "Advanced" section."""
        return tuple(field for field in self.fields if field.advanced)

    def fields_with_role(self, role: FieldRole) -> tuple[FieldSpec, ...]:
        """Return the fields whose value goes to ``role``, in display order."""
        return tuple(field for field in self.fields if field.role is role)

    def field(self, name: str) -> FieldSpec:
        """Return the field called ``name``.

        Raises:
            KeyError: The task type has no such field.
        """
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.key} has no field {name!r}")

    def defaults(self) -> dict[str, FieldValue]:
        """Return a fresh values mapping holding every field's default."""
        return {field.name: field.default for field in self.fields}


_KIND_OF_TYPE: Mapping[type, FieldKind] = MappingProxyType(
    {int: FieldKind.INTEGER, float: FieldKind.NUMBER, bool: FieldKind.BOOLEAN}
)
_CHOICE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "softmax": "softmax: scores add up to 1",
        "sigmoid": "sigmoid: each label on its own",
        "none": "none: raw model outputs",
    }
)


def _arg_field(arg: ArgSpec) -> FieldSpec:
    kind = FieldKind.CHOICE if arg.choices else _KIND_OF_TYPE.get(arg.value_type, FieldKind.TEXT)
    return FieldSpec(
        name=arg.name,
        label=arg.label,
        kind=kind,
        role=FieldRole.ARG,
        minimum=arg.minimum,
        maximum=arg.maximum,
        choices=tuple(Choice(value, _CHOICE_LABELS.get(value, value)) for value in arg.choices),
        help=arg.help,
        placeholder=arg.placeholder,
        advanced=arg.advanced,
    )


def _extra_args_field(task: str) -> FieldSpec:
    pipeline = PIPELINES[task]
    if pipeline.unknown_is_error:
        rule = (
            f"This pipeline fails on any argument other than "
            f"{', '.join(arg.name for arg in pipeline.args)}, so others are refused."
        )
    else:
        rule = (
            "Arguments the form does not know are passed on with a warning: the model may "
            "accept them, or fail and send no answer."
        )
    return FieldSpec(
        name=EXTRA_ARGS,
        label="Other arguments (JSON)",
        kind=FieldKind.JSON,
        role=FieldRole.ARGS_JSON,
        help=(
            "Further arguments for the pipeline as a JSON object, for example "
            '{"num_beams": 4}. ' + rule
        ),
        placeholder="{}",
        advanced=True,
    )


def _batch_options(what: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(
            name=SEVERAL,
            label=f"Several {what}s (one task per line)",
            kind=FieldKind.BOOLEAN,
            role=FieldRole.OPTION,
            default=False,
            help=(
                f"Publish one task for each line of the box, each paid separately. Empty lines "
                f"are skipped. The HuggingFace source takes one {what} per task and refuses a "
                "list."
            ),
        ),
        FieldSpec(
            name=SEND_AS_LIST,
            label="Send as one list (only for sources that accept lists)",
            kind=FieldKind.BOOLEAN,
            role=FieldRole.OPTION,
            default=False,
            help=(
                "Put all lines into a single task as a list. The standard HuggingFace source "
                "refuses a list and never answers such a task: use this only for a source you "
                "know accepts lists."
            ),
            advanced=True,
        ),
    )


def _text_input(name: str, label: str, help_text: str, placeholder: str) -> FieldSpec:
    return FieldSpec(
        name=name,
        label=label,
        kind=FieldKind.MULTILINE_TEXT,
        role=FieldRole.INPUT,
        help=help_text,
        placeholder=placeholder,
        required=True,
    )


def _image_input(help_text: str, input_key: str | None = None) -> FieldSpec:
    return FieldSpec(
        name="image",
        label="Image",
        kind=FieldKind.IMAGE,
        role=FieldRole.INPUT,
        help=help_text
        + " A web link (http or https) is downloaded by the provider; an image you drop, paste "
        "or browse is embedded in the task. Everything in a task is public.",
        placeholder="Drag an image here, paste one, or type a link",
        required=True,
        input_key=input_key,
    )


def _pipeline_type(
    key: str,
    title: str,
    description: str,
    inputs: tuple[FieldSpec, ...],
    result_kind: str,
) -> TaskTypeSpec:
    args = tuple(_arg_field(arg) for arg in PIPELINES[key].args)
    return TaskTypeSpec(
        key=key,
        title=title,
        description=description,
        fields=(*inputs, *args, _extra_args_field(key)),
        result_kind=result_kind,
    )


_PER_LINE = " With Several on, write one per line: each line becomes its own task."

_TASK_TYPES: tuple[TaskTypeSpec, ...] = (
    _pipeline_type(
        TEXT_CLASSIFICATION,
        "Text classification",
        "Sort a text into the model's labels, such as positive or negative sentiment.",
        (
            _text_input(
                "text",
                "Text",
                "The text the pipeline classifies." + _PER_LINE,
                "I love this product! It's amazing.",
            ),
            *_batch_options("text"),
        ),
        "label_scores",
    ),
    _pipeline_type(
        IMAGE_CLASSIFICATION,
        "Image classification",
        "Name what an image shows, with a score for each label.",
        (_image_input("The image the pipeline classifies."),),
        "label_scores",
    ),
    _pipeline_type(
        TEXT_GENERATION,
        "Text generation",
        "Continue a prompt with text written by a language model.",
        (
            _text_input(
                "prompt",
                "Prompt",
                "The start of the text; the model writes what follows." + _PER_LINE,
                "Once upon a time",
            ),
            *_batch_options("prompt"),
        ),
        "generated_texts",
    ),
    _pipeline_type(
        VISUAL_QUESTION_ANSWERING,
        "Visual question answering",
        "Ask a question about an image and get short answers with scores.",
        (
            FieldSpec(
                name="question",
                label="Question",
                kind=FieldKind.TEXT,
                role=FieldRole.INPUT,
                help="A question about the image, answered by the model in a word or two.",
                placeholder="What is in this image?",
                required=True,
                input_key="question",
            ),
            _image_input("The image the question is about.", input_key="image"),
        ),
        "answers",
    ),
    _pipeline_type(
        TRANSLATION,
        "Translation",
        "Translate a text into another language.",
        (
            _text_input(
                "text",
                "Text",
                "The text to translate." + _PER_LINE,
                "Hello, how are you?",
            ),
            *_batch_options("text"),
        ),
        "translation",
    ),
    _pipeline_type(
        SUMMARIZATION,
        "Summarization",
        "Shorten a long text into a summary.",
        (
            _text_input(
                "text",
                "Text",
                "The text to summarize." + _PER_LINE,
                "Paste a long article here…",
            ),
            *_batch_options("text"),
        ),
        "summary",
    ),
    TaskTypeSpec(
        key=CUSTOM,
        title="Custom (JSON)",
        description="Send any input and arguments to a source, written as JSON.",
        fields=(
            FieldSpec(
                name="input",
                label="Input",
                kind=FieldKind.JSON,
                role=FieldRole.INPUT,
                help=(
                    "What the source's pipeline receives as its input. Text starting with { is "
                    "read as a JSON object; anything else is sent as plain text. The "
                    "HuggingFace source accepts text or an object, not a list."
                ),
                placeholder='Plain text, or {"question": "…", "image": "https://…"}',
                required=True,
            ),
            FieldSpec(
                name="args",
                label="Arguments (JSON)",
                kind=FieldKind.JSON,
                role=FieldRole.ARGS_JSON,
                help=(
                    "Keyword arguments for the pipeline as a JSON object, for example "
                    '{"top_k": 3}. Names no known pipeline takes are sent with a warning.'
                ),
                placeholder="{}",
            ),
        ),
        result_kind="raw_json",
    ),
)

CATALOGUE: Mapping[str, TaskTypeSpec] = MappingProxyType({t.key: t for t in _TASK_TYPES})
"""Every task type by key, in the order offered to the user."""


def get_task_type(key: str) -> TaskTypeSpec:
    """Return the task type called ``key``.

    Raises:
        KeyError: No task type has that key.
    """
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"unknown task type {key!r}") from None
