"""Confirm one transaction before it is signed: what it does, its fee and the total it costs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.money_words import amount_words, fee_line
from ogpu_desktop.ui.amount_label import exact_tip
from ogpu_desktop.ui.dialogs.dialog_await import answer_of

if TYPE_CHECKING:  # the chain libraries behind a plan load after the first paint
    from ogpu_desktop.services.tx_plans import TxPlan

FACTS = (
    ("network", "Network"), ("sender", "Signed by"), ("amount", "Sends"),
    ("fee", "Network fee"), ("total", "Total"), ("wallet", "Wallet"),
)


def _label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConfirmTransactionDialog(QDialog):
    """Shows a :class:`TxPlan` and returns a decision; it never sees a key.

    Args:
        plan: The transaction that would be signed.
        parent: The widget it belongs to (the dialog is window-modal).
    """

    def __init__(self, plan: TxPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmTransactionDialog")
        self.setWindowTitle(plan.title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        self.plan = plan
        self.headline = _label("tx.headline", self)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.fields: dict[str, QLabel] = {}
        facts = QFormLayout()
        for key, title in FACTS:
            self.fields[key] = _label(f"tx.{key}", self)
            facts.addRow(f"{title}:", self.fields[key])
        self.cancel_button = QPushButton("Go back", self)
        self.cancel_button.setObjectName("tx.cancel_button")
        self.cancel_button.setToolTip("Close without signing anything")
        self.cancel_button.clicked.connect(self.reject)
        self.sign_button = QPushButton("Sign and send", self)
        self.sign_button.setObjectName("tx.sign_button")
        self.sign_button.setToolTip("Sign this transaction with your key and send it")
        self.sign_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_button)
        column = QVBoxLayout(self)
        column.addWidget(self.headline)
        column.addLayout(facts)
        column.addLayout(buttons)
        self._show(plan)
        self.cancel_button.setFocus()

    def _show(self, plan: TxPlan) -> None:
        symbol = plan.symbol
        self.headline.setText(plan.summary)
        self.fields["network"].setText(f"{plan.network_name} (chain ID {plan.chain_id})")
        self.fields["sender"].setText(plan.sender)
        self.fields["amount"].setText(
            f"{amount_words(plan.value_wei, symbol, up=True)} from your wallet" if plan.value_wei
            else "Nothing besides the fee"
        )
        self.fields["amount"].setToolTip(exact_tip(plan.value_wei, symbol))
        self.fields["fee"].setText(fee_line(plan.likely_fee_wei, plan.max_fee_wei, symbol))
        self.fields["fee"].setToolTip(exact_tip(plan.likely_fee_wei, symbol))
        total = f"about {amount_words(plan.likely_total_wei, symbol, up=True)} from your wallet"
        if plan.max_total_wei > plan.likely_total_wei:
            total += f" (at most {amount_words(plan.max_total_wei, symbol, up=True)})"
        self.fields["total"].setText(total)
        self.fields["total"].setToolTip(exact_tip(plan.likely_total_wei, symbol))
        self.fields["wallet"].setText(
            f"{amount_words(plan.wallet_balance_wei, symbol)} now, about "
            f"{amount_words(plan.wallet_after_wei, symbol)} after"
        )
        self.fields["wallet"].setToolTip(
            f"{exact_tip(plan.wallet_balance_wei, symbol)} now, "
            f"about {format_amount(plan.wallet_after_wei, symbol)} after"
        )


async def review_transaction(plan: TxPlan, parent: QWidget) -> bool:
    """Show ``plan`` in a :class:`ConfirmTransactionDialog`; True when the user signs it."""
    dialog = ConfirmTransactionDialog(plan, parent)
    try:
        return await answer_of(dialog) == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
