"""How much to put into the vault when it is short: enough for several tasks, not just one."""

from __future__ import annotations

from dataclasses import dataclass

from ogpu_desktop.domain.amounts import short_amount

TASK_COUNTS = (1, 5, 10, 20, 50, 100)
"""The "enough for N tasks" choices offered (a batch adds its own size)."""
DEFAULT_TASKS = 10
"""Suggested first: one deposit's fee then serves ten tasks instead of one."""


@dataclass(frozen=True)
class TopUpChoice:
    """One amount the vault could be topped up by.

    Attributes:
        tasks: How many tasks like this one the vault can pay for afterwards.
        amount_wei: What to deposit (what the vault lacks for ``tasks`` tasks).
    """

    tasks: int
    amount_wei: int

    def words(self, symbol: str) -> str:
        """``"Deposit 0.01 OGPU — enough for 10 tasks like this"``."""
        enough = "enough for this task" if self.tasks == 1 else (
            f"enough for {self.tasks} tasks like this")
        return f"Deposit {short_amount(self.amount_wei, symbol, up=True)} — {enough}"


def top_up_choices(*, payment_wei: int, count: int, vault_wei: int) -> list[TopUpChoice]:
    """The deposits that cover ``count`` tasks or more, smallest first.

    Args:
        payment_wei: The payment of one task.
        count: The tasks about to be published (the smallest choice covers them).
        vault_wei: What the vault holds now.

    Returns:
        One choice per task count, each depositing what the vault lacks for that many tasks;
        empty when the vault already holds enough for ``count`` tasks.
    """
    if payment_wei <= 0 or vault_wei >= payment_wei * count:
        return []
    counts = sorted({count, *(n for n in TASK_COUNTS if n > count)})
    return [TopUpChoice(n, payment_wei * n - vault_wei) for n in counts]


def preferred_choice(
    choices: list[TopUpChoice], remembered: int | None, *, wallet_wei: int | None = None,
) -> int:
    """Index of the choice to show first: the remembered task count, else ten tasks.

    The largest choice not above the wanted count, so a batch of 30 with "10" remembered
    suggests exactly the batch; with ``wallet_wei``, only a choice the wallet holds more than
    (the deposit's fee comes on top), unless none is.
    """
    wanted = remembered if remembered and remembered > 0 else DEFAULT_TASKS
    best = 0
    for index, choice in enumerate(choices):
        affordable = wallet_wei is None or choice.amount_wei < wallet_wei
        if choice.tasks <= wanted and affordable:
            best = index
    return best


def fee_in_passing(wei: int, symbol: str) -> str:
    """A fee said in passing, two significant digits, rounded up (``"0.0018 OGPU"``)."""
    return short_amount(wei, symbol, up=True, significant=2)
