"""The one review of a batch before anything is signed: tasks, price, fees, deposit, expiry.

It shows a :class:`BatchReview` (``services.batch_review.review_batch``) in plain words. When the
vault lacks what the tasks will take, it offers the deposit, confirmed with the app's own
transaction review (its fee and total first), and shows the review made again afterwards.
Accepted means "publish the batch as reviewed".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.expiry import format_duration
from ogpu_desktop.domain.money_words import amount_words, cannot_top_up
from ogpu_desktop.services.batch_models import BatchReview
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.dialogs.facts_scroll import facts_scroll_area, fit_height

TopUp = Callable[[int, QWidget], Awaitable[BatchReview | None]]
"""Deposits an amount (wei) into the vault and returns the review made again (``None``: the
user did not sign the deposit)."""

FACTS = (
    ("tasks", "Tasks"), ("source", "Source"), ("network", "Network"), ("sender", "Signed by"),
    ("price", "Price"), ("total", "Total"), ("fees", "Network fees"), ("vault", "Vault"),
    ("expiry", "Expiry"),
)
PUBLIC_NOTICE = "Task inputs are published on IPFS and are public."


def _label(name: str, parent: QWidget, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _rounded(wei: int, symbol: str) -> str:
    return format_amount(wei, symbol, max_places=8).removeprefix("≈ ")


class BatchReviewDialog(QDialog):
    """Shows a batch's review and returns a decision; it never sees a key.

    Args:
        review: What would be published.
        top_up: Deposits what the vault lacks and reviews again; ``None`` hides the offer.
        parent: The main window.
    """

    def __init__(
        self, review: BatchReview, top_up: TopUp | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batchReviewDialog")
        self.setWindowTitle("Review the batch")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(640)
        self._top_up = top_up
        self.review = review
        self.headline = _label("batchReview.headline", self)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.facts = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, title in FACTS:
            self.fields[key] = _label(f"batchReview.{key}", self)
            self.facts.addRow(f"{title}:", self.fields[key])
        self.deposit_note = _label("batchReview.deposit", self)
        self.deposit_button = QPushButton(self)
        self.deposit_button.setObjectName("batchReview.deposit_button")
        self.deposit_button.clicked.connect(self.deposit_missing)
        self.refused_title = _label("batchReview.refused_title", self)
        self.refused = QPlainTextEdit(self)
        self.refused.setObjectName("batchReview.refused")
        self.refused.setAccessibleName("Inputs left out, with the reason")
        self.refused.setReadOnly(True)
        self.problems = _label("batchReview.problems", self)
        self.problems.setStyleSheet("color: #b00020;")
        self.notices = _label("batchReview.notices", self)
        self.cancel_button = QPushButton("Go back", self)
        self.cancel_button.setObjectName("batchReview.cancel_button")
        self.cancel_button.clicked.connect(self.reject)
        self.publish_button = QPushButton(self)
        self.publish_button.setObjectName("batchReview.publish_button")
        self.publish_button.clicked.connect(self.accept)
        self._layout()
        self.show_review(review)
        self.cancel_button.setFocus()

    def _layout(self) -> None:
        deposit_row = QHBoxLayout()
        deposit_row.addWidget(self.deposit_note, 1)
        deposit_row.addWidget(self.deposit_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.publish_button)
        # The facts scroll (up and down only) when the screen is too short for them, as the
        # single task's review does: squeezed, wrapped lines would lose their last pixels.
        self.body = QWidget(self)
        self.body.setObjectName("batchReview.body")
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.headline)
        column.addLayout(self.facts)
        column.addLayout(deposit_row)
        column.addWidget(self.refused_title)
        column.addWidget(self.refused)
        column.addWidget(self.problems)
        column.addWidget(self.notices)
        column.addStretch(1)
        self.facts_scroll = facts_scroll_area(self, self.body, "batchReview.scroll")
        outer = QVBoxLayout(self)
        outer.addWidget(self.facts_scroll, 1)
        outer.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Open tall enough for every fact, within the screen."""
        super().showEvent(event)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow as tall as the facts need at the current width, within the screen."""
        fit_height(self, self.facts_scroll, self.body)

    def show_review(self, review: BatchReview) -> None:
        """Show ``review`` (the first one, or a fresher one after a deposit)."""
        self.review = review
        symbol = review.symbol
        settings = review.settings
        count = review.task_count
        spec = CATALOGUE.get(settings.task_type)
        title = spec.title if spec else settings.task_type
        tasks = "1 task" if count == 1 else f"{count:,} tasks"
        self.headline.setText(f"Publish a batch of {tasks}: {title}, one task per input.")
        self.fields["tasks"].setText(f"{tasks} ({review.listing.summary().rstrip('.')}).")
        source = review.source_name or "Unnamed source"
        self.fields["source"].setText(f"{source}\n{settings.source}")
        self.fields["network"].setText(review.network_name)
        self.fields["sender"].setText(review.sender)
        self.fields["price"].setText(
            f"{format_amount(review.payment_wei, symbol)} each, held in escrow until the "
            "task ends")
        self.fields["total"].setText(
            f"{amount_words(review.total_payment_wei, symbol)} for {tasks}, from the vault, "
            "plus the network fees")
        self.fields["fees"].setText(
            f"about {_rounded(review.likely_fee_wei, symbol)} in total, at most "
            f"{_rounded(review.max_fee_wei, symbol)} (paid from the wallet)")
        self.fields["vault"].setText(
            f"{amount_words(review.vault_available_wei, symbol)} free; wallet "
            f"{amount_words(review.wallet_balance_wei, symbol)}")
        self.fields["expiry"].setText(
            f"Each task expires {format_duration(settings.duration_s)} after it is published")
        self._show_deposit(review)
        refused = review.refused
        self.refused_title.setText(
            f"Left out ({len(refused):,}), not published:" if refused else "")
        self.refused_title.setVisible(bool(refused))
        self.refused.setPlainText("\n".join(f"{e.label}: {e.reason}" for e in refused))
        # As tall as its lines (wrapped ones count twice), at most eight; it scrolls beyond.
        lines = min(8, sum(2 if len(e.label) + len(e.reason) > 80 else 1 for e in refused))
        self.refused.setFixedHeight(
            self.refused.fontMetrics().lineSpacing() * max(lines, 1) + 14)
        self.refused.setVisible(bool(refused))
        self.problems.setText("\n".join(f"• {p}" for p in review.problems))
        self.problems.setVisible(bool(review.problems))
        notices = [n for n in review.notices if n != PUBLIC_NOTICE] + [PUBLIC_NOTICE]
        self.notices.setText("\n".join(f"• {n}" for n in notices))
        ready = review.can_publish and review.deposit_needed_wei == 0
        self.publish_button.setText(f"Sign and publish {tasks}")
        self.publish_button.setEnabled(ready)
        self.publish_button.setToolTip("" if ready else (
            "Deposit what the vault lacks first." if review.can_publish
            else "Fix the problems listed first."))

    def _show_deposit(self, review: BatchReview) -> None:
        missing = review.deposit_needed_wei
        symbol = review.symbol
        self.deposit_note.setVisible(missing > 0)
        self.deposit_button.setVisible(missing > 0 and self._top_up is not None)
        if missing == 0:
            self.deposit_note.setText("")
            return
        self.deposit_note.setText(
            f"Deposit needed: {amount_words(missing, symbol)} into the vault before publishing.")
        self.deposit_button.setText(f"Deposit {amount_words(missing, symbol)}…")
        can_pay = review.wallet_balance_wei > missing
        self.deposit_button.setEnabled(can_pay)
        why = "" if can_pay else cannot_top_up(
            wallet_wei=review.wallet_balance_wei, missing_wei=missing, symbol=symbol)
        self.deposit_button.setToolTip(
            why or "Shows this deposit's network fee and total, then signs it once you agree")
        if why:
            self.deposit_note.setText(f"{self.deposit_note.text()}\n{why}")

    @async_action(trigger="deposit_button")
    async def deposit_missing(self) -> None:
        """Deposit what the vault lacks (its fee confirmed first), then review again."""
        missing = self.review.deposit_needed_wei
        if self._top_up is None or missing == 0:
            return
        self.publish_button.setEnabled(False)
        self.deposit_note.setText("Depositing into the vault… confirm nothing else meanwhile.")
        try:
            fresh = await self._top_up(missing, self)
        except BaseException:
            self.show_review(self.review)
            raise
        self.show_review(fresh or self.review)
        if fresh is None:
            self.deposit_note.setText(f"{self.deposit_note.text()}\nNothing was deposited.")

    def show_error(self, message: str) -> None:
        """Show an error inside the dialog (it covers the window's banner)."""
        self.problems.setText(f"• {message}")
        self.problems.setVisible(True)

    def decision(self) -> BatchReview | None:
        """The review to publish when accepted, else ``None``."""
        return self.review if self.result() == QDialog.DialogCode.Accepted else None
