"""The batch tables: every input kept in order, signed before sent, retried with its past kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ogpu_desktop.domain.batch_entries import ImageEntry, RefusedEntry, TextEntry
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.store import Store, StoreError

CHAIN = 31337
TASK = "0x" + "ab" * 20
TX = "0x" + "12" * 32


def _entries(tmp_path: Path) -> list[ImageEntry | TextEntry | RefusedEntry]:
    return [
        TextEntry("Great, “really”!", tmp_path / "r.csv", "r.csv", 2, "review"),
        RefusedEntry("r.csv", "Line 3 has 4 cells.", tmp_path / "r.csv", 3),
        ImageEntry(tmp_path / "a.png", "photos/a.png", 120, 7, 4, 3, "PNG"),
    ]


def test_a_batch_keeps_every_input_in_order_with_refusals(store: Store, tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    batch_id = store.batches.create_batch(
        CHAIN, "text-classification", {"payment_wei": str(10**15)}, entries, resume_key="out.csv"
    )
    items = store.batches.items(batch_id)
    assert [i.label for i in items] == ["r.csv:2", "r.csv:3", "photos/a.png"]
    assert [i.status for i in items] == [
        BatchItemStatus.PENDING, BatchItemStatus.REFUSED, BatchItemStatus.PENDING
    ]
    assert items[0].entry == entries[0]
    assert items[2].entry == entries[2]
    assert items[0].input_key == entries[0].key
    assert items[1].input_key is None
    assert items[1].error == "Line 3 has 4 cells."
    record = store.batches.find_resumable(CHAIN, "out.csv")
    assert record is not None
    assert record.batch_id == batch_id
    assert record.settings == {"payment_wei": str(10**15)}
    assert store.batches.find_resumable(CHAIN, "other.csv") is None
    assert [b.batch_id for b in store.batches.list_batches(CHAIN)] == [batch_id]
    assert store.batches.counts(batch_id) == {
        BatchItemStatus.PENDING: 2, BatchItemStatus.REFUSED: 1
    }


def test_signed_then_published_then_retried(store: Store, tmp_path: Path) -> None:
    batch_id = store.batches.create_batch(CHAIN, "text-classification", {}, _entries(tmp_path))
    store.batches.mark_signed(batch_id, 0, TX)
    item = store.batches.item(batch_id, 0)
    assert item is not None
    assert item.tx_hash == TX
    assert item.status is BatchItemStatus.PENDING
    with pytest.raises(StoreError, match="no longer waiting"):
        store.batches.mark_signed(batch_id, 1, TX)  # refused: never signed
    store.batches.mark_published(batch_id, 0, TASK, TX)
    assert [i.task for i in store.batches.items_by_task([TASK])] == [TASK]
    with pytest.raises(StoreError):
        store.batches.mark_signed(batch_id, 0, TX)  # published: never signed again
    assert store.batches.reset_for_retry(batch_id, [0]) == []  # waiting: not retryable
    store.batches.set_status(batch_id, 0, BatchItemStatus.EXPIRED, error="time ran out")
    assert store.batches.reset_for_retry(batch_id, [0, 1]) == [0]
    item = store.batches.item(batch_id, 0)
    assert item is not None
    assert (item.status, item.task, item.tx_hash, item.error, item.tries, item.earlier_tasks) == (
        BatchItemStatus.PENDING, None, None, None, 1, (TASK,)
    )


def test_clear_signed_forgets_only_an_unpublished_send(store: Store, tmp_path: Path) -> None:
    batch_id = store.batches.create_batch(CHAIN, "text-classification", {}, _entries(tmp_path))
    store.batches.mark_signed(batch_id, 0, TX)
    store.batches.clear_signed(batch_id, 0)
    item = store.batches.item(batch_id, 0)
    assert item is not None
    assert item.tx_hash is None
    store.batches.mark_signed(batch_id, 2, TX)
    store.batches.mark_published(batch_id, 2, TASK, TX)
    store.batches.clear_signed(batch_id, 2)
    item = store.batches.item(batch_id, 2)
    assert item is not None
    assert item.tx_hash == TX
