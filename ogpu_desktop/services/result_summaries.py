"""Fills the task list's Result column: each answered task's result in a few words.

A result already downloaded is read from the store (no network); a new answer of the connected
network is downloaded once, as opening the task would (the download is kept, so opening it later
costs nothing). The history's older answers are never downloaded for the list: a long history
would mean hundreds of downloads at every start. Reading and summarising happen one task at a
time on the event loop, the normalising on a worker thread, so a long history never stalls the
window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ogpu_desktop.domain.batch_headlines import result_headline
from ogpu_desktop.domain.task_row import TaskRow
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.results import normalise_off_thread

if TYPE_CHECKING:
    from ogpu_desktop.domain.result_views import ResultView
    from ogpu_desktop.services.app_services import AppServices
    from ogpu_desktop.services.task_history import TaskHistory

log = logging.getLogger(__name__)

#: Tasks summarised from the history when the list is loaded, newest first.
HISTORY_LIMIT = 200


def summary_of(view: ResultView) -> str:
    """The Result cell of a task: top label and percentage, the answer, or the first line."""
    return result_headline(view).text


class ResultSummaries:
    """Works through the answered tasks whose Result cell is still empty, one at a time.

    Args:
        summary: The summary the list shows for a row key ("" when none yet).
        set_summary: Shows a row key's summary in the list.
    """

    def __init__(
        self, summary: Callable[[str], str], set_summary: Callable[[str, str], None]
    ) -> None:
        self._summary = summary
        self._set_summary = set_summary
        self.services: AppServices | None = None
        self.history: TaskHistory | None = None
        self._queue: deque[tuple[TaskRow, int, bool]] = deque()
        self._queued: set[str] = set()
        self._worker: asyncio.Task[None] | None = None

    def attach(self, services: AppServices | None, history: TaskHistory | None) -> None:
        """Read from ``history``, download through ``services`` (``None``: kept results only)."""
        self.stop()
        self.services, self.history = services, history

    def stop(self) -> None:
        """Forget the waiting tasks and stop the one being read."""
        self._queue.clear()
        self._queued.clear()
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None

    def want(self, rows: Iterable[tuple[TaskRow, int]], *, download: bool = True) -> None:
        """Summarise each ``(row, store key)`` that has responses and no summary yet.

        Args:
            rows: The rows and the store keys their tasks are kept under.
            download: Download a result not downloaded yet (else only stored ones are read).
        """
        for row, key in rows:
            if row.responses and not self._summary(row.key) and row.key not in self._queued:
                self._queued.add(row.key)
                self._queue.append((row, key, download))
        if self._queue and (self._worker is None or self._worker.done()):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (stored data shown in a test): nothing to do
                self.stop()
                return
            self._worker = loop.create_task(self._work())

    async def wait_idle(self) -> None:
        """Wait until every wanted task was summarised (or could not be)."""
        while self._worker is not None and not self._worker.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._worker)

    async def _work(self) -> None:
        while self._queue:
            row, key, download = self._queue.popleft()
            try:
                view = await self._view_of(row, key, download=download)
            except UserFacingError as exc:
                log.info("no summary for %s: %s", row.address, exc.message)
                view = None
            finally:
                self._queued.discard(row.key)
            if view is not None and not self._summary(row.key):
                self._set_summary(row.key, summary_of(view))

    async def _view_of(self, row: TaskRow, key: int, *, download: bool) -> ResultView | None:
        history = self.history
        if history is None:
            return None
        responses = history.responses(key, row.address)
        if not responses:
            return None
        chosen = next((r for r in responses if r.status == 1), responses[0])
        record = history.task(key, row.address)
        pipeline = record.pipeline if record is not None else None
        kept = history.kept_result(key, chosen.address)
        if kept is not None:
            return await normalise_off_thread(kept, pipeline)
        services = self.services
        if (not download or services is None or row.previous_run
                or services.session.chain_id != key):
            return None
        return (await services.results.fetch(chosen.address)).view
