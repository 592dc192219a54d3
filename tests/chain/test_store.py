"""The SQLite store: migrations, WAL durability settings, idempotent writes, big numbers."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from ogpu_desktop.store import ResponseRecord, Store, StoreError, TaskRecord
from ogpu_desktop.store.migrations import MIGRATIONS

TESTNET_ID = 200820172034


def _task(address: str = "0x" + "ab" * 20, payment: int = 3 * 10**30) -> TaskRecord:
    return TaskRecord(
        chain_id=TESTNET_ID, address=address, source="0x" + "cd" * 20, sender="0x" + "ef" * 20,
        config_url="https://x/ipfs/Qm1", config_json='{"a":1}', payment_wei=payment,
        expiry_time=1_900_000_000, delivery_method=0, pipeline="text-classification",
        status=0, attempt_count=0, tx_hash="0x" + "12" * 32, block_number=7,
        published_at=1_800_000_000, updated_at=1_800_000_000,
    )


def test_store_is_migrated_in_wal_mode_and_flushes_only_durable_commits(
    tmp_path: Path,
) -> None:
    store = Store.in_folder(tmp_path / "data")

    def sync() -> int:
        return int(store.db.conn.execute("PRAGMA synchronous").fetchone()[0])

    try:
        assert store.db.schema_version == len(MIGRATIONS)
        mode = store.db.conn.execute("PRAGMA journal_mode").fetchone()[0]
        # NORMAL (1): a tracker commit waits for no disk flush; FULL (2) inside durable ones.
        assert (mode, sync()) == ("wal", 1)
        with store.db.transaction(durable=True):
            assert sync() == 2
        assert sync() == 1
        with store.db.transaction():
            assert sync() == 1
        with pytest.raises(RuntimeError), store.db.transaction(durable=True):
            raise RuntimeError("rolled back")
        assert sync() == 1
        # A recorded task and a journal entry commit without waiting for the disk on the
        # caller's thread (the journal entry is flushed by flush_to_disk before its send).
        seen: list[str] = []
        store.db.conn.set_trace_callback(seen.append)
        store.tasks.add_task(_task())
        _journal_one(store)
        store.db.conn.set_trace_callback(None)
        assert "PRAGMA synchronous=FULL" not in seen
        assert seen.count("COMMIT") == 2
    finally:
        store.close()
    reopened = Store.in_folder(tmp_path / "data")
    assert reopened.db.schema_version == len(MIGRATIONS)
    reopened.close()


def test_a_newer_schema_is_refused_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer OGPU Desktop"):
        Store(path)


def test_tasks_keep_huge_payments_and_chain_ids_and_ignore_duplicates(store: Store) -> None:
    store.tasks.add_task(_task())
    store.tasks.add_task(_task())  # a re-run of recovery must not duplicate
    assert store.tasks.count_tasks(TESTNET_ID) == 1
    got = store.tasks.get_task(TESTNET_ID, "0x" + "ab" * 20)
    assert got is not None
    assert got.payment_wei == 3 * 10**30
    assert got.chain_id == TESTNET_ID
    store.tasks.update_tasks(TESTNET_ID, [("0x" + "ab" * 20, 2, 3)])
    store.tasks.update_tasks(TESTNET_ID, [("0x" + "ab" * 20, 2, 1)])  # attempts never go back
    got = store.tasks.get_task(TESTNET_ID, "0x" + "ab" * 20)
    assert got is not None
    assert (got.status, got.attempt_count) == (2, 3)


def test_responses_are_upserted_idempotently(store: Store) -> None:
    first = ResponseRecord(TESTNET_ID, "0x" + "01" * 20, "0x" + "ab" * 20, None, None, 0, None, 5)
    store.tasks.upsert_responses([first])
    full = ResponseRecord(
        TESTNET_ID, "0x" + "01" * 20, "0x" + "ab" * 20, "0x" + "02" * 20, "{}", 1, 10, 9
    )
    store.tasks.upsert_responses([full, first])
    (resp,) = store.tasks.responses_of(TESTNET_ID, "0x" + "ab" * 20)
    assert (resp.provider, resp.data, resp.status, resp.block_number) == (
        "0x" + "02" * 20, "{}", 1, 5,
    )
    assert store.tasks.response_map(TESTNET_ID) == {"0x" + "01" * 20: "0x" + "ab" * 20}


def test_a_failed_write_rolls_back(store: Store) -> None:
    def write_then_fail() -> None:
        with store.db.transaction() as conn:
            conn.execute(
                "INSERT INTO address_book (chain_id, address, label, added_at)"
                " VALUES (1, '0xsrc', 'x', 5)"
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert store.misc.saved_sources(1) == []


def test_journal_cursor_address_book_and_caches(store: Store) -> None:
    store.journal.journal_add(
        tx_hash="0xaa", raw=b"\x01\x02", sender="0xS", nonce=4, chain_id=TESTNET_ID,
        kind="publish", meta={"source": "0xsrc"},
    )
    (entry,) = store.journal.journal_open(TESTNET_ID)
    assert (entry.raw, entry.state, entry.meta["source"]) == (b"\x01\x02", "signed", "0xsrc")
    store.journal.journal_set_state("0xaa", "mined", block_number=12)
    assert store.journal.journal_open(TESTNET_ID) == []
    mined = store.journal.journal_get("0xaa")
    assert mined is not None
    assert mined.block_number == 12
    store.misc.set_cursor(TESTNET_ID, "0xN", 100)
    store.misc.set_cursor(TESTNET_ID, "0xN", 150)
    assert store.misc.get_cursor(TESTNET_ID, "0xN") == 150
    store.misc.save_source(TESTNET_ID, "0xsrc", "Sentiment")
    store.misc.save_source(TESTNET_ID, "0xsrc", "Sentiment EN")
    assert [s.label for s in store.misc.saved_sources(TESTNET_ID)] == ["Sentiment EN"]
    store.misc.cache_source_info(TESTNET_ID, "0xsrc", {"name": "S", "min_payment": "10"})
    cached = store.misc.cached_source_info(TESTNET_ID, "0xsrc")
    assert cached is not None
    assert cached[0]["name"] == "S"
    store.misc.save_result(TESTNET_ID, "0xresp", '{"result": 1}', "json", "http://g/ipfs/Qm")
    result = store.misc.get_result(TESTNET_ID, "0xresp")
    assert result is not None
    assert result.raw == '{"result": 1}'


def test_tracking_updates_are_idempotent_and_statuses_never_go_back(store: Store) -> None:
    store.tasks.add_task(_task())
    address = "0x" + "ab" * 20
    attempts = [(address, "0xP1", 10), (address, "0xP2", 11)]
    for _ in range(3):  # the same blocks read three times
        store.tasks.apply_tracking(TESTNET_ID, statuses={address: 2}, attempts=attempts)
    store.tasks.apply_tracking(TESTNET_ID, statuses={address: 1})  # an older event re-read
    got = store.tasks.get_task(TESTNET_ID, address)
    assert got is not None
    assert (got.status, got.attempt_count) == (2, 2)
    store.tasks.apply_tracking(TESTNET_ID, statuses={address: 4}, exact=True)
    got = store.tasks.get_task(TESTNET_ID, address)
    assert got is not None
    assert got.status == 4


def test_a_task_is_followed_until_read_from_its_publish_block_and_up_to_its_end(
    store: Store,
) -> None:
    address = "0x" + "ab" * 20
    store.tasks.add_task(_task())  # published at block 7, recorded after the cursor passed it
    assert [t.address for t in store.tasks.followed_tasks(TESTNET_ID, 500)] == [address]
    store.tasks.apply_tracking(TESTNET_ID, statuses={address: 5}, exact=True, seen_at=600)
    assert store.tasks.open_tasks(TESTNET_ID) == []
    store.tasks.apply_tracking(TESTNET_ID, statuses={}, read=[address])
    got = store.tasks.get_task(TESTNET_ID, address)
    assert got is not None
    assert (got.events_read, got.final_seen_block) == (True, 600)
    # Seen final at block 600: followed while the cursor is before it, not once it is there.
    assert [t.address for t in store.tasks.followed_tasks(TESTNET_ID, 599)] == [address]
    assert store.tasks.followed_tasks(TESTNET_ID, 600) == []
    store.tasks.apply_tracking(TESTNET_ID, statuses={address: 5}, exact=True, seen_at=550)
    assert [t.address for t in store.tasks.followed_tasks(TESTNET_ID, 599)] == [address]


def test_a_task_read_past_its_expiry_is_left_to_the_polls(store: Store) -> None:
    address = "0x" + "ab" * 20
    store.tasks.add_task(_task())
    assert [t.address for t in store.tasks.tasks_to_read_directly(TESTNET_ID)] == [address]
    store.tasks.apply_tracking(TESTNET_ID, statuses={}, seen_at=900, expiry_checked=[address])
    got = store.tasks.get_task(TESTNET_ID, address)
    assert got is not None
    assert (got.expiry_read_block, got.status) == (900, 0)
    assert store.tasks.tasks_to_read_directly(TESTNET_ID) == []
    # Still open on chain: the polls follow it, and the cheap status map lists it.
    assert [t.address for t in store.tasks.followed_tasks(TESTNET_ID, 950)] == [address]
    assert store.tasks.open_statuses(TESTNET_ID) == {address: 0}


def test_migrating_a_version_one_database_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version=1;")
    conn.execute(
        "INSERT INTO tracker_cursor (chain_id, nexus, block_number) VALUES (?, 'n', 42)",
        (TESTNET_ID,),
    )
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        assert store.db.schema_version == len(MIGRATIONS) == 7
        assert store.misc.get_cursor(TESTNET_ID, "n") == 42
    finally:
        store.close()


def test_tasks_recorded_before_version_four_count_as_read_by_the_tracker(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("\n".join(MIGRATIONS[:3]) + "\nPRAGMA user_version=3;")
    conn.execute(
        "INSERT INTO tasks (chain_id, address, source, sender, config_url, config_json,"
        " payment_wei, expiry_time, status, tx_hash, block_number, published_at, updated_at)"
        " VALUES (?, '0xold', '0xs', '0xf', 'u', '{}', '1', 9, 1, '0xt', 7, 1, 1)",
        (TESTNET_ID,),
    )
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        old = store.tasks.get_task(TESTNET_ID, "0xold")
        assert old is not None
        assert (old.events_read, old.final_seen_block, old.status) == (True, None, 1)
        store.tasks.add_task(_task())
        new = store.tasks.get_task(TESTNET_ID, "0x" + "ab" * 20)
        assert new is not None
        assert (new.events_read, new.final_seen_block) == (False, None)
    finally:
        store.close()


def _journal_one(store: Store, tx_hash: str = "0x" + "77" * 32) -> None:
    store.journal.journal_add(
        tx_hash=tx_hash, raw=b"\x02signed", sender="0x" + "11" * 20, nonce=0,
        chain_id=TESTNET_ID, kind="publish", meta={"config_json": "{}"},
    )


def test_flush_to_disk_syncs_the_wal_from_another_thread_without_the_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.in_folder(tmp_path / "data")
    synced: list[tuple[str, str]] = []
    real_fsync = os.fsync

    def fsync(handle: int) -> None:
        synced.append((os.readlink(f"/proc/self/fd/{handle}"), threading.current_thread().name))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    try:
        _journal_one(store)
        worker = threading.Thread(target=store.journal.journal_flush, name="flusher")
        worker.start()
        worker.join(10)
        path = str(store.db.path)
        assert synced == [(path + "-wal", "flusher")]
        # The entry was committed before the flush: another connection reads it.
        other = sqlite3.connect(path)
        try:
            assert other.execute("SELECT state FROM tx_journal").fetchall() == [("signed",)]
        finally:
            other.close()
    finally:
        store.close()


def test_a_refused_disk_flush_is_a_store_error_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.in_folder(tmp_path / "data")

    def refuse(handle: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", refuse)
    try:
        _journal_one(store)
        with pytest.raises(StoreError, match=r"could not be saved to disk: .*Input/output error"):
            store.journal.journal_flush()
    finally:
        store.close()


def test_an_in_memory_store_has_nothing_to_flush() -> None:
    store = Store(":memory:")
    try:
        _journal_one(store)
        store.journal.journal_flush()
        assert store.journal.journal_get("0x" + "77" * 32) is not None
    finally:
        store.close()
