"""What the batch services take and give: settings, the review, progress events and outcomes.

The window and the ``batch`` command use the same objects:

- :class:`BatchSettings`: what every task of a batch shares (saved with the batch);
- :class:`BatchReview`: the one review before signing (how many tasks, refusals, price each and
  in total, network fees, deposit needed, expiry);
- :class:`BatchProgress`: an event while publishing or following (counts by status);
- :class:`BatchRunOutcome`: how a publishing run ended (done, paused, stopped, failed);
- :class:`BatchItem` and :class:`BatchInfo`: an input of a batch and a batch as the history
  keeps them (re-exported here so the window needs no import of the store);
- :class:`BatchSummary`: a batch with its counts, for one row of the task list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.batch_entries import BatchListing, RefusedEntry
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.domain.expiry import format_duration
from ogpu_desktop.store import BatchItemRecord, BatchRecord

BatchItem = BatchItemRecord
"""One input of a batch: label, entry, status, task, error, headline, score (see the store)."""
BatchInfo = BatchRecord
"""One batch: number, task type, settings, creation time (see the store)."""


@dataclass(frozen=True)
class BatchSettings:
    """The settings every task of a batch shares.

    Attributes:
        task_type: The task type key (``"text-classification"``…).
        source: The source every task goes to (checksummed address).
        payment_wei: Payment of each task.
        duration_s: Lifetime of each task, from its publish.
        values: The form's other values (a question, arguments), as for one task.
        paths: The paths the inputs were listed from, as given.
        column: For CSV files, the column read (``None``: the first column of words).
    """

    task_type: str
    source: str
    payment_wei: int
    duration_s: int
    values: Mapping[str, object] = field(default_factory=dict)
    paths: tuple[str, ...] = ()
    column: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The settings as plain JSON values (wei as a string), as the batch saves them."""
        return {
            "task_type": self.task_type,
            "source": self.source,
            "payment_wei": str(self.payment_wei),
            "duration_s": self.duration_s,
            "values": dict(self.values),
            "paths": list(self.paths),
            "column": self.column,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> BatchSettings:
        """Inverse of :meth:`to_json`."""
        return cls(
            task_type=str(value["task_type"]),
            source=str(value["source"]),
            payment_wei=int(value["payment_wei"]),
            duration_s=int(value["duration_s"]),
            values=dict(value.get("values") or {}),
            paths=tuple(str(p) for p in value.get("paths") or ()),
            column=value.get("column"),
        )


@dataclass(frozen=True)
class BatchReview:
    """Everything to show before a batch is signed, in one place.

    Attributes:
        listing: The inputs found (accepted and refused).
        settings: What every task shares.
        task_count: How many tasks will be published (inputs not published yet).
        network_name: The network's name.
        symbol: The network's token symbol.
        sender: The account that signs.
        source_name: The source's name, when its description could be read.
        gas_per_task: Gas limit of each publish.
        likely_fee_wei: Network fees to expect for every task together (from the wallet).
        max_fee_wei: The most those fees can be.
        wallet_balance_wei: What the wallet holds (pays the fees).
        vault_available_wei: What the vault holds free (pays the tasks).
        problems: What stands in the way, in plain words (a missing deposit is not one: see
            :attr:`deposit_needed_wei`).
        notices: Facts and warnings to show.
    """

    listing: BatchListing
    settings: BatchSettings
    task_count: int
    network_name: str
    symbol: str
    sender: str
    source_name: str
    gas_per_task: int
    likely_fee_wei: int
    max_fee_wei: int
    wallet_balance_wei: int
    vault_available_wei: int
    problems: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def refused(self) -> tuple[RefusedEntry, ...]:
        """The inputs left out, each with its reason."""
        return self.listing.refused

    @property
    def payment_wei(self) -> int:
        """Payment of each task."""
        return self.settings.payment_wei

    @property
    def total_payment_wei(self) -> int:
        """Payment of every task together (taken from the vault)."""
        return self.settings.payment_wei * self.task_count

    @property
    def deposit_needed_wei(self) -> int:
        """What must go into the vault before publishing (0 when it holds enough)."""
        return max(0, self.total_payment_wei - self.vault_available_wei)

    @property
    def can_publish(self) -> bool:
        """Whether publishing can go ahead (after the deposit, if one is needed)."""
        return not self.problems and self.task_count > 0

    def lines(self) -> list[str]:
        """The review in plain words, one fact a line (the command prints these)."""
        fmt = self._amount
        count = self.task_count
        tasks = "1 task" if count == 1 else f"{count:,} tasks"
        lines = [
            f"Batch of {self.settings.task_type} tasks on {self.network_name}.",
            self.listing.summary(),
            f"Tasks to publish: {count:,}.",
            f"Source: {self.settings.source}" + (f" ({self.source_name})."
                                                if self.source_name else "."),
            f"Price: {fmt(self.payment_wei)} each, {fmt(self.total_payment_wei)} for {tasks}.",
            f"Network fees: about {fmt(self.likely_fee_wei, 8)} in total "
            f"(at most {fmt(self.max_fee_wei, 8)}), paid from the wallet.",
            f"Each task expires {format_duration(self.settings.duration_s)} after it is "
            "published.",
            f"Vault: {fmt(self.vault_available_wei)} free; wallet: "
            f"{fmt(self.wallet_balance_wei)}.",
        ]
        if self.deposit_needed_wei:
            lines.append(
                f"Deposit needed: {fmt(self.deposit_needed_wei)} into the vault before "
                "publishing."
            )
        for entry in self.refused:
            lines.append(f"Refused: {entry.label}: {entry.reason}")
        lines += [f"Note: {n}" for n in self.notices]
        lines += [f"Problem: {p}" for p in self.problems]
        return lines

    def _amount(self, wei: int, places: int | None = None) -> str:
        return format_amount(wei, self.symbol, max_places=places).removeprefix("≈ ")


class BatchStage(StrEnum):
    """What a batch is doing, as progress events say it."""

    PUBLISHING = "publishing"
    PAUSED = "paused"
    FOLLOWING = "following"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


def accepted_count(counts: Mapping[BatchItemStatus, int]) -> int:
    """Inputs that become tasks: all but the refused."""
    return sum(n for s, n in counts.items() if s is not BatchItemStatus.REFUSED)


def final_count(counts: Mapping[BatchItemStatus, int]) -> int:
    """Accepted inputs that reached a final status."""
    return sum(n for s, n in counts.items() if s.is_final and s is not BatchItemStatus.REFUSED)


@dataclass(frozen=True)
class BatchProgress:
    """One progress event of a batch.

    Attributes:
        batch_id: The batch.
        stage: What it is doing.
        counts: How many inputs have each status (refused ones included).
        message: Plain words for a status line.
    """

    batch_id: int
    stage: BatchStage
    counts: Mapping[BatchItemStatus, int]
    message: str = ""

    @property
    def accepted(self) -> int:
        """Inputs that become tasks (all but the refused)."""
        return accepted_count(self.counts)

    @property
    def final(self) -> int:
        """Accepted inputs that reached a final status."""
        return final_count(self.counts)

    @property
    def published(self) -> int:
        """Accepted inputs published (waiting or final)."""
        return self.accepted - self.counts.get(BatchItemStatus.PENDING, 0)


class RunEnd(StrEnum):
    """How a publishing run ended."""

    DONE = "done"
    """Every input was published (or failed for a reason of its own)."""
    PAUSED = "paused"
    """Paused and then stopped before it was resumed."""
    STOPPED = "stopped"
    """Stopped on request after the chunk being sent; the rest stays pending."""
    FAILED = "failed"
    """Something outside one input went wrong (network, funds); the rest stays pending."""


@dataclass(frozen=True)
class BatchRunOutcome:
    """How one publishing run went.

    Attributes:
        end: Why it ended.
        published: Tasks this run put on chain.
        failed: Inputs this run marked failed.
        in_flight: Inputs whose publish was sent but not yet seen mined (followed later).
        message: Why it stopped, in plain words (empty when done).
    """

    end: RunEnd
    published: int = 0
    failed: int = 0
    in_flight: int = 0
    message: str = ""


@dataclass(frozen=True)
class ResumeReport:
    """What checking a batch's in-flight publishes against the journal and the chain found.

    Attributes:
        published: Inputs whose publish turned out mined (their tasks recorded).
        unsent: Inputs whose publish never reached the chain (pending again, safe to send).
        failed: Inputs whose publish was mined but reverted.
        in_flight: Inputs whose publish is still waiting to be mined (not sent again).
    """

    published: int = 0
    unsent: int = 0
    failed: int = 0
    in_flight: int = 0


@dataclass(frozen=True)
class CancelReport:
    """What cancelling the waiting tasks of a batch did.

    Attributes:
        canceled: Inputs whose task was canceled (its payment back in the vault).
        not_cancelable: Inputs whose task a provider had already taken, with the reason.
    """

    canceled: tuple[int, ...] = ()
    not_cancelable: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class BatchSummary:
    """A batch with how many inputs have each status: one row of the task list.

    Attributes:
        info: The batch.
        counts: How many inputs have each status (refused ones included).
    """

    info: BatchInfo
    counts: Mapping[BatchItemStatus, int]

    @property
    def accepted(self) -> int:
        """Inputs that become tasks."""
        return accepted_count(self.counts)

    @property
    def final(self) -> int:
        """Accepted inputs that reached a final status."""
        return final_count(self.counts)
