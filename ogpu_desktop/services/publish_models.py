"""The immutable publish preview and the account of what a publish did."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ogpu_desktop.chain.fees import FeeQuote
from ogpu_desktop.domain.money_words import amount_words, fee_words
from ogpu_desktop.services.sources import SourceInfo


@dataclass(frozen=True)
class PublishPreview:
    """Everything the confirm dialog shows; executing publishes exactly this.

    Attributes:
        config_texts: The exact JSON texts that will be pinned (one per task; public on IPFS).
        duration_s: Task lifetime; the absolute expiry is computed right before signing.
        gas_per_task: Gas limit of each ``publishTask`` (estimate + margin).
        fees: Fee fields that will be signed.
        problems: Reasons publishing cannot go ahead (empty when it can).
        vault_problem: The one of ``problems`` that says the vault holds too little ("" when
            it holds enough): a deposit made first solves it.
        notices: Facts and warnings to show.
    """

    chain_id: int
    network_name: str
    symbol: str
    sender: str
    source: SourceInfo
    task_type: str
    config_texts: tuple[str, ...]
    payment_wei: int
    duration_s: int
    expiry_estimate: int
    gas_per_task: int
    fees: FeeQuote
    wallet_balance_wei: int
    vault_available_wei: int
    problems: tuple[str, ...]
    notices: tuple[str, ...]
    vault_problem: str = ""

    @property
    def problems_besides_vault(self) -> tuple[str, ...]:
        """The problems a deposit into the vault would not solve."""
        return tuple(p for p in self.problems if p != self.vault_problem)

    @property
    def count(self) -> int:
        """How many tasks."""
        return len(self.config_texts)

    @property
    def total_payment_wei(self) -> int:
        """All payments together (taken from the vault balance)."""
        return self.payment_wei * self.count

    @property
    def max_fee_wei(self) -> int:
        """The most the network fees can add up to (paid from the wallet)."""
        return self.gas_per_task * self.fees.price_cap * self.count

    @property
    def likely_fee_wei(self) -> int:
        """The network fees to expect at current prices."""
        return self.gas_per_task * self.fees.likely_price * self.count

    @property
    def can_publish(self) -> bool:
        """True when nothing stands in the way."""
        return not self.problems

    def summary(self) -> str:
        """One plain sentence for the dialog's headline."""
        tasks = "1 task" if self.count == 1 else f"{self.count} tasks"
        # An estimate: rounded as the fee line shows it, not all eighteen decimals.
        fee = fee_words(self.likely_fee_wei, self.symbol)
        return (
            f"Publish {tasks} on {self.network_name}: "
            f"{amount_words(self.total_payment_wei, self.symbol, up=True)} from the vault, plus a "
            f"network fee of about {fee}."
        )


@dataclass(frozen=True)
class TaskOutcome:
    """What happened to one task of a publish.

    Attributes:
        state: ``published``, ``pending`` (sent, no receipt yet; kept in the journal),
            ``failed`` or ``skipped`` (not sent because an earlier task failed).
    """

    index: int
    state: str
    task: str | None = None
    tx_hash: str | None = None
    message: str = ""


@dataclass(frozen=True)
class PublishOutcome:
    """The account of a publish: one outcome per task, in order.

    Attributes:
        timings_ms: Wall time per stage across the batch, for diagnostics and benchmarks:
            ``pin`` (waiting for a task's pin and signature that the sends did not hide),
            ``sign_send`` (journaling and sending), ``receipt_wait`` and ``total``.
    """

    tasks: tuple[TaskOutcome, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)

    @property
    def published(self) -> list[TaskOutcome]:
        """The tasks that are on chain."""
        return [t for t in self.tasks if t.state == "published"]

    @property
    def all_published(self) -> bool:
        """True when every task is on chain."""
        return all(t.state == "published" for t in self.tasks)


def config_text(config: Mapping[str, Any]) -> str:
    """The JSON text pinned for a task config (``json.dumps`` defaults, as the SDK does)."""
    return json.dumps(dict(config))
