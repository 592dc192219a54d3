"""The Tasks page's list of pending transactions: every journaled send, its state, safe actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.ui.asyncutils import async_action

if TYPE_CHECKING:
    from ogpu_desktop.services.app_services import AppServices
    from ogpu_desktop.services.pending import PendingTransaction

TABLE_HEIGHT = 140  # about five rows: the task list above keeps the room
HEADERS = ("State", "What", "Transaction", "Nonce", "Signed")
NOTHING_WAITING = "No transaction is waiting. Sends of this network appear here until settled."
TX_ROLE = Qt.ItemDataRole.UserRole


def _short(value: str) -> str:
    return f"{value[:10]}…{value[-6:]}" if len(value) > 20 else value


class PendingList(QGroupBox):
    """Journaled sends of the connected run: open ones first, then the settled ones.

    Each row says what the transaction does and where it stands (signing, sent, mined,
    replaced, dropped, failed). The actions are the safe ones: wait (open sends are checked
    every few seconds; *Check now* checks at once) and *Send again unchanged* (the same signed
    bytes; never a new transaction). A publish that can no longer happen offers *Publish
    again*, which opens its task in the Compose page.

    Args:
        parent: Parent widget.
    """

    publish_again_requested = Signal(object)
    """A dropped or failed publish to compose again, as a :class:`TaskDraft`."""
    changed = Signal()
    """The list was read again (sends may have settled)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Pending transactions", parent)
        self.setObjectName("pendingTransactions")
        self.services: AppServices | None = None
        self.entries: list[PendingTransaction] = []
        self._unsubscribe: Callable[[], None] | None = None
        self.summary = QLabel(NOTHING_WAITING, self)
        self.summary.setObjectName("pendingSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTreeWidget(self)
        self.table.setObjectName("pendingTable")
        self.table.setHeaderLabels(list(HEADERS))
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Pending transactions")
        self.table.setMaximumHeight(TABLE_HEIGHT)
        header = self.table.header()
        header.setStretchLastSection(False)
        for column in range(len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.update_actions)
        self.detail = QLabel("", self)
        self.detail.setObjectName("pendingDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_button = self._button(
            "pendingCheckButton", "Check now", "Ask the network about the waiting sends now",
            self.check_now)
        self.resend_button = self._button(
            "pendingResendButton", "Send again unchanged",
            "Send the same signed transaction again (never a second one)", self.resend_selected)
        self.publish_again_button = self._button(
            "pendingPublishAgainButton", "Publish again…",
            "This publish will not happen: open its task in the Compose page",
            self._publish_again)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.resend_button, self.publish_again_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self._unsubscribe_journal: Callable[[], None] | None = None
        self._refresh_due = False
        self.attach(None)

    def _button(self, name: str, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def attach(self, services: AppServices | None) -> None:
        """List the sends of ``services``' network (``None``: not connected, nothing listed)."""
        for unsubscribe in (self._unsubscribe, self._unsubscribe_journal):
            if unsubscribe is not None:
                unsubscribe()
        self._unsubscribe = self._unsubscribe_journal = None
        self.services = services
        if services is not None:
            self._unsubscribe = services.pending.changed.subscribe(lambda _tasks: self.refresh())
            # Every journal write is announced: a batch writes many, so they are read once
            # per turn of the event loop.
            self._unsubscribe_journal = services.session.pending_changed.subscribe(
                lambda _change: self._refresh_soon())
        self.refresh()

    def _refresh_soon(self) -> None:
        if not self._refresh_due:
            self._refresh_due = True
            QTimer.singleShot(0, self, self._refresh_now)

    def _refresh_now(self) -> None:
        self._refresh_due = False
        self.refresh()

    def refresh(self) -> None:
        """Read the journal again and show it (the selection is kept)."""
        chosen = self.selected()
        entries = self.services.pending.transactions() if self.services is not None else []
        if entries == self.entries and self.table.topLevelItemCount() == len(entries):
            self.update_actions()
            return
        self.entries = entries
        self.table.clear()
        for entry in self.entries:
            when = datetime.fromtimestamp(entry.created_at).strftime("%Y-%m-%d %H:%M")
            item = QTreeWidgetItem(
                [entry.stage.label, entry.what, _short(entry.tx_hash), str(entry.nonce), when]
            )
            item.setData(0, TX_ROLE, entry.tx_hash)
            item.setToolTip(0, entry.detail)
            item.setToolTip(1, entry.what)
            item.setToolTip(2, entry.tx_hash)
            self.table.addTopLevelItem(item)
            if chosen is not None and entry.tx_hash == chosen.tx_hash:
                item.setSelected(True)
        waiting = sum(1 for e in self.entries if e.stage.is_open)
        if waiting:
            self.summary.setText(
                f"{waiting} transaction{'s are' if waiting != 1 else ' is'} waiting to be mined. "
                "Waiting is safe: they are checked every few seconds, and a task shows in the "
                "list as soon as its publish is mined."
            )
        else:
            self.summary.setText(NOTHING_WAITING)
        self.table.setVisible(bool(self.entries))
        self.update_actions()
        self.changed.emit()

    def selected(self) -> PendingTransaction | None:
        """The chosen send, if any."""
        items = self.table.selectedItems()
        if not items:
            return None
        tx_hash = items[0].data(0, TX_ROLE)
        return next((e for e in self.entries if e.tx_hash == tx_hash), None)

    def select(self, tx_hash: str) -> bool:
        """Choose the send ``tx_hash`` in the list."""
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            if item is not None and item.data(0, TX_ROLE) == tx_hash:
                self.table.setCurrentItem(item)
                return True
        return False

    def update_actions(self) -> None:
        """Enable the actions that are safe for the chosen send."""
        chosen = self.selected()
        connected = self.services is not None
        self.detail.setText(chosen.detail if chosen is not None else "")
        self.detail.setVisible(chosen is not None)
        self.check_button.setEnabled(connected and any(e.stage.is_open for e in self.entries))
        self.resend_button.setEnabled(connected and chosen is not None and chosen.can_resend)
        self.publish_again_button.setEnabled(
            chosen is not None and chosen.can_publish_again and bool(chosen.config_json)
        )

    def open_publish_configs(self) -> set[str]:
        """The task configs of publishes that may still be mined."""
        return {e.config_json for e in self.entries if e.stage.is_open and e.config_json}

    @async_action("check_button")
    async def check_now(self) -> None:
        """Ask the network about the waiting sends now."""
        if self.services is not None:
            await self.services.pending.follow()
        self.refresh()

    @async_action("resend_button")
    async def resend_selected(self) -> None:
        """Send the chosen send's signed bytes again, unchanged."""
        chosen = self.selected()
        if self.services is None or chosen is None:
            return
        await self.services.pending.resend(chosen.tx_hash)
        self.refresh()

    def _publish_again(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.can_publish_again and chosen.config_json:
            self.publish_again_requested.emit(chosen.draft())
