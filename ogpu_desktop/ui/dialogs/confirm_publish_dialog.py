"""Review and sign: what a publish will do, in plain words, before anything is signed."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.expiry import format_duration
from ogpu_desktop.domain.money_words import amount_words, cannot_top_up, fee_line
from ogpu_desktop.domain.source_terms import DeliveryMethod
from ogpu_desktop.services.publish_models import PublishPreview
from ogpu_desktop.ui.amount_label import exact_tip
from ogpu_desktop.ui.asyncutils import async_action

TopUp = Callable[[int, QWidget], Awaitable[PublishPreview | None]]
"""Deposits an amount (wei) into the vault and returns the preview made again.

The deposit's own fee and total are confirmed first in a dialog over the given widget;
``None`` means the user did not sign it.
"""

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
        top_up: Deposits the missing vault amount and previews again; ``None`` hides the offer.
        parent: The main window.
    """

    def __init__(
        self, preview: PublishPreview, top_up: TopUp | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmPublishDialog")
        self.setWindowTitle("Review and sign")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(620)
        self._top_up = top_up
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
        self.shortfall = _label("confirm.shortfall", self)
        self.deposit_button = QPushButton(self)
        self.deposit_button.setObjectName("confirm.deposit_button")
        self.deposit_button.clicked.connect(self.deposit_missing)
        self.problems = _label("confirm.problems", self)
        self.problems.setStyleSheet("color: #b00020;")
        self.notices = _label("confirm.notices", self)
        self.ipfs_notice = _label("confirm.ipfs_notice", self, IPFS_NOTICE)
        self.json_toggle = QToolButton(self)
        self.json_toggle.setObjectName("confirm.json_toggle")
        self.json_toggle.setText("Exact task config (JSON)")
        self.json_toggle.setCheckable(True)
        self.json_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.json_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.json_view = QPlainTextEdit(self)
        self.json_view.setObjectName("confirm.json_view")
        self.json_view.setReadOnly(True)
        self.json_view.setAccessibleName("Exact task config")
        self.json_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # A height of its own, so opening it adds room below instead of taking the facts' room.
        self.json_view.setMinimumHeight(self.json_view.fontMetrics().lineSpacing() * 12)
        self.json_view.setVisible(False)
        self.json_toggle.toggled.connect(self._toggle_json)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("confirm.cancel_button")
        self.cancel_button.clicked.connect(self.reject)
        self.sign_button = QPushButton("Sign and publish", self)
        self.sign_button.setObjectName("confirm.sign_button")
        self.sign_button.clicked.connect(self.accept)
        self._layout()
        self.show_preview(preview)
        self.cancel_button.setFocus()

    def _layout(self) -> None:
        shortfall_row = QHBoxLayout()
        shortfall_row.addWidget(self.shortfall, 1)
        shortfall_row.addWidget(self.deposit_button)
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
        column.addLayout(shortfall_row)
        column.addWidget(self.problems)
        column.addWidget(self.notices)
        column.addWidget(self.ipfs_notice)
        column.addWidget(self.json_toggle)
        column.addWidget(self.json_view, 1)
        column.addStretch(0)
        self.facts_scroll = QScrollArea(self)
        self.facts_scroll.setObjectName("confirm.scroll")
        self.facts_scroll.setWidgetResizable(True)
        self.facts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.facts_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.facts_scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.addWidget(self.facts_scroll, 1)
        outer.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Open tall enough for every fact, within the screen."""
        super().showEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        width = self.facts_scroll.viewport().width()
        body = self.body.heightForWidth(width) if self.body.hasHeightForWidth() else -1
        wanted = max(body, self.body.sizeHint().height())
        chrome = self.height() - self.facts_scroll.viewport().height()
        screen = self.screen()
        room = screen.availableGeometry().height() - 80 if screen is not None else wanted + chrome
        target = min(wanted + chrome, room)
        if target > self.height():
            self.resize(self.width(), target)

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
        self.fields["vault"].setText(
            f"{amount_words(preview.vault_available_wei, symbol)} now, "
            + (f"{amount_words(after, symbol)} after" if after >= 0 else "not enough")
        )
        self.fields["vault"].setToolTip(
            f"{exact_tip(preview.vault_available_wei, symbol)} now"
            + (f", {format_amount(after, symbol)} after" if after >= 0 else "")
        )
        self.fields["expiry"].setText(expiry_words(preview))
        self._show_shortfall(preview)
        self.problems.setText("\n".join(f"• {p}" for p in preview.problems))
        self.problems.setVisible(bool(preview.problems))
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
        self.sign_button.setEnabled(preview.can_publish)
        self.sign_button.setToolTip(
            "" if preview.can_publish else "Fix the problems listed first."
        )

    def missing_wei(self) -> int:
        """What the vault lacks for these tasks (0 when it holds enough)."""
        return max(0, self.preview.total_payment_wei - self.preview.vault_available_wei)

    def _show_shortfall(self, preview: PublishPreview) -> None:
        missing = self.missing_wei()
        symbol = preview.symbol
        self.shortfall.setVisible(missing > 0)
        self.deposit_button.setVisible(missing > 0 and self._top_up is not None)
        if missing == 0:
            return
        self.shortfall.setText(
            f"Not enough in the vault: these tasks need "
            f"{amount_words(preview.total_payment_wei, symbol, up=True)}, the vault holds "
            f"{amount_words(preview.vault_available_wei, symbol)}."
        )
        self.deposit_button.setText(f"Deposit {amount_words(missing, symbol, up=True)}")
        can_pay = preview.wallet_balance_wei > missing
        self.deposit_button.setEnabled(can_pay)
        why = "" if can_pay else cannot_top_up(
            wallet_wei=preview.wallet_balance_wei, missing_wei=missing, symbol=symbol)
        self.deposit_button.setToolTip(
            why or "Shows this deposit's network fee and total, then signs it once you agree")
        if why:
            self.shortfall.setText(f"{self.shortfall.text()}\n{why}")

    @async_action(trigger="deposit_button")
    async def deposit_missing(self) -> None:
        """Deposit what the vault lacks (its fee confirmed first), then preview again."""
        if self._top_up is None or self.missing_wei() == 0:
            return
        self.sign_button.setEnabled(False)
        self.shortfall.setText("Depositing into the vault… confirm nothing else meanwhile.")
        try:
            fresh = await self._top_up(self.missing_wei(), self)
        except BaseException:
            self.show_preview(self.preview)
            raise
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
