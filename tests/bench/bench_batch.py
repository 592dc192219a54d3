"""Batches: seconds for 1,000 texts to be published and answered, and memory with 2,000 inputs.

``batch_1000_texts_s``: a Sandbox child process with its default provider (one account,
answering every task at once, the built-in engine); the app's batch services publish a CSV of
1,000 texts as one text-classification batch (chunks of 50 through the journal) and follow it
until every input is final, results read for the headlines. Timed from the start of publishing
to every input final; the publishing part alone is given as ``publish_s``.

``batch_rss_mb``: the peak resident memory of a fresh process that lists 2,000 inputs (a folder
of real images in five formats, and a CSV of texts), records the batch in a history, builds
every task config chunk by chunk (each image read and encoded), and exports the table; the same
for 200 inputs is given beside it, so flat memory shows as two close figures.

Run from the repository root: ``python tests/bench/bench_batch.py [--skip-chain]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.domain.batch_configs import plan_batch
from ogpu_desktop.domain.batch_entries import RefusedEntry
from ogpu_desktop.domain.batch_export import CSV_ENCODING, BatchResultRow, write_batch_csv
from ogpu_desktop.domain.batch_inputs import list_batch_inputs
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.batch_models import BatchSettings
from ogpu_desktop.services.batch_publish import BatchPublisher
from ogpu_desktop.services.batch_results import BatchResults
from ogpu_desktop.services.batch_review import list_inputs
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import Store
from tests.helpers.batch_files import image_folder, reviews_csv
from tests.helpers.sandbox import fund, running_sandbox, source_address
from tests.helpers.test_signer import LocalTestSigner

ETHER = 10**18
PAYMENT = 10**15
TYPE = "text-classification"


async def thousand_texts(info: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Publish 1,000 texts and follow them to the end; return the figures."""
    store = Store(folder / "bench.sqlite3")
    session = await ChainSession.open(sandbox_network(info), store)
    try:
        signer = LocalTestSigner.random(session.chain_id)
        fund(info, signer.address, 1_000 * ETHER)
        await ActionService(session).deposit(signer, 1_000 * PAYMENT)
        listing = await list_inputs([reviews_csv(folder / "reviews.csv", 1000)], TYPE,
                                    column="review")
        settings = BatchSettings(TYPE, source_address(info, TYPE), PAYMENT, 3600)
        publisher = BatchPublisher(session)
        batch_id = publisher.create(listing, settings)
        started = time.perf_counter()
        outcome = await publisher.publish(batch_id, signer)
        published = time.perf_counter() - started
        counts = await BatchResults(session).follow(
            batch_id, TrackingService(session),
            before_poll=lambda: publisher.reconcile(batch_id),
        )
        total = time.perf_counter() - started
    finally:
        await session.close()
        store.close()
    finished = counts.get(BatchItemStatus.FINISHED, 0)
    if outcome.published != 1000 or finished != 1000:
        raise RuntimeError(f"not every text was answered: {outcome}, {counts}")
    return {"metric": "batch_1000_texts_s", "value": round(total, 1), "unit": "s",
            "publish_s": round(published, 1), "chunk": publisher.chunk_size, "finished": finished}


def rss_child(count: int) -> None:
    """In a fresh process: list, record, build and export ``count`` inputs; print the peak RSS."""
    with tempfile.TemporaryDirectory(prefix="ogpu-bench-batch-") as scratch:
        folder = Path(scratch)
        half = count // 2
        image_folder(folder / "photos", half)
        reviews_csv(folder / "reviews.csv", count - half)
        images = list_batch_inputs([folder / "photos"], "image-classification")
        texts = list_batch_inputs([folder / "reviews.csv"], TYPE, column="review")
        store = Store(folder / "history.sqlite3")
        rows = 0
        for listing, task_type in ((images, "image-classification"), (texts, TYPE)):
            batch_id = store.batches.create_batch(1337, task_type, {}, listing.entries)
            plan = plan_batch(task_type, {})
            items = store.batches.items(batch_id)
            for start in range(0, len(items), 50):  # as the publisher builds them: a chunk
                for item in items[start : start + 50]:
                    if not isinstance(item.entry, RefusedEntry):
                        plan.task_for(item.entry)
            with (folder / f"{task_type}.csv").open("w", encoding=CSV_ENCODING,
                                                    newline="") as stream:
                rows += write_batch_csv(
                    (BatchResultRow(i.entry, i.status, i.task, None, i.error)
                     for i in store.batches.items(batch_id)), stream)
        store.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rss_mb": round(peak_kb / 1024, 1), "inputs": rows}))


def rss(count: int) -> float:
    """The peak RSS in MB of :func:`rss_child` over ``count`` inputs, in its own process."""
    done = subprocess.run([sys.executable, __file__, "--rss-child", str(count)],
                          capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["inputs"] != count:
        raise RuntimeError(f"listed {figures['inputs']} inputs, not {count}")
    return float(figures["rss_mb"])


def main() -> None:
    """Print the JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-chain", action="store_true", help="memory only")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return
    small, large = rss(200), rss(2000)
    print(json.dumps({"metric": "batch_rss_mb", "value": large, "unit": "MB", "inputs": 2000,
                      "rss_mb_200_inputs": small,
                      "what": "list, record, build every config, as the publisher does"}))
    if args.skip_chain:
        return
    with running_sandbox() as info, tempfile.TemporaryDirectory() as scratch:
        print(json.dumps(asyncio.run(thousand_texts(info, Path(scratch)))), flush=True)


if __name__ == "__main__":
    main()
