"""SQLite history: tasks, responses, results, tracker cursor, tx journal, sources, batches."""

from __future__ import annotations

from pathlib import Path

from ogpu_desktop.domain.records import JournalEntry, ResponseRecord, TaskRecord
from ogpu_desktop.store.batches import BatchItemRecord, BatchRecord, BatchRepo
from ogpu_desktop.store.chain_runs import ChainIdentity, ChainRunRepo, PreviousRun
from ogpu_desktop.store.database import (
    DB_FILE_NAME,
    Database,
    HistoryCollisionError,
    RunEndedError,
    StoreError,
)
from ogpu_desktop.store.journal import JournalRepo
from ogpu_desktop.store.misc import MiscRepo, SavedSource, StoredResult
from ogpu_desktop.store.tasks import TaskRepo


class Store:
    """The app's history database, with one repository per area.

    Args:
        path: Database file (``Database.in_folder`` picks the platform data folder).
    """

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)
        self.journal = JournalRepo(self.db)
        self.tasks = TaskRepo(self.db)
        self.misc = MiscRepo(self.db)
        self.runs = ChainRunRepo(self.db)
        self.batches = BatchRepo(self.db)

    @classmethod
    def in_folder(cls, data_dir: Path) -> Store:
        """Open the store in the profile's data folder."""
        return cls(data_dir / DB_FILE_NAME)

    def close(self) -> None:
        """Close the database."""
        self.db.close()


__all__ = [
    "BatchItemRecord",
    "BatchRecord",
    "BatchRepo",
    "ChainIdentity",
    "ChainRunRepo",
    "Database",
    "HistoryCollisionError",
    "JournalEntry",
    "JournalRepo",
    "MiscRepo",
    "PreviousRun",
    "ResponseRecord",
    "RunEndedError",
    "SavedSource",
    "Store",
    "StoreError",
    "StoredResult",
    "TaskRecord",
    "TaskRepo",
]
