"""The review's vault top-up: how much to deposit (enough for several tasks) and its fee."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ogpu_desktop.domain.money_words import cannot_top_up
from ogpu_desktop.domain.top_up import TopUpChoice, fee_in_passing
from ogpu_desktop.errors import UserFacingError

if TYPE_CHECKING:  # the chain libraries behind a plan load after the first paint
    from ogpu_desktop.services.publish_models import PublishPreview
    from ogpu_desktop.services.tx_plans import TxPlan

_log = logging.getLogger(__name__)

PlanTopUp = Callable[[int], Awaitable["TxPlan"]]
"""Plans a deposit of an amount (wei) into the vault, to be signed with the publish."""
WALLET_SHORT = (
    "The wallet cannot pay this deposit and the publish's fees together; choose a smaller "
    "deposit or add funds to the wallet."
)


class TopUpRow(QWidget):
    """A choice of deposits ("Deposit 0.01 OGPU — enough for 10 tasks like this") and a note.

    The deposit is signed with the publish after the review's one confirmation; the note says
    its fee, or why the wallet cannot pay it. Its fee comes from the chain (:attr:`plan`, once
    planned); the newest choice wins over a planning still running.

    Args:
        plan_top_up: Plans a deposit; ``None`` offers the choice without a plan ("Deposit
            only" uses it).
        parent: The review.
    """

    choice_changed = Signal()
    plan_changed = Signal()

    def __init__(self, plan_top_up: PlanTopUp | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm.top_up")
        self._plan_top_up = plan_top_up
        self._planning: asyncio.Future[None] | None = None
        self.plan: TxPlan | None = None
        self._choices: list[TopUpChoice] = []
        self.choice = QComboBox(self)
        self.choice.setObjectName("confirm.top_up_choice")
        self.choice.setAccessibleName("How much to deposit into the vault")
        self.choice.setToolTip(
            "The vault pays each task's payment. Depositing for several tasks at once saves a "
            "deposit fee on each of the next ones."
        )
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.currentIndexChanged.connect(lambda _index: self.choice_changed.emit())
        self.note = QLabel(self)
        self.note.setObjectName("confirm.top_up_note")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.choice)
        self.row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.row)
        column.addWidget(self.note)

    def set_choices(self, choices: list[TopUpChoice], symbol: str, preferred: int) -> None:
        """Offer ``choices``, with the one at ``preferred`` chosen; keeps the same count chosen
        when the choices are offered again (a fresher preview)."""
        kept = self.chosen()
        self._choices = list(choices)
        self.choice.blockSignals(True)
        self.choice.clear()
        for choice in choices:
            self.choice.addItem(choice.words(symbol), choice.tasks)
        tasks = [c.tasks for c in choices]
        self.choice.setCurrentIndex(
            tasks.index(kept.tasks) if kept is not None and kept.tasks in tasks else preferred)
        self.choice.blockSignals(False)

    def chosen(self) -> TopUpChoice | None:
        """The deposit chosen, or ``None`` when none is offered."""
        index = self.choice.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None

    def can_plan(self) -> bool:
        """Whether a deposit can be planned to sign with the publish."""
        return self._plan_top_up is not None

    def can_pay(self, preview: PublishPreview) -> bool:
        """Whether the wallet holds more than the deposit chosen."""
        chosen = self.chosen()
        return chosen is not None and preview.wallet_balance_wei > chosen.amount_wei

    def plan_chosen(self, preview: PublishPreview | None) -> None:
        """Plan the deposit chosen for ``preview`` (forgetting any earlier plan).

        ``None`` only forgets: no deposit is to be signed with the publish (a deposit made on
        its own is under way).
        """
        self.plan = None
        if self._planning is not None:
            self._planning.cancel()
            self._planning = None
        chosen = self.chosen()
        if preview is None:
            self.note.setText("")
            self.plan_changed.emit()
            return
        if chosen is not None and not self.can_pay(preview):
            self.note.setText(cannot_top_up(
                wallet_wei=preview.wallet_balance_wei, missing_wei=chosen.amount_wei,
                symbol=preview.symbol))
        elif chosen is None or self._plan_top_up is None:
            self.note.setText("")
        else:
            self.note.setText("Working out the deposit's network fee…")
            self._planning = asyncio.ensure_future(self._plan(preview, chosen))
        self.plan_changed.emit()

    async def _plan(self, preview: PublishPreview, chosen: TopUpChoice) -> None:
        assert self._plan_top_up is not None
        try:
            plan = await self._plan_top_up(chosen.amount_wei)
        except UserFacingError as error:
            self.note.setText(error.message)
            return
        except Exception:  # shown beside the choice; nothing is signed
            _log.warning("planning a top-up failed", exc_info=True)
            self.note.setText("The deposit's network fee could not be worked out.")
            return
        if plan.value_wei + plan.max_fee_wei + preview.max_fee_wei > preview.wallet_balance_wei:
            self.note.setText(WALLET_SHORT)
            return
        self.plan = plan
        self.note.setText(
            f"Network fee about {fee_in_passing(plan.likely_fee_wei, preview.symbol)} for the "
            "deposit. Signing makes the deposit, then publishes: one review for both."
        )
        self.plan_changed.emit()
