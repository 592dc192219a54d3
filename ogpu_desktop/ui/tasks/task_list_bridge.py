"""Feeds the task table model from the store and the tracker's live updates, on the Qt thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from ogpu_desktop.domain.records import TaskRecord
from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.domain.task_rows import task_row, task_rows
from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.app_events import TaskRecorded
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.task_history import TaskHistory
from ogpu_desktop.services.tracking import TaskUpdate, TrackerHealth
from ogpu_desktop.ui.models.task_table_model import TaskTableModel

log = logging.getLogger(__name__)


class TaskListBridge(QObject):
    """Keeps a :class:`TaskTableModel` equal to the store's tasks of the connected network.

    Tasks of earlier runs of a Sandbox (each run of a chain has its own key in the store) are
    listed too, marked as such and never changed again; a task address the current run reused
    is two rows, the earlier run's and the current one. The first load fills the model once
    (and again when the chain is replaced); after that every change is a row insert or a
    ``dataChanged`` of one row. Tracker events may be emitted from any thread: they are handed
    to the Qt thread through queued signals before the model is touched. A task the services
    record (a publish mined, a pending send followed) is announced by their
    :class:`TaskRecorded` event and inserted then: the database is never polled for changes.

    Args:
        model: The model to keep up to date.
        parent: Parent object.
    """

    task_changed = Signal(str)
    """A listed task's row changed (address)."""
    task_finished = Signal(str, str)
    """A task reached a final state while followed (address, :class:`TaskState` value)."""
    responses_arrived = Signal(str, int)
    """New responses were recorded for a task (address, how many)."""
    tracker_health_changed = Signal(bool, str)
    """Polling works (``True``) or failed with the message."""
    _update_received = Signal(object)
    _health_received = Signal(object)
    _recorded_received = Signal(object)

    def __init__(self, model: TaskTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.services: AppServices | None = None
        self.history: TaskHistory | None = None
        self.chain_id: int | None = None
        self._recovering: dict[str, asyncio.Task[None]] = {}
        self._unsubscribe: list[Callable[[], None]] = []
        self._update_received.connect(self._apply_update, Qt.ConnectionType.QueuedConnection)
        self._health_received.connect(self._apply_health, Qt.ConnectionType.QueuedConnection)
        self._recorded_received.connect(self._apply_recorded, Qt.ConnectionType.QueuedConnection)

    def attach(self, services: AppServices | None) -> None:
        """Follow ``services``' network, or stop following (``None``; the rows stay shown)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for pending in self._recovering.values():
            pending.cancel()
        self._recovering.clear()
        self.services = services
        if services is None:
            return
        self.load(services.history, services.session.chain_id)
        tracking = services.tracking
        self._unsubscribe = [
            tracking.updates.subscribe(self.receive),
            tracking.health.subscribe(self._health_received.emit),
            services.session.task_recorded.subscribe(self._recorded_received.emit),
        ]

    def receive(self, update: TaskUpdate) -> None:
        """Take a tracker update from any thread; it is applied later on the Qt thread."""
        self._update_received.emit(update)

    def load(self, history: TaskHistory, chain_id: int) -> None:
        """Show every stored task of ``chain_id`` (the one full reset, on connecting)."""
        self.history, self.chain_id = history, chain_id
        records = history.tasks(chain_id)
        rows = task_rows(records, history.response_counts(chain_id))
        for key in history.earlier_runs(chain_id):
            rows += task_rows(history.tasks(key), history.response_counts(key),
                              previous_run=True, history_key=key)
        self.model.reset_rows(rows)

    def key_of(self, row: TaskRow) -> int | None:
        """The store key ``row``'s task is kept under (an earlier run's, or the chain ID)."""
        return row.history_key if row.history_key is not None else self.chain_id

    def record(self, row: TaskRow) -> TaskRecord | None:
        """The stored task of ``row`` (from its earlier run when it is listed as one)."""
        key = self.key_of(row)
        if self.history is None or key is None:
            return None
        return self.history.task(key, row.address)

    def refresh_task(self, address: str) -> TaskRow | None:
        """Re-read the current run's task ``address`` and update its row; return the row.

        An earlier run's chain is gone: its rows never change.
        """
        if self.history is None or self.chain_id is None:
            return None
        record = self.history.task(self.chain_id, address)
        if record is None:
            return None
        count = len(self.history.responses(self.chain_id, record.address))
        row = task_row(record, count)
        position = self.model.position_of(address)
        before = self.model.row(position) if position is not None else None
        self.model.upsert(row)
        if before is not None and not before.state.is_final and row.state.is_final:
            self.task_finished.emit(row.address, row.state.value)
        if before is None or before != row:
            self.task_changed.emit(row.address)
        if row.state is TaskState.FINALIZED and row.responses == 0:
            self._recover_later(record.address)
        return row

    def _recover_later(self, address: str) -> None:
        """Look in the task's events for responses the tracker did not record (once per task)."""
        if self.services is None or address.lower() in self._recovering:
            return
        self._recovering[address.lower()] = asyncio.ensure_future(self._recover(address))

    async def _recover(self, address: str) -> None:
        services, chain_id = self.services, self.chain_id
        if services is None or chain_id is None:
            return
        record = services.history.task(chain_id, address)
        if record is None:
            return
        try:
            found = await services.tracking.chain_history(record)
        except UserFacingError as exc:
            log.info("could not look for the responses of %s: %s", address, exc.message)
            return
        added = services.history.record_missing_responses(chain_id, record.address,
                                                          found.responses)
        if added and self.services is services:
            self.refresh_task(record.address)
            self.responses_arrived.emit(record.address, added)

    def _apply_recorded(self, recorded: TaskRecorded) -> None:
        if self.services is not None:
            self.refresh_task(recorded.task)

    def _apply_update(self, update: TaskUpdate) -> None:
        self.refresh_task(update.task)
        if update.new_responses:
            self.responses_arrived.emit(update.task, len(update.new_responses))

    def _apply_health(self, health: TrackerHealth) -> None:
        self.tracker_health_changed.emit(health.ok, health.message)
