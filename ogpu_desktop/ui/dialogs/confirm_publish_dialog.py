"""Review and sign: what a publish will do, in plain words, before anything is signed."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.expiry import format_duration
from ogpu_desktop.domain.money_words import amount_words, fee_line, fee_words
from ogpu_desktop.domain.source_terms import DeliveryMethod
from ogpu_desktop.domain.top_up import (
    TopUpChoice,
    preferred_choice,
    top_up_choices,
)
from ogpu_desktop.services.publish_models import PublishPreview
from ogpu_desktop.ui.amount_label import exact_tip
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.dialogs.facts_scroll import facts_scroll_area, fit_height
from ogpu_desktop.ui.dialogs.top_up_row import PlanTopUp, TopUpRow
from ogpu_desktop.ui.message_colours import set_message_role

if TYPE_CHECKING:  # the chain libraries behind a plan load after the first paint
    from ogpu_desktop.services.tx_plans import TxPlan

TopUp = Callable[[int, QWidget], Awaitable[PublishPreview | None]]
"""Deposits an amount (wei) into the vault and returns the preview made again.

The deposit's own fee and total are confirmed first in a dialog over the given widget;
``None`` means the user did not sign it.
"""

FEE_EXPLANATION = (
    "The payment goes to the provider that answers; the network fee pays the network for "
    "recording each transaction."
)

IPFS_NOTICE = (
    "The task config below is uploaded to IPFS: anyone can read it, for good. Do not include "
    "private information."
)
DELIVERY_WORDS = {
    DeliveryMethod.FIRST_RESPONSE: "the first answer is final",
    DeliveryMethod.MANUAL_CONFIRMATION: "you confirm the answer you accept",
}


def _label(name: str, parent: QWidget, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def source_words(preview: PublishPreview) -> str:
    """The source in plain words: name, pipeline and model, delivery method, address."""
    source = preview.source
    parts = [source.name or "Unnamed source"]
    if source.pipeline_task:
        model = f" ({source.pipeline_model})" if source.pipeline_model else ""
        parts.append(f"runs {source.pipeline_task}{model}")
    try:
        parts.append(DELIVERY_WORDS[DeliveryMethod(source.delivery_method)])
    except ValueError:
        parts.append(f"delivery method {source.delivery_method}")
    return " · ".join(parts) + f"\n{source.address}"


def expiry_words(preview: PublishPreview) -> str:
    """When the task expires: local time and duration from now."""
    local = time.strftime("%Y-%m-%d %H:%M", time.localtime(preview.expiry_estimate))
    return f"{local} (in {format_duration(preview.duration_s)})"


class ConfirmPublishDialog(QDialog):
    """Shows a :class:`PublishPreview` and returns a decision; it never sees a key.

    Accepted means "sign and publish :attr:`preview`" (which may be a fresher preview than the
    one given, after a deposit).

    Args:
        preview: What would be published.
        top_up: Deposits the chosen amount on its own and previews again ("Deposit only");
            ``None`` hides that button.
        parent: The main window.
        plan_top_up: Plans a deposit signed together with the publish, after this one review
            ("Deposit and publish"); ``None`` offers no such deposit.
        top_up_tasks: The "enough for N tasks" chosen last time, suggested again.
    """

    def __init__(
        self, preview: PublishPreview, top_up: TopUp | None = None,
        parent: QWidget | None = None, *, plan_top_up: PlanTopUp | None = None,
        top_up_tasks: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmPublishDialog")
        self.setWindowTitle("Review and sign")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(620)
        self._top_up = top_up
        self._top_up_tasks = top_up_tasks
        self._depositing = False
        self.preview = preview
        self.headline = _label("confirm.headline", self)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.facts = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, title in (
            ("task_type", "Task type"), ("source", "Source"), ("network", "Network"),
            ("sender", "Signed by"), ("payment", "Payment"), ("fee", "Network fee"),
            ("total", "Total"), ("vault", "Vault balance"), ("expiry", "Expires"),
        ):
            self.fields[key] = _label(f"confirm.{key}", self)
            self.facts.addRow(f"{title}:", self.fields[key])
        self.fee_explanation = _label("confirm.fee_explanation", self, FEE_EXPLANATION)
        self.shortfall = _label("confirm.shortfall", self)
        self.top_up = TopUpRow(plan_top_up, self)
        self.top_up.choice_changed.connect(lambda: self.top_up.plan_chosen(self.preview))
        self.top_up.plan_changed.connect(self._update_sign)
        self.deposit_button = QPushButton("Deposit only", self)
        self.deposit_button.setObjectName("confirm.deposit_button")
        self.deposit_button.clicked.connect(self.deposit_missing)
        self.top_up.row.addWidget(self.deposit_button)
        self.problems = _label("confirm.problems", self)
        set_message_role(self.problems, "error")
        self.notices = _label("confirm.notices", self)
        self.ipfs_notice = _label("confirm.ipfs_notice", self, IPFS_NOTICE)
        self.json_toggle, self.json_view = self._json_pane()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("confirm.cancel_button")
        self.cancel_button.clicked.connect(self.reject)
        self.sign_button = QPushButton("Sign and publish", self)
        self.sign_button.setObjectName("confirm.sign_button")
        self.sign_button.clicked.connect(self.accept)
        self._layout()
        self.show_preview(preview)
        self.cancel_button.setFocus()

    def _json_pane(self) -> tuple[QToolButton, QPlainTextEdit]:
        toggle = QToolButton(self)
        toggle.setObjectName("confirm.json_toggle")
        toggle.setText("Exact task config (JSON)")
        toggle.setCheckable(True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setArrowType(Qt.ArrowType.RightArrow)
        view = QPlainTextEdit(self)
        view.setObjectName("confirm.json_view")
        view.setReadOnly(True)
        view.setAccessibleName("Exact task config")
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # A height of its own, so opening it adds room below instead of taking the facts' room.
        view.setMinimumHeight(view.fontMetrics().lineSpacing() * 12)
        view.setVisible(False)
        toggle.toggled.connect(self._toggle_json)
        return toggle, view

    def _layout(self) -> None:
        shortfall_row = QVBoxLayout()
        shortfall_row.addWidget(self.shortfall)
        shortfall_row.addWidget(self.top_up)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_button)
        # The facts scroll (up and down only) when the screen is too short for them, as at
        # 200 % on a laptop screen: squeezed, every wrapped line would lose its last pixels.
        self.body = QWidget(self)
        self.body.setObjectName("confirm.body")
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.headline)
        column.addLayout(self.facts)
        column.addWidget(self.fee_explanation)
        column.addLayout(shortfall_row)
        column.addWidget(self.problems)
        column.addWidget(self.notices)
        column.addWidget(self.ipfs_notice)
        column.addWidget(self.json_toggle)
        column.addWidget(self.json_view, 1)
        column.addStretch(0)
        self.facts_scroll = facts_scroll_area(self, self.body, "confirm.scroll")
        outer = QVBoxLayout(self)
        outer.addWidget(self.facts_scroll, 1)
        outer.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Open tall enough for every fact, within the screen."""
        super().showEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        fit_height(self, self.facts_scroll, self.body)

    def show_preview(self, preview: PublishPreview) -> None:
        """Show ``preview`` (the first one, or a fresher one after a deposit)."""
        self.preview = preview
        symbol = preview.symbol
        spec = CATALOGUE.get(preview.task_type)
        count = preview.count
        self.headline.setText(preview.summary())
        self.fields["task_type"].setText(
            (spec.title if spec else preview.task_type)
            + ("" if count == 1 else f" — a batch of {count} tasks")
        )
        self.fields["source"].setText(source_words(preview))
        self.fields["network"].setText(f"{preview.network_name} (chain ID {preview.chain_id})")
        self.fields["sender"].setText(preview.sender)
        each = amount_words(preview.payment_wei, symbol, up=True)
        self.fields["payment"].setText(
            each + (" per task" if count == 1 else f" per task, {count} tasks")
            + ", set aside until the task ends"
        )
        self.fields["payment"].setToolTip(
            f"{exact_tip(preview.payment_wei, symbol)} per task. The payment goes to the "
            "provider that answers; it is held by the network (in escrow) until then."
        )
        self.fields["fee"].setText(fee_line(preview.likely_fee_wei, preview.max_fee_wei, symbol))
        self.fields["fee"].setToolTip(
            f"About {format_amount(preview.likely_fee_wei, symbol)}, at most "
            f"{format_amount(preview.max_fee_wei, symbol)}"
        )
        self.fields["total"].setText(
            f"{amount_words(preview.total_payment_wei, symbol, up=True)} from the vault, "
            "plus the fee"
        )
        self.fields["total"].setToolTip(exact_tip(preview.total_payment_wei, symbol))
        after = preview.vault_available_wei - preview.total_payment_wei
        self.fields["vault"].setToolTip(
            f"{exact_tip(preview.vault_available_wei, symbol)} now"
            + (f", {format_amount(after, symbol)} after" if after >= 0 else "")
        )
        self.fields["expiry"].setText(expiry_words(preview))
        self._show_shortfall(preview)
        # The fuller public-IPFS notice below replaces the preview's one-line version.
        notices = [n for n in preview.notices if "IPFS" not in n]
        self.notices.setText("\n".join(f"• {n}" for n in notices))
        self.notices.setVisible(bool(notices))
        self.json_view.setPlainText(
            "\n\n".join(
                text if count == 1 else f"// task {index + 1} of {count}\n{text}"
                for index, text in enumerate(preview.config_texts)
            )
        )
        self._update_sign()

    def missing_wei(self) -> int:
        """What the vault lacks for these tasks (0 when it holds enough)."""
        return max(0, self.preview.total_payment_wei - self.preview.vault_available_wei)

    def deposit_wei(self) -> int:
        """The deposit chosen (what the vault lacks when no choice is offered)."""
        chosen = self.top_up.chosen()
        return chosen.amount_wei if chosen is not None else self.missing_wei()

    def top_up_tasks(self) -> int | None:
        """The "enough for N tasks" chosen, to suggest again next time."""
        chosen = self.top_up.chosen()
        return chosen.tasks if chosen is not None else None

    def _show_shortfall(self, preview: PublishPreview) -> None:
        missing = self.missing_wei()
        symbol = preview.symbol
        choices: list[TopUpChoice] = []
        if missing and (self.top_up.can_plan() or self._top_up is not None):
            choices = top_up_choices(payment_wei=preview.payment_wei, count=preview.count,
                                     vault_wei=preview.vault_available_wei)
        self.top_up.set_choices(choices, symbol, preferred_choice(
            choices, self._top_up_tasks, wallet_wei=preview.wallet_balance_wei))
        self.shortfall.setVisible(missing > 0)
        self.top_up.setVisible(bool(choices))
        self.deposit_button.setVisible(missing > 0 and self._top_up is not None)
        if missing == 0:
            self.top_up.plan_chosen(preview)  # nothing to plan: forgets an earlier plan
            return
        self.shortfall.setText(
            f"Not enough in the vault: these tasks need "
            f"{amount_words(preview.total_payment_wei, symbol, up=True)}, the vault holds "
            f"{amount_words(preview.vault_available_wei, symbol)}."
        )
        self.deposit_button.setToolTip(
            "Make only the deposit now, with its own review, and come back here")
        self.top_up.plan_chosen(preview)

    @property
    def deposit_plan(self) -> TxPlan | None:
        """The deposit to sign with the publish, once planned and payable (else ``None``)."""
        return self.top_up.plan

    def _update_sign(self) -> None:
        """"Sign and publish", or "Deposit and publish" when a planned deposit solves the
        vault's shortfall and nothing else stands in the way."""
        preview, plan = self.preview, self.deposit_plan
        self.deposit_button.setEnabled(self.top_up.can_pay(preview))
        with_deposit = (plan is not None and bool(preview.vault_problem)
                        and not preview.problems_besides_vault)
        problems = preview.problems_besides_vault if with_deposit else preview.problems
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        self.problems.setVisible(bool(problems))
        symbol = preview.symbol
        fee = fee_line(preview.likely_fee_wei, preview.max_fee_wei, symbol)
        if with_deposit and plan is not None:
            fee = (f"about {fee_words(preview.likely_fee_wei, symbol)} to publish, plus about "
                   f"{fee_words(plan.likely_fee_wei, symbol)} for the deposit (both paid from "
                   "the wallet)")
        self.fields["fee"].setText(fee)
        now = preview.vault_available_wei
        after = now - preview.total_payment_wei
        if with_deposit and plan is not None:
            tasks = "this task" if preview.count == 1 else "these tasks"
            vault = (f"{amount_words(after + plan.value_wei, symbol)} after the deposit and "
                     f"{tasks}")
        else:
            vault = f"{amount_words(after, symbol)} after" if after >= 0 else "not enough"
        self.fields["vault"].setText(f"{amount_words(now, symbol)} now, {vault}")
        self.sign_button.setText("Deposit and publish" if with_deposit else "Sign and publish")
        enabled = (preview.can_publish or with_deposit) and not self._depositing
        self.sign_button.setEnabled(enabled)
        self.sign_button.setToolTip(
            "" if enabled else "Fix the problems listed first."
        )

    @async_action(trigger="deposit_button")
    async def deposit_missing(self) -> None:
        """Deposit what the vault lacks (its fee confirmed first), then preview again."""
        if self._top_up is None or self.missing_wei() == 0:
            return
        amount = self.deposit_wei()
        # Signing stays off until the deposit is done: a deposit planned for "Deposit and
        # publish" that arrives meanwhile must not turn it back on.
        self._depositing = True
        self.top_up.plan_chosen(None)
        self.shortfall.setText("Depositing into the vault… confirm nothing else meanwhile.")
        try:
            fresh = await self._top_up(amount, self)
        except BaseException:
            self._depositing = False
            if self.isVisible():
                self.show_preview(self.preview)
            raise
        self._depositing = False
        if not self.isVisible():
            return  # closed meanwhile: nothing left to show
        self.show_preview(fresh or self.preview)
        if fresh is None:
            self.shortfall.setText(f"{self.shortfall.text()}\nNothing was deposited.")

    def show_error(self, message: str) -> None:
        """Show an error inside the dialog (it covers the window's banner)."""
        self.problems.setText(f"• {message}")
        self.problems.setVisible(True)

    def _toggle_json(self, shown: bool) -> None:
        self.json_view.setVisible(shown)
        if shown:
            self._fit_height()
        self.json_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    def decision(self) -> PublishPreview | None:
        """The preview to sign when accepted, else ``None``."""
        return self.preview if self.result() == QDialog.DialogCode.Accepted else None
