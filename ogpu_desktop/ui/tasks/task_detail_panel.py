"""The task detail under the list: state, what was asked beside its result, timeline, config."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.records import ResponseRecord, TaskRecord
from ogpu_desktop.domain.task_inputs import (
    config_display_text,
    input_image,
    input_texts,
    input_words,
)
from ogpu_desktop.domain.task_rows import task_config, task_type_of
from ogpu_desktop.domain.task_status import RESPONDED, TaskState, state_at, state_note
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.results import normalise_off_thread, read_failure
from ogpu_desktop.services.task_history import TaskHistory
from ogpu_desktop.ui.asyncutils import async_action
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import review_transaction
from ogpu_desktop.ui.models.task_table_model import short_address
from ogpu_desktop.ui.results.plain_widgets import plain_label, plain_text_box
from ogpu_desktop.ui.results.result_panel import ResultPanel
from ogpu_desktop.ui.tasks.detail_tables import ResponsesTable, TimelineTable
from ogpu_desktop.ui.tasks.task_input_view import TaskInputView

log = logging.getLogger(__name__)

NOTHING_CHOSEN = "Choose a task in the list to see its details and results."
CANCELLED_NOTE = "This task was cancelled before any answer; its payment went back to the vault."
PREVIOUS_RUN_NOTE = (
    "This task belongs to an earlier run of the Sandbox. That local chain was replaced when the "
    "Sandbox restarted, so the task can no longer be read or changed."
)
CONFIRM_TIP = "Accept this response: the task is finalized and the provider is paid."
DISCONNECTED = "Not connected: connect to the task's network to read its results."
FULL_SIZE, SHOW_LIST = "Full size", "Show the list"
FULL_SIZE_TIP = "Give the task's result the whole page (press again to show the list)"
#: Widgets styled per step when the panel is built ahead of use (about 0.1 ms each).
POLISHED_PER_STEP = 8


class TaskDetailPanel(QWidget):
    """Shows one task. Store data appears at once; chain data (times, results) follows.

    Args:
        parent: Parent widget.
        clock: Returns the current unix time (expiry is judged against it).
        stepwise: Build only the header now; the rest by :meth:`build_step`, a part at a time
            (for building it ahead of use at idle moments), or :meth:`finish_building`.
    """

    confirmed = Signal(str)
    """A response of the task was confirmed (task address)."""
    responses_recovered = Signal(str)
    """Responses the history lacked were found in the task's events (task address)."""
    result_shown = Signal(str, object)
    """A result of the task is shown (task address, its :class:`ResultView`)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.time,
        *,
        stepwise: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("taskDetail")
        self._stepwise = stepwise
        self.clock = clock
        self.services: AppServices | None = None
        self.history: TaskHistory | None = None
        self.chain_id: int | None = None
        self.record: TaskRecord | None = None
        self.previous_run = False
        self.block_times: dict[int, int] = {}
        self._loads: list[asyncio.Task[None]] = []

        self.title = plain_label(NOTHING_CHOSEN, self)
        self.title.setObjectName("taskDetailTitle")
        self.status_label = plain_label("", self)
        self.status_label.setObjectName("taskDetailStatus")
        self.note = plain_label("", self)
        self.note.setObjectName("taskDetailNote")
        self.confirm_button = QPushButton("Confirm response", self)
        self.confirm_button.setObjectName("confirmResponseButton")
        self.confirm_button.setToolTip(CONFIRM_TIP)
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.full_size_button = QPushButton(FULL_SIZE, self)
        self.full_size_button.setObjectName("taskDetailFullSizeButton")
        self.full_size_button.setToolTip(FULL_SIZE_TIP)
        self.full_size_button.setCheckable(True)
        self.full_size_button.toggled.connect(
            lambda full: self.full_size_button.setText(SHOW_LIST if full else FULL_SIZE))

        self._steps: Iterator[None] | None = self._build_steps()
        if not stepwise:
            self.finish_building()

    def build_step(self) -> bool:
        """Build the next part of a panel made ``stepwise``; return whether parts remain."""
        if self._steps is None:
            return False
        if next(self._steps, True) is None:
            return True
        self._steps = None
        return False

    def finish_building(self) -> None:
        """Build every part not built yet (the panel is usable from then on)."""
        while self.build_step():
            pass

    def is_built(self) -> bool:
        """Whether every part is built."""
        return self._steps is None

    def _build_steps(self) -> Iterator[None]:
        """The panel's parts, one per step: none holds the window's thread for long."""
        self.responses = ResponsesTable(self)
        yield
        self.result_panel = ResultPanel(self)
        yield
        self.result_error = plain_label("", self)
        self.result_error.setObjectName("taskResultError")
        # The input beside the output: what was asked (text and picture), then its answer.
        self.input_view = TaskInputView(self)
        self.image_box = self.input_view.image_box
        self.image_label, self.image_url = self.image_box.image_label, self.image_box.image_url
        yield
        self.timeline = TimelineTable(self)
        self.config_box = plain_text_box("", self, monospace=True, fit=False)
        self.config_box.setObjectName("taskConfigJson")
        yield
        self.tabs = self._assemble_tabs()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.full_size_button)
        header.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.status_label)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        self.responses.itemSelectionChanged.connect(self._response_chosen)
        self.result_panel.retry_requested.connect(self._retry_result)
        yield
        self.clear()
        if self._stepwise:
            # Styling each widget is otherwise done when the panel is first shown, all at once.
            yield
            for number, widget in enumerate(self.findChildren(QWidget)):
                widget.ensurePolished()
                if number % POLISHED_PER_STEP == POLISHED_PER_STEP - 1:
                    yield

    def _assemble_tabs(self) -> QTabWidget:
        result_row = QHBoxLayout()
        result_row.addWidget(self.input_view)
        result_row.addWidget(self.result_panel, 1)
        result_tab = QWidget(self)
        result_layout = QVBoxLayout(result_tab)
        result_layout.addWidget(self.responses)
        result_layout.addWidget(self.result_error)
        result_layout.addLayout(result_row, 1)
        tabs = QTabWidget(self)
        tabs.setObjectName("taskDetailTabs")
        tabs.addTab(result_tab, "Result")
        tabs.addTab(self.timeline, "Timeline")
        tabs.addTab(self.config_box, "Task config")
        return tabs

    # Connection --------------------------------------------------------------------------

    def attach(self, services: AppServices | None) -> None:
        """Read chain data through ``services`` (``None``: show stored data only)."""
        self.services = services
        if services is None:
            self._cancel_loads()
        else:
            self.history, self.chain_id = services.history, services.session.chain_id
        self._update_confirm()

    def use_history(self, history: TaskHistory, key: int) -> None:
        """Read tasks from ``history`` under ``key`` (set by :meth:`attach` when connected)."""
        self.history, self.chain_id = history, key

    # Showing -----------------------------------------------------------------------------

    def clear(self) -> None:
        """Show that no task is chosen."""
        self._cancel_loads()
        self.record = None
        self.title.setText(NOTHING_CHOSEN)
        for label in (self.status_label, self.note, self.result_error):
            label.setText("")
            label.setVisible(False)
        self.input_view.clear()
        self.responses.show_responses([], {})
        self.timeline.show_entries([])
        self.config_box.setPlainText("")
        self.result_panel.show_waiting()
        self.tabs.setEnabled(False)
        self.confirm_button.setEnabled(False)

    def show_task(self, address: str, *, previous_run: bool = False) -> None:
        """Show the task ``address``: stored facts now, chain facts and the result as they come."""
        if self.history is None or self.chain_id is None:
            return
        record = self.history.task(self.chain_id, address)
        if record is None:
            self.clear()
            return
        same = self.record is not None and self.record.address == record.address
        if not same:
            self._cancel_loads()
            self.block_times = {}
            self.result_panel.show_waiting()
            self.result_error.setVisible(False)
            self.responses.clearSelection()
        self.record, self.previous_run = record, previous_run
        self.tabs.setEnabled(True)
        spec = CATALOGUE.get(task_type_of(record))
        self.title.setText(f"{spec.title if spec else 'Task'} {short_address(record.address)}")
        self.title.setToolTip(record.address)
        self._show_status(record)
        if not same:
            self.config_box.setPlainText(config_display_text(record.config_json))
            self._show_input(record)
        responses = self.history.responses(self.chain_id, record.address)
        self.responses.show_responses(responses, self.block_times)
        self.timeline.show_entries(self.history.timeline(self.chain_id, record))
        self._show_result_state(responses)
        self._update_confirm()
        if self.services is not None and not previous_run:
            self._start(self._load_timeline(record))
        if responses and self.responses.selected_response() is None:
            self.responses.select_response(self._preferred(responses).address)

    def refresh(self) -> None:
        """Show the current task again (its row changed)."""
        if self.record is not None:
            self.show_task(self.record.address, previous_run=self.previous_run)

    @staticmethod
    def _preferred(responses: Sequence[ResponseRecord]) -> ResponseRecord:
        confirmed = [r for r in responses if r.status == 1]
        return confirmed[0] if confirmed else responses[0]

    def shown_state(self, record: TaskRecord) -> TaskState:
        """The state shown for ``record`` now (the list, export and notices say the same)."""
        return state_at(record.status, record.expiry_time, self.clock(),
                        chain_gone=self.previous_run)

    def _show_status(self, record: TaskRecord) -> None:
        shown = self.shown_state(record)
        self.status_label.setText(f"Status: {shown.label}")
        self.status_label.setToolTip(shown.explanation)
        self.status_label.setVisible(True)
        note = PREVIOUS_RUN_NOTE if self.previous_run else state_note(
            record.status, record.expiry_time, self.clock())
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _show_input(self, record: TaskRecord) -> None:
        config = task_config(record)
        image = input_image(config)
        shown_now = self.image_box.show_without_picture(image)
        self.input_view.show_words(task_type_of(record), input_words(config))
        if shown_now:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no event loop (stored data only): decode here
            self.image_box.show_image_now(image)
            return
        self._start(self.image_box.show_image(image))

    def _show_result_state(self, responses: Sequence[ResponseRecord]) -> None:
        if responses or self.record is None:
            return
        shown = self.shown_state(self.record)
        self.result_error.setVisible(False)
        if shown is TaskState.CANCELED:
            self.result_error.setText(CANCELLED_NOTE)
            self.result_error.setVisible(True)
            self.result_panel.show_waiting()
            self.result_panel.setVisible(False)
            return
        self.result_panel.setVisible(True)
        if shown in (TaskState.EXPIRED, TaskState.EXPIRED_UNSETTLED):
            self.result_panel.show_expired()
        else:
            self.result_panel.show_waiting()

    def _update_confirm(self) -> None:
        record, chosen = self.record, self.responses.selected_response()
        # A FIRST_RESPONSE task that was not finalised by its first answer is confirmable too.
        can = (
            self.services is not None and record is not None and not self.previous_run
            and record.status == RESPONDED and chosen is not None and chosen.status == 0
        )
        self.confirm_button.setEnabled(can)
        self.confirm_button.setVisible(record is not None and record.status == RESPONDED)

    # Chain reads -------------------------------------------------------------------------

    def _start(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._loads.append(task)
        task.add_done_callback(lambda t: self._loads.remove(t) if t in self._loads else None)

    def _cancel_loads(self) -> None:
        for task in self._loads:
            task.cancel()
        self._loads.clear()

    async def wait_loaded(self) -> None:
        """Wait for the chain reads started so far (timeline, result)."""
        while self._loads:
            await asyncio.gather(*list(self._loads), return_exceptions=True)

    async def _load_timeline(self, record: TaskRecord) -> None:
        if self.services is None:
            return
        try:
            found = await self.services.tracking.chain_history(record)
        except UserFacingError as exc:
            log.info("timeline read failed: %s", exc.message)
            return
        if self.record is None or self.record.address != record.address:
            return
        entries = found.entries
        self.block_times.update({e.block: e.when for e in entries if e.block and e.when})
        self.timeline.show_entries(entries)
        if self.history is not None and self.chain_id is not None:
            added = self.history.record_missing_responses(self.chain_id, record.address,
                                                          found.responses)
            responses = self.history.responses(self.chain_id, record.address)
            self.responses.show_responses(responses, self.block_times)
            if added:
                self.responses_recovered.emit(record.address)
                self._show_result_state(responses)
                if self.responses.selected_response() is None:
                    self.responses.select_response(self._preferred(responses).address)

    def _response_chosen(self) -> None:
        self._update_confirm()
        chosen = self.responses.selected_response()
        if chosen is None:
            return
        if self.previous_run:
            self._start(self._show_kept_result(chosen.address))
        elif self.services is not None:
            self._start(self._load_result(chosen.address))

    async def _show_kept_result(self, response: str) -> None:
        """An earlier run's chain is gone: show the result as it was downloaded then, if it was."""
        if self.history is None or self.chain_id is None or self.record is None:
            return
        task = self.record
        kept = self.history.kept_result(self.chain_id, response)
        if kept is None:
            self.result_error.setText("This result was never downloaded while its chain ran.")
            self.result_error.setVisible(True)
            return
        view = await normalise_off_thread(kept, task.pipeline)
        if self.record is None or self.record.address != task.address:
            return
        self.result_panel.show_result(view, input_texts(task_config(task)), kept)
        self.result_shown.emit(task.address, view)

    def _retry_result(self) -> None:
        chosen = self.responses.selected_response()
        if chosen is not None and self.services is not None and not self.previous_run:
            self.result_panel.show_waiting()
            self._start(self._load_result(chosen.address))

    async def _load_result(self, response: str) -> None:
        if self.services is None or self.record is None:
            return
        task = self.record
        self.result_panel.setVisible(True)
        try:
            fetched = await self.services.results.fetch(response)
        except UserFacingError as exc:
            if self._still_showing(task, response):
                text, can_retry = read_failure(exc)
                self.result_panel.show_read_failed(text, can_retry=can_retry)
            return
        if not self._still_showing(task, response):
            return
        self.result_error.setVisible(False)
        self.result_panel.show_result(fetched.view, input_texts(task_config(task)), fetched.raw)
        self.result_shown.emit(task.address, fetched.view)
        if self.history is not None and self.chain_id is not None:
            # The fetch recorded the provider: show it.
            self.responses.show_responses(
                self.history.responses(self.chain_id, task.address), self.block_times)

    def _still_showing(self, task: TaskRecord, response: str) -> bool:
        """Whether ``response`` of ``task`` is still the one chosen (reads may end late)."""
        if self.record is None or self.record.address != task.address:
            return False
        chosen = self.responses.selected_response()
        return chosen is None or chosen.address.lower() == response.lower()

    # Confirm -----------------------------------------------------------------------------

    @async_action("confirm_button")
    async def confirm_selected(self) -> None:
        """Show the confirmation's fee and total, then confirm the chosen response."""
        services, record, chosen = self.services, self.record, self.responses.selected_response()
        if services is None or record is None or chosen is None:
            return
        signer = services.active_signer()
        plan = await services.actions.plan_confirm(signer.address, chosen.address)
        if not await review_transaction(plan, self):
            return
        receipt = await services.actions.execute(plan, signer)
        await services.actions.record_confirmation(record.address, chosen.address, receipt)
        self.confirmed.emit(record.address)
        self.refresh()

