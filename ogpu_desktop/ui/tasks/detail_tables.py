"""The two small tables of the task detail: the timeline and the responses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ogpu_desktop.domain.records import ResponseRecord
from ogpu_desktop.services.task_timeline import TimelineEntry
from ogpu_desktop.ui.models.task_table_model import short_address

RESPONSE_STATES = {0: "Submitted", 1: "Confirmed"}
#: Rows the responses table shows before it scrolls: most tasks get one answer, and the room
#: below belongs to the result.
RESPONSE_ROWS_SHOWN = 3
ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1


def when_text(when: int | None) -> str:
    """Local date and time of unix seconds, or a dash when unknown."""
    if when is None:
        return "—"
    return datetime.fromtimestamp(when).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _item(text: str, tooltip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _set_up(table: QTableWidget, name: str, accessible: str, headers: Sequence[str]) -> None:
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)


class TimelineTable(QTableWidget):
    """When, what, who and which transaction, one row per step of the task's life."""

    HEADERS = ("When", "Event", "Detail", "Transaction")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        _set_up(self, "taskTimeline", "Task timeline", self.HEADERS)
        self.entries: list[TimelineEntry] = []

    def show_entries(self, entries: Sequence[TimelineEntry]) -> None:
        """Replace the rows with ``entries``."""
        self.entries = list(entries)
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            block = f"block {entry.block}" if entry.block is not None else None
            self.setItem(row, 0, _item(when_text(entry.when), block))
            self.setItem(row, 1, _item(entry.event))
            self.setItem(row, 2, _item(entry.detail, entry.detail))
            tx = entry.tx_hash or ""
            self.setItem(row, 3, _item(short_address(tx) if tx else "—", tx or None))

    def events(self) -> list[str]:
        """The event names shown, top to bottom."""
        return [entry.event for entry in self.entries]


class ResponsesTable(QTableWidget):
    """The providers' responses: provider, time and whether it is confirmed."""

    HEADERS = ("Provider", "Time", "State")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        _set_up(self, "taskResponses", "Responses", self.HEADERS)
        self.responses: list[ResponseRecord] = []
        self._rows_fitted = 0
        self._fit_rows(0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Fit the height again when the font or style changes the rows' height."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._rows_fitted = 0
            self._fit_rows(len(self.responses))
        super().changeEvent(event)

    def _fit_rows(self, count: int) -> None:
        """As tall as ``count`` rows (one at least, :data:`RESPONSE_ROWS_SHOWN` at most)."""
        shown = max(1, min(RESPONSE_ROWS_SHOWN, count))
        if shown == self._rows_fitted:
            return  # measuring the header's height lays its labels out: only when it matters
        self._rows_fitted = shown
        rows = self.verticalHeader().defaultSectionSize() * shown
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + rows
                            + 2 * self.frameWidth())

    def show_responses(
        self, responses: Sequence[ResponseRecord], block_times: Mapping[int, int]
    ) -> None:
        """Replace the rows, keeping the selected response selected."""
        selected = self.selected_response()
        self.responses = list(responses)
        self._fit_rows(len(self.responses))
        self.blockSignals(True)
        self.setRowCount(len(responses))
        for row, response in enumerate(responses):
            provider = response.provider or "(not read yet)"
            who = _item(short_address(provider), f"{provider}\nresponse {response.address}")
            who.setData(ADDRESS_ROLE, response.address)
            self.setItem(row, 0, who)
            block = response.block_number
            when = block_times.get(block) if block is not None else None
            shown = when_text(when) if when is not None else (
                f"block {block}" if block is not None else "—"
            )
            self.setItem(row, 1, _item(shown))
            self.setItem(row, 2, _item(RESPONSE_STATES.get(response.status, str(response.status))))
        if selected is None:
            # Removing the current row moves the current row, and with it the selection, while
            # the signals are blocked: nothing chosen stays nothing chosen.
            self.clearSelection()
        self.blockSignals(False)
        if selected is not None:
            self.select_response(selected.address)

    def selected_response(self) -> ResponseRecord | None:
        """The chosen response, if any."""
        rows = self.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.responses):
            return None
        return self.responses[rows[0].row()]

    def select_response(self, address: str) -> bool:
        """Select the response ``address``; return whether it is listed."""
        for row, response in enumerate(self.responses):
            if response.address.lower() == address.lower():
                self.selectRow(row)
                return True
        return False
