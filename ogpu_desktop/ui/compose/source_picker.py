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
from ogpu_desktop.domain.pipeline_args import Severity
from ogpu_desktop.domain.source_choice import SourceChoice, publish_wait_reason
from ogpu_desktop.domain.source_terms import check_terms, describe_terms
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.compose.expiry_combo import ExpiryCombo
from ogpu_desktop.ui.message_colours import set_message_role

if TYPE_CHECKING:
    from ogpu_desktop.services.app_services import AppServices
    from ogpu_desktop.services.sources import SourceInfo

NOT_CONNECTED = "Connect to a network to choose a source."
NOT_CONNECTED_TO_PUBLISH = (
    "The task config is ready, but publishing needs a wallet and a network, which are not "
    "connected yet. Wait for the connection (see the status bar) or choose a network in Settings."
)


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
    readiness_changed = Signal()
    """Whether a task may be published to the source shown may have changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Source and payment", parent)
        self.setObjectName("sourcePicker")
        self._services: AppServices | None = None
        self._demo: Mapping[str, str] = {}
        self._task_type = TEXT_CLASSIFICATION
        self.info: SourceInfo | None = None
        self._reads: set[asyncio.Task[None]] = set()
        # Each read of a source takes a new generation; only the latest one may show its answer,
        # so a slower read of a source picked earlier can never replace the one picked last.
        self._generation = 0
        self._reading: str | None = None  # the source being read, while its read runs
        self._read_failed = False
        self.default_payment_wei: int | None = None
        self.default_expiry_s = 600
        # Publish again: the payment and lifetime to show once this source is read.
        self._wanted: tuple[str, int | None, int | None] | None = None

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
        set_message_role(self.warning_label, "warning")
        self.payment_edit = QLineEdit(self)
        self.payment_edit.setObjectName("sourcePicker.payment")
        self.payment_edit.setAccessibleName("Payment per task")
        self.payment_edit.setToolTip("Paid from your vault to the provider who answers")
        self.payment_edit.textChanged.connect(self._check_payment)
        self.symbol_label = QLabel("OGPU", self)
        self.payment_error = _label("sourcePicker.payment_error", self)
        set_message_role(self.payment_error, "error")
        self.expiry_combo = ExpiryCombo(self)

        self._layout()
        self.expiry_combo.fill(None, self.default_expiry_s)
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
        combo.editTextChanged.connect(lambda _text: self.readiness_changed.emit())
        editor = combo.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("0x… source address")
            editor.setAccessibleName("Source address")
            editor.editingFinished.connect(self._typed)
            # A long entry set by a pick would show its end, its first letters scrolled away.
            combo.currentIndexChanged.connect(lambda _index: self._show_start())
        return combo

    def _show_start(self) -> None:
        """Scroll the box back to the start of its text, unless the user is typing in it."""
        editor = self.combo.lineEdit()
        if editor is not None and not editor.hasFocus():
            editor.setCursorPosition(0)

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
        self._generation += 1  # reads of the previous network no longer matter
        self._reading, self._read_failed = None, False
        for widget in (self.combo, self.browse_button, self.save_button, self.payment_edit,
                       self.expiry_combo):
            widget.setEnabled(services is not None)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.blockSignals(False)
        self.warning_label.clear()
        self.warning_label.setVisible(False)
        self.payment_error.clear()
        self.payment_error.setVisible(False)
        if services is None:
            self.terms_label.setText(NOT_CONNECTED)
            self.readiness_changed.emit()
            return
        self.symbol_label.setText(services.session.network.symbol)
        self.terms_label.setText("Choose a source.")
        for address, label in services.sources.address_book():
            self._add_entry(f"★ {label or 'Saved source'} — {address}", address)
        for pipeline, address in self._demo.items():
            self._add_entry(f"Sandbox · {pipeline} — {address}", address)
        self._preselect()
        self.readiness_changed.emit()

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
        if self._services is not None and not self._preselect():
            self._show_terms()
        self.readiness_changed.emit()

    def _preselect(self) -> bool:
        pipeline = TEXT_CLASSIFICATION if self._task_type == CUSTOM else self._task_type
        address = self._demo.get(pipeline)
        if address is None:
            return False
        index = self.combo.findData(address)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        self.load_source(address)
        return True

    # --- choosing ------------------------------------------------------------------------

    def use_terms(self, address: str, payment_wei: int | None, duration_s: int | None) -> None:
        """Choose ``address`` and, once it is read, show this payment and lifetime.

        Used to publish a task again: the source's own terms still bound both (a payment below
        its minimum becomes the minimum; a lifetime it no longer allows, the longest it does).
        """
        if not address:
            return
        self._wanted = (address.lower(), payment_wei, duration_s)
        index = self.combo.findData(address)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        self.load_source(address)

    def _picked(self, index: int) -> None:
        address = self.combo.itemData(index)
        if isinstance(address, str):
            self.load_source(address)

    def _typed(self) -> None:
        text = self.combo.currentText().strip()
        data = self.combo.currentData()
        address = data if isinstance(data, str) and data in text else text
        if address and (self.info is None or self.info.address.lower() != address.lower()):
            self.load_source(address)

    def current_address(self) -> str:
        """The address chosen or typed ("" when none)."""
        if self.info is not None:
            return self.info.address
        data = self.combo.currentData()
        return data if isinstance(data, str) else self.combo.currentText().strip()

    def load_source(self, address: str) -> asyncio.Task[None]:
        """Read the source's on-chain terms and metadata and show them.

        The source picked last wins: until its read is done, publishing waits, and the answer
        of any earlier read that arrives later is dropped.
        """
        if address.lower() not in self.combo.currentText().lower():
            self.combo.setEditText(address)  # the box shows the source being read, always
            self._show_start()
        self._generation += 1
        self._reading = address if self._services is not None else None
        self._read_failed = False
        if self._reading is not None:
            self.terms_label.setText("Reading the source…")
        self.readiness_changed.emit()
        task = self._read_source(self._generation, address)
        self._track(task)
        return task

    @async_action()
    async def _read_source(self, generation: int, address: str) -> None:
        services = self._services
        if services is None or generation != self._generation:
            return
        try:
            info = await services.sources.get(address)
        except Exception:
            if generation != self._generation:
                return  # a later pick or another network replaced this read
            self.info = None
            self._reading, self._read_failed = None, True
            self.terms_label.setText("This source could not be read.")
            self.readiness_changed.emit()
            raise
        if generation != self._generation:
            return  # a later pick or another network replaced this read
        self.info = info
        self._reading = None
        self._show_terms()
        self.readiness_changed.emit()
        self.source_changed.emit(info.address)

    def choice(self) -> SourceChoice:
        """What the picker shows and holds now."""
        return SourceChoice(
            reading_address=self._reading,
            read_failed=self._read_failed,
            loaded_address=self.info.address if self.info is not None else None,
            loaded_pipeline=self.info.pipeline_task if self.info is not None else None,
            shown_text=self.combo.currentText(),
        )

    def wait_reason(self, task_type: str | None = None) -> str | None:
        """Why a task of ``task_type`` (default: the type followed) cannot go to the source yet.

        ``None`` when it can, and also when no network is connected (publishing then explains
        that by itself).
        """
        if self._services is None:
            return None
        return publish_wait_reason(self.choice(), task_type or self._task_type)

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
        self._services.sources.save(self.info.address, self.info.name)
        self.terms_label.setText(self.terms_label.text() + "\nSaved in the address book.")

    # --- showing terms -------------------------------------------------------------------

    def _show_terms(self) -> None:
        info = self.info
        if info is None or self._services is None:
            return
        symbol = self._services.session.network.symbol
        self.terms_label.setText(describe_terms(
            info.terms(), name=info.name, metadata_error=info.metadata_error, symbol=symbol,
            delivery_method=info.delivery_method,
        ))
        check = check_terms(info.terms(), task_type=self._task_type, symbol=symbol)
        warnings = [n.message for n in check.notices if n.severity is Severity.WARNING]
        warnings += [e.message for e in check.errors]
        self.warning_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warning_label.setVisible(bool(warnings))
        payment, expiry_s = self.default_payment_wei, self.default_expiry_s
        wanted = self._wanted
        if wanted is not None and wanted[0] == info.address.lower():
            self._wanted = None
            payment = wanted[1] if wanted[1] is not None else payment
            if wanted[2] is not None:
                expiry_s = wanted[2]
                self.expiry_combo.setCurrentIndex(-1)  # so the lifetime wanted is the one kept
        if payment is None or payment < info.min_payment_wei:
            payment = info.min_payment_wei
        self.payment_edit.setText(format_amount(payment, None))
        self.expiry_combo.fill(info.terms().longest_duration, expiry_s)

    def _check_payment(self) -> None:
        try:
            self._payment_wei()
        except ValidationError as exc:
            self.payment_error.setText(exc.message)
            self.payment_error.setVisible(True)
        else:
            self.payment_error.clear()
            self.payment_error.setVisible(False)
        self.readiness_changed.emit()

    def problem_count(self) -> int:
        """How many of the picker's own fields show a problem (the payment, today)."""
        return 1 if self.payment_error.text() else 0

    def _payment_wei(self) -> int:
        symbol = self.symbol_label.text()
        wei = parse_amount(self.payment_edit.text(), symbol=symbol)
        if self.info is not None and wei < self.info.min_payment_wei:
            raise ValidationError(
                f"This source asks at least {format_amount(self.info.min_payment_wei, symbol)} "
                "per task.", "payment",
            )
        return wei

    def selection(self, task_type: str | None = None) -> SourceSelection:
        """The chosen source, payment and lifetime, for a task of ``task_type``.

        Args:
            task_type: The type of the task to publish (default: the type followed).

        Raises:
            ValidationError: Not connected, the source shown is not read yet (or not the one
                read), it does not fit the task type, or a bad payment.
        """
        if self._services is None:
            raise ValidationError(NOT_CONNECTED_TO_PUBLISH, "source")
        wanted = task_type or self._task_type
        if wanted != self._task_type:
            raise ValidationError(
                "The source was chosen for another task type: check it, then publish again.",
                "source",
            )
        wait = self.wait_reason(wanted)
        if wait is not None or self.info is None:
            raise ValidationError(wait or "Choose a source for the task first.", "source")
        duration = self.expiry_combo.currentData()
        if not isinstance(duration, int):
            raise ValidationError("This source allows no task lifetime that can be used.",
                                  "expiry")
        return SourceSelection(self.info.address, self._payment_wei(), duration,
                               self.info.pipeline_task)
