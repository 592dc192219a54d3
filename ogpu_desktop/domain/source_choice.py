"""When a task may be published to the source shown: read, the one shown, fitting the form."""

from __future__ import annotations

from dataclasses import dataclass

from ogpu_desktop.domain.source_terms import pipeline_misfit

READING = "Publish waits until the source's terms are read…"
NO_SOURCE = "Choose a source for the task first."
READ_FAILED = "The source shown could not be read: choose another one or check its address."
TYPED_NOT_READ = (
    "Press Enter to read the source you typed: Publish waits until its terms are shown."
)


@dataclass(frozen=True)
class SourceChoice:
    """What the source picker shows and holds at one moment.

    Attributes:
        reading_address: The source picked last, while its read is still under way.
        read_failed: The source picked last could not be read.
        loaded_address: The source whose terms were read and are shown, if any.
        loaded_pipeline: Its pipeline, when it could be read.
        shown_text: What the source box shows (an entry's text, or what was typed).
    """

    reading_address: str | None
    read_failed: bool
    loaded_address: str | None
    loaded_pipeline: str | None
    shown_text: str


def publish_wait_reason(choice: SourceChoice, task_type: str) -> str | None:
    """Why publishing a ``task_type`` task must wait, in plain words, or ``None`` when it can go.

    It can go only when the source shown is the one whose terms were read last, no later read
    is still under way, and its pipeline fits the form of ``task_type``.
    """
    target = choice.reading_address or choice.loaded_address
    if target is not None and target.lower() not in choice.shown_text.lower():
        return TYPED_NOT_READ if choice.shown_text.strip() else NO_SOURCE
    if choice.reading_address is not None:
        return READING
    if choice.read_failed:
        return READ_FAILED
    if choice.loaded_address is None:
        return NO_SOURCE
    return pipeline_misfit(choice.loaded_pipeline, task_type)
