"""Chain runs in the store: history keyed by run, a new Sandbox run sets the old one aside."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from ogpu_desktop.store import ChainIdentity, ResponseRecord, Store, StoreError, TaskRecord
from ogpu_desktop.store.migrations import MIGRATIONS

SANDBOX_ID = 1337
TASK = "0x" + "ab" * 20
RESPONSE = "0x" + "cd" * 20


def _task(tx: str = "0x" + "12" * 32) -> TaskRecord:
    return TaskRecord(
        chain_id=SANDBOX_ID, address=TASK, source="0x" + "cd" * 20, sender="0x" + "ef" * 20,
        config_url="http://x/ipfs/1", config_json="{}", payment_wei=10**15,
        expiry_time=1_900_000_000, delivery_method=1, pipeline="text-classification",
        status=0, attempt_count=0, tx_hash=tx, block_number=7,
        published_at=1_800_000_000, updated_at=1_800_000_000,
    )


def _fill(store: Store) -> None:
    store.tasks.add_task(_task())
    store.tasks.upsert_responses(
        [ResponseRecord(SANDBOX_ID, RESPONSE, TASK, "0x" + "99" * 20, "{}", 0, 1, 9)]
    )
    store.misc.save_result(SANDBOX_ID, RESPONSE, '{"result": 1}', "inline", None)
    store.misc.set_cursor(SANDBOX_ID, "0xN", 40)
    store.journal.journal_add(
        tx_hash="0x" + "34" * 32, raw=b"\x01", sender="0x" + "ef" * 20, nonce=0,
        chain_id=SANDBOX_ID, kind="publish", meta={},
    )


def test_same_identity_keeps_everything(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    first = ChainIdentity("0xgenesis1", "run1")
    assert store.runs.check_identity(SANDBOX_ID, first) is None
    _fill(store)
    assert store.runs.check_identity(SANDBOX_ID, first) is None
    assert store.tasks.get_task(SANDBOX_ID, TASK) is not None
    assert store.misc.get_cursor(SANDBOX_ID, "0xN") == 40
    assert store.runs.identity(SANDBOX_ID) == first
    # The same chain reached without its run ID (as a custom network) is the same chain.
    assert store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xgenesis1", "")) is None
    assert store.tasks.get_task(SANDBOX_ID, TASK) is not None
    assert store.runs.identity(SANDBOX_ID) == first
    store.close()


def test_new_run_sets_the_old_history_aside(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xgenesis1", "run1"))
    _fill(store)
    previous = store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xgenesis2", "run2"))
    assert previous is not None
    assert previous.archive_key < 0
    assert (previous.task_count, previous.run_id) == (1, "run1")
    # Nothing of the old chain is left under its chain ID ...
    assert store.tasks.list_tasks(SANDBOX_ID) == []
    assert store.misc.get_result(SANDBOX_ID, RESPONSE) is None
    assert store.misc.get_cursor(SANDBOX_ID, "0xN") is None
    assert store.journal.journal_open(SANDBOX_ID) == []
    # ... it is kept under the archive key, and its journal entry can never be sent again.
    kept = store.tasks.list_tasks(previous.archive_key)
    assert [t.address for t in kept] == [TASK]
    assert store.misc.get_result(previous.archive_key, RESPONSE) is not None
    entry = store.journal.journal_get("0x" + "34" * 32)
    assert entry is not None
    assert entry.state == "dropped"
    # The same task address can be recorded again on the new chain.
    store.tasks.add_task(_task(tx="0x" + "56" * 32))
    again = store.tasks.get_task(SANDBOX_ID, TASK)
    assert again is not None
    assert again.tx_hash == "0x" + "56" * 32
    assert store.runs.previous_runs(SANDBOX_ID) == [previous]
    # A third run gets its own key.
    third = store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xgenesis3", "run3"))
    assert third is not None
    assert third.archive_key == previous.archive_key - 1
    store.close()


def test_history_without_identity_is_set_aside(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    _fill(store)
    previous = store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xg", "r"))
    assert previous is not None
    assert previous.run_id is None
    assert store.tasks.count_tasks(SANDBOX_ID) == 0
    store.close()


def _v4_database(path: Path) -> None:
    """A history written by the version before runs had keys: one run set aside, one current."""
    conn = sqlite3.connect(path)
    conn.executescript("\n".join(MIGRATIONS[:4]) + "\nPRAGMA user_version=4;")
    task_row = (
        "INSERT INTO tasks (chain_id, address, source, sender, config_url, config_json,"
        " payment_wei, expiry_time, status, tx_hash, block_number, published_at, updated_at,"
        " events_read) VALUES (?, ?, '0xs', '0xf', 'u', ?, '1', 9, ?, ?, 7, ?, 1, 1)"
    )
    conn.execute(task_row, (-1, TASK, '{"old": true}', 5, "0x" + "01" * 32, 1))
    conn.execute(task_row, (SANDBOX_ID, TASK, '{"new": true}', 1, "0x" + "02" * 32, 2))
    conn.execute(task_row, (SANDBOX_ID, "0x" + "77" * 20, "{}", 0, "0x" + "03" * 32, 3))
    conn.execute(
        "INSERT INTO responses (chain_id, address, task, status, updated_at) VALUES (?,?,?,1,1)",
        (-1, RESPONSE, TASK),
    )
    conn.execute(
        "INSERT INTO results (chain_id, response, raw, content_type, fetched_at)"
        " VALUES (?, ?, '{\"old\": 1}', 'inline', 1)",
        (-1, RESPONSE),
    )
    conn.execute(
        "INSERT INTO attempts (chain_id, task, provider, block_number) VALUES (?, ?, '0xp', 8)",
        (SANDBOX_ID, TASK),
    )
    conn.execute(
        "INSERT INTO tracker_cursor (chain_id, nexus, block_number) VALUES (?, '0xN', 40)",
        (SANDBOX_ID,),
    )
    for key, tx, state in ((-1, "0x" + "01" * 32, "dropped"), (SANDBOX_ID, "0x" + "04" * 32,
                                                               "sent")):
        conn.execute(
            "INSERT INTO tx_journal (tx_hash, chain_id, sender, nonce, raw, kind, state,"
            " created_at, updated_at) VALUES (?, ?, '0xf', 0, x'01', 'publish', ?, 1, 1)",
            (tx, key, state),
        )
    conn.execute(
        "INSERT INTO chain_identity VALUES (?, '0xgenesis2', 'run2', 5)", (SANDBOX_ID,)
    )
    conn.execute(
        "INSERT INTO previous_runs VALUES (-1, ?, '0xgenesis1', 'run1', 1, 4)", (SANDBOX_ID,)
    )
    conn.commit()
    conn.close()


def test_migration_keys_every_row_by_its_run_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    _v4_database(path)
    store = Store(path)
    try:
        assert store.db.schema_version == len(MIGRATIONS) == 7
        assert store.runs.identity(SANDBOX_ID) == ChainIdentity("0xgenesis2", "run2")
        (earlier,) = store.runs.previous_runs(SANDBOX_ID)
        assert (earlier.archive_key, earlier.run_id, earlier.task_count) == (-1, "run1", 1)
        # The current run's rows answer to the chain ID, the earlier run's to its key.
        assert [t.tx_hash for t in store.tasks.list_tasks(SANDBOX_ID)] == [
            "0x" + "03" * 32, "0x" + "02" * 32,
        ]
        old = store.tasks.get_task(-1, TASK)
        assert old is not None
        assert (old.config_json, old.status, old.chain_id) == ('{"old": true}', 5, SANDBOX_ID)
        current = store.tasks.get_task(SANDBOX_ID, TASK)
        assert current is not None
        assert (current.config_json, current.attempt_count) == ('{"new": true}', 0)
        assert store.tasks.responses_of(-1, TASK)[0].address == RESPONSE
        assert store.tasks.responses_of(SANDBOX_ID, TASK) == []
        kept = store.misc.get_result(-1, RESPONSE)
        assert kept is not None
        assert kept.raw == '{"old": 1}'
        assert store.misc.get_result(SANDBOX_ID, RESPONSE) is None
        assert store.misc.get_cursor(SANDBOX_ID, "0xN") == 40
        assert [e.tx_hash for e in store.journal.journal_open(SANDBOX_ID)] == ["0x" + "04" * 32]
        entry = store.journal.journal_get("0x" + "04" * 32)
        assert entry is not None
        assert entry.chain_id == SANDBOX_ID
        # Attempts kept their run: the next one counts two providers, not one.
        store.tasks.apply_tracking(SANDBOX_ID, statuses={}, attempts=[(TASK, "0xq", 9)])
        again = store.tasks.get_task(SANDBOX_ID, TASK)
        assert again is not None
        assert again.attempt_count == 2
    finally:
        store.close()


def test_another_task_at_an_address_of_the_same_run_is_an_error_not_ignored(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "h.sqlite3")
    store.tasks.add_task(_task())
    store.tasks.add_task(_task())  # the same publish recorded twice: nothing changes
    assert store.tasks.count_tasks(SANDBOX_ID) == 1
    other = replace(_task(tx="0x" + "99" * 32), pipeline="text-generation", config_json="[]")
    # HistoryCollisionError, a StoreError (named so, these tests also run on older versions).
    with pytest.raises(StoreError, match="already holds another task"):
        store.tasks.add_task(other)
    kept = store.tasks.get_task(SANDBOX_ID, TASK)
    assert kept is not None
    assert (kept.tx_hash, kept.pipeline) == ("0x" + "12" * 32, "text-classification")
    store.tasks.upsert_responses(
        [ResponseRecord(SANDBOX_ID, RESPONSE, TASK, None, None, 0, None, 9)]
    )
    with pytest.raises(StoreError, match="already holds the response"):
        store.tasks.upsert_responses(
            [ResponseRecord(SANDBOX_ID, RESPONSE, "0x" + "88" * 20, None, None, 0, None, 9)]
        )
    assert store.tasks.response_map(SANDBOX_ID) == {RESPONSE: TASK}
    store.close()


def test_two_runs_never_share_a_row_and_an_ended_run_never_changes(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xgenesis1", "run1"))
    _fill(store)
    first = store.runs.current_key(SANDBOX_ID)
    previous = store.runs.check_identity(SANDBOX_ID, ChainIdentity("0xgenesis2", "run2"))
    assert previous is not None
    assert previous.archive_key == first
    assert store.runs.current_key(SANDBOX_ID) != first
    assert not store.runs.is_current(first)
    # The new run's task at the same address is a row of its own; the old one is untouched.
    store.tasks.add_task(replace(_task(tx="0x" + "56" * 32), pipeline="translation"))
    store.tasks.apply_tracking(SANDBOX_ID, statuses={TASK: 2}, attempts=[(TASK, "0xp", 3)])
    old = store.tasks.get_task(first, TASK)
    new = store.tasks.get_task(SANDBOX_ID, TASK)
    assert old is not None
    assert new is not None
    assert (old.pipeline, old.status, old.attempt_count) == ("text-classification", 0, 0)
    assert (new.pipeline, new.status, new.attempt_count) == ("translation", 2, 1)
    # Nothing written for the ended run, from any writer.
    with pytest.raises(StoreError, match="earlier run"):
        store.tasks.apply_tracking(first, statuses={TASK: 5})
    with pytest.raises(StoreError, match="earlier run"):
        store.tasks.upsert_responses(
            [ResponseRecord(first, RESPONSE, TASK, None, None, 1, None, 9)]
        )
    with pytest.raises(StoreError, match="earlier run"):
        store.misc.save_result(first, RESPONSE, "{}", "inline", None)
    with pytest.raises(StoreError, match="earlier run"):
        store.journal.journal_set_state("0x" + "34" * 32, "mined")
    # The same signed bytes sent on the new run are a new entry; the old one stays dropped.
    store.journal.journal_add(
        tx_hash="0x" + "34" * 32, raw=b"\x01", sender="0x" + "ef" * 20, nonce=0,
        chain_id=SANDBOX_ID, kind="publish", meta={},
    )
    store.journal.journal_set_state("0x" + "34" * 32, "mined", block_number=4)
    current = store.journal.journal_get("0x" + "34" * 32)
    assert current is not None
    assert current.state == "mined"
    assert [e.state for e in store.journal.journal_all(first)] == ["dropped"]
    store.close()
