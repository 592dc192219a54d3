"""The Compose page's source, payment and expiry: address book, network browser, on-chain terms."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import format_amount, parse_amount
from ogpu_desktop.domain.catalogue import CUSTOM, TEXT_CLASSIFICATION
from ogpu_desktop.domain.expiry import DURATION_PRESETS_S, format_duration
from ogpu_desktop.domain.pipeline_args import Severity
from ogpu_desktop.domain.source_terms import DeliveryMethod, check_terms
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.ui.asyncutils import async_action

if TYPE_CHECKING:
    from ogpu_desktop.services.app_services import AppServices
    from ogpu_desktop.services.sources import SourceInfo

NOT_CONNECTED = "Connect to a network to choose a source."
DELIVERY_TEXT = {
    DeliveryMethod.FIRST_RESPONSE: "first response is final",
    DeliveryMethod.MANUAL_CONFIRMATION: "you confirm the answer you accept",
}


@dataclass(frozen=True)
class SourceSelection:
    """What the picker says about the task's source and terms."""

    address: str
    payment_wei: int
    duration_s: int
    pipeline: str | None


def _label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SourcePicker(QGroupBox):
    """Choose a source (saved, browsed or pasted), see its terms, set payment and expiry.

    Args:
        parent: The Compose page.
    """

    source_changed = Signal(str)  # address, "" for none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Source and payment", parent)
        self.setObjectName("sourcePicker")
        self._services: AppServices | None = None
        self._demo: Mapping[str, str] = {}
        self._task_type = TEXT_CLASSIFICATION
        self.info: SourceInfo | None = None
        self._reads: set[asyncio.Task[None]] = set()
        self.default_payment_wei: int | None = None
        self.default_expiry_s = 600

        self.combo = self._source_combo()
        self.browse_button = QPushButton("Browse network", self)
        self.browse_button.setObjectName("sourcePicker.browse_button")
        self.browse_button.setToolTip("List the network's active sources")
        self.browse_button.clicked.connect(lambda: self._track(self.browse()))
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("sourcePicker.save_button")
        self.save_button.setToolTip("Keep this source in the address book")
        self.save_button.clicked.connect(self.save_source)
        self.terms_label = _label("sourcePicker.terms", self)
        self.warning_label = _label("sourcePicker.warning", self)
        self.warning_label.setStyleSheet("color: #b35c00;")
        self.payment_edit = QLineEdit(self)
        self.payment_edit.setObjectName("sourcePicker.payment")
        self.payment_edit.setAccessibleName("Payment per task")
        self.payment_edit.setToolTip("Paid from your vault to the provider who answers")
        self.payment_edit.textChanged.connect(self._check_payment)
        self.symbol_label = QLabel("OGPU", self)
        self.payment_error = _label("sourcePicker.payment_error", self)
        self.payment_error.setStyleSheet("color: #b00020;")
        self.expiry_combo = QComboBox(self)
        self.expiry_combo.setObjectName("sourcePicker.expiry")
        self.expiry_combo.setAccessibleName("Task lifetime")
        self.expiry_combo.setToolTip("How long providers may answer; bounded by the source")

        self._layout()
        self._fill_expiry(None)
        self.attach(None)

    def _layout(self) -> None:
        source_row = QHBoxLayout()
        source_row.addWidget(self.combo, 1)
        source_row.addWidget(self.browse_button)
        source_row.addWidget(self.save_button)
        payment_row = QHBoxLayout()
        payment_row.addWidget(self.payment_edit, 1)
        payment_row.addWidget(self.symbol_label)
        # Messages sit in columns under their field: hidden ones then take no room.
        source_column = QVBoxLayout()
        source_column.addLayout(source_row)
        source_column.addWidget(self.terms_label)
        source_column.addWidget(self.warning_label)
        payment_column = QVBoxLayout()
        payment_column.addLayout(payment_row)
        payment_column.addWidget(self.payment_error)
        form = QFormLayout(self)
        form.addRow("Source:", source_column)
        form.addRow("Payment per task:", payment_column)
        form.addRow("Expires after:", self.expiry_combo)

    def _source_combo(self) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("sourcePicker.combo")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setAccessibleName("Source")
        combo.setToolTip(
            "The source that runs the task: pick a saved or browsed one, or paste its address."
        )
        combo.activated.connect(self._picked)
        editor = combo.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("0x… source address")
            editor.editingFinished.connect(self._typed)
        return combo

    # --- connection ----------------------------------------------------------------------

    def attach(self, services: AppServices | None, demo_sources: Mapping[str, str] | None = None
               ) -> None:
        """Use ``services``' network (``None`` when not connected).

        Args:
            services: The connected network's services.
            demo_sources: On the Sandbox, pipeline -> demo source address, preselected per type.
        """
        self._services = services
        self._demo = dict(demo_sources or {})
        self.info = None
        for widget in (self.combo, self.browse_button, self.save_button, self.payment_edit,
                       self.expiry_combo):
            widget.setEnabled(services is not None)
        self.combo.clear()
        self.warning_label.clear()
        self.warning_label.setVisible(False)
        self.payment_error.clear()
        self.payment_error.setVisible(False)
        if services is None:
            self.terms_label.setText(NOT_CONNECTED)
            return
        self.symbol_label.setText(services.session.network.symbol)
        self.terms_label.setText("Choose a source.")
        chain_id = services.session.chain_id
        for saved in services.session.store.misc.saved_sources(chain_id):
            self._add_entry(f"★ {saved.label or 'Saved source'} — {saved.address}", saved.address)
        for pipeline, address in self._demo.items():
            self._add_entry(f"Sandbox · {pipeline} — {address}", address)
        self._preselect()

    async def detach(self) -> None:
        """Stop following the network, and wait until reads still running have stopped.

        Call before the connection closes, so no read runs on a closed HTTP client.
        """
        running = list(self._reads)
        self.attach(None)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    def _track(self, task: asyncio.Task[None]) -> None:
        self._reads.add(task)
        task.add_done_callback(self._reads.discard)

    def _add_entry(self, text: str, address: str) -> None:
        if self.combo.findData(address) < 0:
            self.combo.addItem(text, address)

    def set_task_type(self, key: str) -> None:
        """Follow the task type picked on the page (preselects the Sandbox's demo source)."""
        self._task_type = key
        if self._services is None:
            return
        if not self._preselect():
            self._show_terms()

    def _preselect(self) -> bool:
        pipeline = TEXT_CLASSIFICATION if self._task_type == CUSTOM else self._task_type
        address = self._demo.get(pipeline)
        if address is None:
            return False
        index = self.combo.findData(address)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        self._track(self.load_source(address))
        return True

    # --- choosing ------------------------------------------------------------------------

    def _picked(self, index: int) -> None:
        address = self.combo.itemData(index)
        if isinstance(address, str):
            self._track(self.load_source(address))

    def _typed(self) -> None:
        text = self.combo.currentText().strip()
        data = self.combo.currentData()
        address = data if isinstance(data, str) and data in text else text
        if address and (self.info is None or self.info.address.lower() != address.lower()):
            self._track(self.load_source(address))

    def current_address(self) -> str:
        """The address chosen or typed ("" when none)."""
        if self.info is not None:
            return self.info.address
        data = self.combo.currentData()
        return data if isinstance(data, str) else self.combo.currentText().strip()

    @async_action()
    async def load_source(self, address: str) -> None:
        """Read the source's on-chain terms and metadata and show them."""
        services = self._services
        if services is None:
            return
        self.terms_label.setText("Reading the source…")
        try:
            info = await services.sources.get(address)
        except Exception:
            if services is not self._services:
                return  # the network changed meanwhile: this read no longer matters
            self.info = None
            self.terms_label.setText("This source could not be read.")
            raise
        if services is not self._services:
            return  # the network changed meanwhile
        self.info = info
        self._show_terms()
        self.source_changed.emit(info.address)

    @async_action(trigger="browse_button")
    async def browse(self) -> None:
        """List the network's active sources in the picker."""
        services = self._services
        if services is None:
            return
        found = await services.sources.discover()
        if services is not self._services:
            return  # the network changed meanwhile
        for info in found:
            name = info.name or "Unnamed source"
            pipeline = f" ({info.pipeline_task})" if info.pipeline_task else ""
            self._add_entry(f"{name}{pipeline} — {info.address}", info.address)
        if self.info is None:
            count = len(found)
            self.terms_label.setText(
                f"{count} active source{'s' if count != 1 else ''} found on the network; pick "
                "one in the list." if count else "The network lists no active source."
            )

    def save_source(self) -> None:
        """Keep the shown source in the address book under its name."""
        if self._services is None or self.info is None:
            return
        session = self._services.session
        session.store.misc.save_source(session.chain_id, self.info.address, self.info.name)
        self.terms_label.setText(self.terms_label.text() + "\nSaved in the address book.")

    # --- showing terms -------------------------------------------------------------------

    def _show_terms(self) -> None:
        info = self.info
        if info is None or self._services is None:
            return
        symbol = self._services.session.network.symbol
        try:
            delivery = DELIVERY_TEXT[DeliveryMethod(info.delivery_method)]
        except ValueError:
            delivery = f"delivery method {info.delivery_method}"
        lines = [
            f"{info.name or 'Unnamed source'} · {'active' if info.active else 'INACTIVE'}",
            f"Minimum payment {format_amount(info.min_payment_wei, symbol)} · longest lifetime "
            f"{format_duration(info.max_expiry_seconds)} · {delivery}",
        ]
        if info.pipeline_task:
            model = f" with {info.pipeline_model}" if info.pipeline_model else ""
            lines.append(f"Runs {info.pipeline_task}{model}")
        elif info.metadata_error:
            lines.append(f"Its pipeline is unknown: {info.metadata_error}")
        self.terms_label.setText("\n".join(lines))
        check = check_terms(info.terms(), task_type=self._task_type, symbol=symbol)
        warnings = [n.message for n in check.notices if n.severity is Severity.WARNING]
        warnings += [e.message for e in check.errors]
        self.warning_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warning_label.setVisible(bool(warnings))
        payment = self.default_payment_wei
        if payment is None or payment < info.min_payment_wei:
            payment = info.min_payment_wei
        self.payment_edit.setText(format_amount(payment, None))
        self._fill_expiry(info.terms().longest_duration)

    def _fill_expiry(self, longest: int | None) -> None:
        wanted = self.expiry_combo.currentData()
        if not isinstance(wanted, int):
            wanted = self.default_expiry_s
        self.expiry_combo.clear()
        for seconds in DURATION_PRESETS_S:
            if longest is None or seconds <= longest:
                self.expiry_combo.addItem(format_duration(seconds), seconds)
        if longest is not None and self.expiry_combo.count() == 0 and longest >= 60:
            self.expiry_combo.addItem(format_duration(longest), longest)
        fits = [self.expiry_combo.itemData(i) for i in range(self.expiry_combo.count())]
        best = max((s for s in fits if s <= wanted), default=fits[0] if fits else None)
        if best is not None:
            self.expiry_combo.setCurrentIndex(self.expiry_combo.findData(best))

    def _check_payment(self) -> None:
        try:
            self._payment_wei()
        except ValidationError as exc:
            self.payment_error.setText(exc.message)
            self.payment_error.setVisible(True)
            return
        self.payment_error.clear()
        self.payment_error.setVisible(False)

    def _payment_wei(self) -> int:
        symbol = self.symbol_label.text()
        wei = parse_amount(self.payment_edit.text(), symbol=symbol)
        if self.info is not None and wei < self.info.min_payment_wei:
            raise ValidationError(
                f"This source asks at least {format_amount(self.info.min_payment_wei, symbol)} "
                "per task.", "payment",
            )
        return wei

    def selection(self) -> SourceSelection:
        """The chosen source, payment and lifetime.

        Raises:
            ValidationError: Not connected, no source read yet, or a bad payment.
        """
        if self._services is None:
            raise ValidationError(NOT_CONNECTED, "source")
        if self.info is None:
            raise ValidationError("Choose a source for the task first.", "source")
        duration = self.expiry_combo.currentData()
        if not isinstance(duration, int):
            raise ValidationError("This source allows no task lifetime that can be used.",
                                  "expiry")
        return SourceSelection(self.info.address, self._payment_wei(), duration,
                               self.info.pipeline_task)
