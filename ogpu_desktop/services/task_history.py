"""The history of published tasks as the window reads it: tasks, responses, runs, timeline.

Every read takes a history key: a network's chain ID names its current run, a negative key an
earlier run of the same chain (a Sandbox restarted). The window holds a :class:`TaskHistory`,
never the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ogpu_desktop.domain.records import JournalEntry, ResponseRecord, TaskRecord
from ogpu_desktop.domain.task_rows import response_counts
from ogpu_desktop.services.task_timeline import TimelineEntry, store_timeline
from ogpu_desktop.store import Store


class TaskHistory:
    """Reads the tasks this app published, and adds what the chain's logs say was missed.

    Args:
        store: The history database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def tasks(self, key: int) -> list[TaskRecord]:
        """Every task of the run ``key``."""
        return list(self._store.tasks.list_tasks(key))

    def open_tasks(self, key: int) -> list[TaskRecord]:
        """The tasks of the run ``key`` that may still change."""
        return list(self._store.tasks.open_tasks(key))

    def count(self, key: int) -> int:
        """How many tasks the run ``key`` has."""
        return self._store.tasks.count_tasks(key)

    def task(self, key: int, address: str) -> TaskRecord | None:
        """The task ``address`` of the run ``key``, if this app published it."""
        return self._store.tasks.get_task(key, address)

    def responses(self, key: int, address: str) -> list[ResponseRecord]:
        """The responses recorded for the task ``address``."""
        return list(self._store.tasks.responses_of(key, address))

    def response_counts(self, key: int) -> Counter[str]:
        """Responses per task (lower-case address) of the run ``key``, in one read."""
        return response_counts(self._store.tasks.response_map(key))

    def earlier_runs(self, chain_id: int) -> list[int]:
        """The history keys of the earlier runs of ``chain_id``."""
        return [run.archive_key for run in self._store.runs.previous_runs(chain_id)]

    def journal(self, key: int) -> list[JournalEntry]:
        """Every journaled send of the run ``key``."""
        return list(self._store.journal.journal_all(key))

    def kept_result(self, key: int, response: str) -> str | None:
        """The raw result of ``response`` as it was downloaded, if it was."""
        kept = self._store.misc.get_result(key, response)
        return kept.raw if kept is not None else None

    def timeline(self, key: int, record: TaskRecord) -> list[TimelineEntry]:
        """What the history knows of the task's life (the chain's events come later)."""
        return store_timeline(record, self.responses(key, record.address), self.journal(key))

    def record_missing_responses(
        self, key: int, task: str, responses: Sequence[tuple[str, int, int]]
    ) -> int:
        """Store the responses the logs announced that the history lacks; return how many.

        The tracker can miss a response when a direct status read sees the task finished
        before the poll that would have read the response: the task is then no longer
        followed.
        """
        known = {r.address.lower() for r in self._store.tasks.responses_of(key, task)}
        missing = [
            ResponseRecord(key, address, task, None, None, status, None, block)
            for address, block, status in responses if address.lower() not in known
        ]
        if missing:
            self._store.tasks.upsert_responses(missing)
        return len(missing)
