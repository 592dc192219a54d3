"""Recording a mined publish as a task in the history."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.chain.journal import JournalRecord
from ogpu_desktop.chain.nexus_events import task_published_in
from ogpu_desktop.services.app_events import TaskRecorded
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import TaskRecord

log = logging.getLogger(__name__)


def record_published_task(
    session: ChainSession,
    tx_hash: str,
    sender: str,
    receipt: Mapping[str, Any],
    meta: Mapping[str, Any],
) -> str:
    """Store the task a mined publish created; return its address.

    The address comes from the ``TaskPublished`` log emitted by this network's Nexus. The
    receipt's block is kept as the task's publish block: the tracker's next poll reads the
    task's events from there, however far its cursor already is (see ``TrackingService``).

    Raises:
        ChainError: When the receipt holds no such log.
    """
    found = task_published_in(receipt, session.network.contracts.nexus)
    if not found:
        raise ChainError(
            "The publish transaction was mined but the Nexus announced no task; "
            "check the network's contract addresses."
        )
    task, source = found[0]
    now = int(time.time())
    pipeline = meta.get("pipeline")
    delivery = meta.get("delivery_method")
    session.store.tasks.add_task(
        TaskRecord(
            chain_id=session.chain_id,
            address=task,
            source=source,
            sender=sender,
            config_url=str(meta.get("config_url", "")),
            config_json=str(meta.get("config_json", "")),
            payment_wei=int(meta.get("payment_wei", 0)),
            expiry_time=int(meta.get("expiry_time", 0)),
            delivery_method=int(delivery) if delivery is not None else None,
            pipeline=str(pipeline) if pipeline else None,
            status=0,
            attempt_count=0,
            tx_hash=tx_hash,
            block_number=int(receipt["blockNumber"]),
            published_at=now,
            updated_at=now,
        )
    )
    session.task_recorded.emit(TaskRecorded(task, tx_hash))
    return task


def record_mined_publish(
    session: ChainSession, entry: JournalRecord, receipt: Mapping[str, Any]
) -> str | None:
    """Record the task of a journaled publish found mined; return it (``None``: nothing new).

    Nothing is recorded for another kind of transaction, a reverted publish, or a publish
    whose task is already in the history.
    """
    if entry.kind != "publish" or int(receipt.get("status", 0)) != 1:
        return None
    if session.store.tasks.task_by_tx(entry.tx_hash, session.chain_id) is not None:
        return None
    try:
        return record_published_task(session, entry.tx_hash, entry.sender, receipt, entry.meta)
    except ChainError as exc:
        log.warning("mined publish tx=%s holds no task: %s", entry.tx_hash, exc.message)
        return None
