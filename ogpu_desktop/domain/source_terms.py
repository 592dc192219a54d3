"""What a source demands of its tasks, and a check of a task's payment, lifetime and type."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from ogpu_desktop.domain.amounts import DEFAULT_SYMBOL, format_amount
from ogpu_desktop.domain.catalogue import CATALOGUE, CUSTOM
from ogpu_desktop.domain.expiry import (
    EXPIRY_MARGIN_S,
    check_duration,
    format_duration,
    max_duration,
)
from ogpu_desktop.domain.pipeline_args import Notice, Severity, canonical_task
from ogpu_desktop.errors import ValidationError


class DeliveryMethod(IntEnum):
    """How a source's task is settled (``SourceParams.deliveryMethod``)."""

    MANUAL_CONFIRMATION = 0
    """The task's client confirms one response; only then is the provider paid."""
    FIRST_RESPONSE = 1
    """The first response is accepted without the client's confirmation."""


@dataclass(frozen=True)
class SourceTerms:
    """The parts of a source's parameters that a client must respect when publishing.

    Attributes:
        active: The source takes new tasks (status ACTIVE).
        min_payment_wei: Smallest payment per task, in wei.
        max_expiry_seconds: Longest task lifetime the source allows (``maxExpiryDuration``).
        delivery_method: How responses are settled.
        pipeline_task: The HuggingFace pipeline task the source runs, when it could be read.
        pipeline_model: The model it runs, when it could be read.
    """

    active: bool
    min_payment_wei: int
    max_expiry_seconds: int
    delivery_method: DeliveryMethod
    pipeline_task: str | None = None
    pipeline_model: str | None = None

    def __post_init__(self) -> None:
        if self.min_payment_wei < 0 or self.max_expiry_seconds < 0:
            raise ValueError("source terms cannot be negative")

    @property
    def needs_confirmation(self) -> bool:
        """Whether the client has to confirm a response before it is final."""
        return self.delivery_method is DeliveryMethod.MANUAL_CONFIRMATION

    @property
    def longest_duration(self) -> int:
        """The longest lifetime to offer for a task, in seconds (the maximum less a margin)."""
        return max_duration(self.max_expiry_seconds, EXPIRY_MARGIN_S)


@dataclass(frozen=True)
class TermsCheck:
    """The outcome of :func:`check_terms`.

    Attributes:
        errors: Problems that would make the publish fail or the task go unanswered.
        notices: Warnings and facts to show before publishing.
    """

    errors: tuple[ValidationError, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether nothing stands in the way of publishing."""
        return not self.errors


def check_terms(
    terms: SourceTerms,
    *,
    task_type: str,
    payment_wei: int | None = None,
    duration_s: int | None = None,
    symbol: str = DEFAULT_SYMBOL,
) -> TermsCheck:
    """Check a task against what its source demands.

    Args:
        terms: The chosen source's terms.
        task_type: Key of the chosen task type in the catalogue.
        payment_wei: Payment per task, when already entered.
        duration_s: Task lifetime in seconds, when already chosen.
        symbol: The network's token symbol, for messages.

    Returns:
        Errors (inactive source, payment below the minimum, lifetime out of range) and notices
        (a task type that does not match the source's pipeline is a warning, because the
        pipeline may have been read wrongly; a source that needs manual confirmation is stated).
    """
    errors: list[ValidationError] = []
    notices: list[Notice] = []
    if not terms.active:
        errors.append(
            ValidationError(
                "This source is inactive and takes no new tasks. Choose another source.", "source"
            )
        )
    if payment_wei is not None and payment_wei < terms.min_payment_wei:
        errors.append(
            ValidationError(
                f"This source asks at least {format_amount(terms.min_payment_wei, symbol)} per "
                f"task; you offered {format_amount(payment_wei, symbol)}.",
                "payment",
            )
        )
    if duration_s is not None:
        try:
            check_duration(duration_s, max_expiry_s=terms.max_expiry_seconds)
        except ValidationError as exc:
            errors.append(exc)
    mismatch = _pipeline_mismatch(terms, task_type)
    if mismatch is not None:
        notices.append(mismatch)
    if terms.needs_confirmation:
        notices.append(
            Notice(
                "This source needs you to confirm a response before it is final and the "
                "provider is paid.",
                "source",
            )
        )
    return TermsCheck(tuple(errors), tuple(notices))


DELIVERY_TEXT = {
    DeliveryMethod.FIRST_RESPONSE: "first response is final",
    DeliveryMethod.MANUAL_CONFIRMATION: "you confirm the answer you accept",
}


def describe_terms(
    terms: SourceTerms, *, name: str, metadata_error: str | None, symbol: str,
    delivery_method: int,
) -> str:
    """The source's terms in a few plain lines: name and state, money and time, pipeline.

    Args:
        terms: The terms read from the chain and the metadata.
        name: The source's name from its metadata ("" when unknown).
        metadata_error: Why the metadata could not be read, if it could not.
        symbol: The network's token symbol.
        delivery_method: The raw delivery method (a value outside the known ones is named).
    """
    try:
        delivery = DELIVERY_TEXT[DeliveryMethod(delivery_method)]
    except ValueError:
        delivery = f"delivery method {delivery_method}"
    lines = [
        f"{name or 'Unnamed source'} · {'active' if terms.active else 'INACTIVE'}",
        f"Minimum payment {format_amount(terms.min_payment_wei, symbol)} · longest lifetime "
        f"{format_duration(terms.max_expiry_seconds)} · {delivery}",
    ]
    if terms.pipeline_task:
        model = f" with {terms.pipeline_model}" if terms.pipeline_model else ""
        lines.append(f"Runs {terms.pipeline_task}{model}")
    elif metadata_error:
        lines.append(f"Its pipeline is unknown: {metadata_error}")
    return "\n".join(lines)


def pipeline_misfit(pipeline_task: str | None, task_type: str) -> str | None:
    """Why a form of ``task_type`` must not go to a source running ``pipeline_task``, if so.

    The form builds the input of one pipeline; a source that runs another one fails on it and no
    answer comes. A source whose pipeline is unknown, and the Custom (JSON) type, which sends
    any input, are let through (the source picker warns about an unknown pipeline).

    Returns:
        The reason in plain words, with the way out, or ``None`` when the source fits.
    """
    if pipeline_task is None or task_type == CUSTOM or canonical_task(pipeline_task) == task_type:
        return None
    spec = CATALOGUE.get(task_type)
    chosen = spec.title.lower() if spec else task_type
    return (
        f"This source runs {pipeline_task}, not {chosen}: choose a source that runs {chosen}, "
        f"or the task type that fits this source (Custom (JSON) sends it any input)."
    )


def _pipeline_mismatch(terms: SourceTerms, task_type: str) -> Notice | None:
    if terms.pipeline_task is None or task_type == CUSTOM:
        return None
    runs = canonical_task(terms.pipeline_task)
    if runs == task_type:
        return None
    spec = CATALOGUE.get(task_type)
    chosen = spec.title.lower() if spec else task_type
    model = f" with the model {terms.pipeline_model}" if terms.pipeline_model else ""
    return Notice(
        f"This source runs the {terms.pipeline_task} pipeline{model}, but you chose {chosen}. "
        "It will probably fail on this task, and then no answer comes.",
        "task_type",
        Severity.WARNING,
    )
