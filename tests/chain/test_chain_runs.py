"""Chain identity in the store: a new Sandbox run sets the previous run's history aside."""

from __future__ import annotations

from pathlib import Path

from ogpu_desktop.store import ChainIdentity, ResponseRecord, Store, TaskRecord

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
