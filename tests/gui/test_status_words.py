"""One status vocabulary: the list, the detail, the export and notifications say the same words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ogpu_desktop.services.task_export import gather, to_csv, to_json
from ogpu_desktop.services.task_history import TaskHistory
from ogpu_desktop.store import Store, TaskRecord
from ogpu_desktop.ui.models.task_table_model import Column, TaskTableModel
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from tests.gui.publish_helpers import dispose

CHAIN_ID = 1337
EXPIRY = 1_800_000_000
BEFORE, AFTER = EXPIRY - 60, EXPIRY + 60

#: (on-chain status, time) -> the words every surface must show, written out in full.
EXPECTED = {
    (0, BEFORE): "Waiting for a provider",
    (0, AFTER): "Expired — payment not yet returned",
    (1, BEFORE): "Being worked on",
    (1, AFTER): "Expired — payment not yet returned",
    (2, BEFORE): "Answered",
    (2, AFTER): "Answered",  # its answer came in time: it can still be confirmed
    (3, BEFORE): "Canceled",
    (3, AFTER): "Canceled",
    (4, BEFORE): "Expired",
    (4, AFTER): "Expired",
    (5, BEFORE): "Done",
    (5, AFTER): "Done",
}


def _address(status: int) -> str:
    return f"0x{status + 1:040x}"


def _record(status: int) -> TaskRecord:
    return TaskRecord(
        chain_id=CHAIN_ID, address=_address(status), source="0x" + "ab" * 20,
        sender="0x" + "cd" * 20, config_url="https://ipfs.invalid/ipfs/Qm",
        config_json=json.dumps({"function_name": "inference", "data": {"input": "hi"}}),
        payment_wei=10**15, expiry_time=EXPIRY, delivery_method=0,
        pipeline="text-classification", status=status, attempt_count=0,
        tx_hash="0x" + f"{status:064x}", block_number=10 + status, published_at=EXPIRY - 600,
        updated_at=EXPIRY - 600,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


def _page(store: Store, now: float) -> TasksPage:
    model = TaskTableModel(lambda: datetime.fromtimestamp(now, UTC))
    page = TasksPage(model)
    page.set_notifications_source(lambda: True)
    page.bridge.load(TaskHistory(store), CHAIN_ID)
    page.detail.use_history(TaskHistory(store), CHAIN_ID)
    page.detail.clock = lambda: now
    return page


@pytest.mark.parametrize("now", [BEFORE, AFTER])
def test_list_detail_and_export_show_the_same_words_for_each_state(
    qtbot: QtBot, store: Store, now: int
) -> None:
    for status in range(6):
        store.tasks.add_task(_record(status))
    page = _page(store, now)
    try:
        gathered = gather(TaskHistory(store), [(CHAIN_ID, _address(s)) for s in range(6)],
                          now=now)
        exported_json = {item["task"]: item for item in json.loads(to_json(gathered))}
        csv_rows = to_csv(gathered)
        csv_status = {line.split(",")[0]: line.split(",")[2]
                      for line in csv_rows.splitlines()[1:]}
        for status in range(6):
            address = _address(status)
            position = page.model.position_of(address)
            assert position is not None
            listed = page.model.data(page.model.index(position, Column.STATUS))
            page.detail.show_task(address)
            detailed = page.detail.status_label.text().removeprefix("Status: ")
            words = EXPECTED[(status, now)]
            assert (listed, detailed, exported_json[address]["status"], csv_status[address]) == (
                words, words, words, words
            ), (status, now)
            # Scripts keep a stable value, the same one the state filter carries.
            state = page.model.shown_state(position)
            assert exported_json[address]["state"] == state.value
            assert page.status_filter.findData(state.value) >= 0
    finally:
        page.attach(None)
        dispose(page)


def test_a_finished_task_is_notified_with_the_words_the_list_shows(
    qtbot: QtBot, store: Store
) -> None:
    for status in range(3):
        store.tasks.add_task(_record(status))
    page = _page(store, BEFORE)
    notes: list[tuple[str, str]] = []
    page.notifier.notified.connect(lambda title, text: notes.append((title, text)))
    try:
        finals = {0: 5, 1: 3, 2: 4}  # done, canceled, expired (settled)
        for old, new in finals.items():
            store.tasks.update_tasks(CHAIN_ID, [(_address(old), new, None)])
            page.bridge.refresh_task(_address(old))
        assert len(notes) == 3
        for (old, new), (title, text) in zip(finals.items(), notes, strict=True):
            position = page.model.position_of(_address(old))
            assert position is not None
            listed = page.model.data(page.model.index(position, Column.STATUS))
            assert listed == EXPECTED[(new, BEFORE)]
            assert title == f"Task: {listed}"
            assert f": {listed}." in text
    finally:
        page.attach(None)
        dispose(page)


def test_the_detail_explains_a_held_payment_and_a_late_confirmable_answer(
    qtbot: QtBot, store: Store
) -> None:
    for status in (0, 2):
        store.tasks.add_task(_record(status))
    page = _page(store, AFTER)
    try:
        page.detail.show_task(_address(0))
        assert "payment stays held until the network settles the task" in (
            page.detail.note.text())
        page.detail.show_task(_address(2))
        assert "you can still confirm an answer" in page.detail.note.text()
        page.detail.clock = lambda: BEFORE
        page.detail.refresh()
        assert page.detail.note.text() == ""
    finally:
        page.attach(None)
        dispose(page)
