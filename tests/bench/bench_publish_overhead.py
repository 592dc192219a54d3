"""App-side time of one publish, excluding the chain's own waiting (``publish_overhead_ms``).

Publishes single tasks on anvil (Sandbox contracts, instant mining) with a local pinning
service, and subtracts the time spent waiting for receipts from each publish's total. What is
left: pinning over local HTTP, nonce/fee RPC round trips, signing, the durable journal write,
and the send. Run from the repository root:
``OGPU_TEST_ANVIL=<anvil binary> python tests/bench/bench_publish_overhead.py``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import Store
from tests.bench._common import anvil_protocol
from tests.chain.anvil_node import rpc
from tests.chain.protocol_env import MIN_PAYMENT
from tests.helpers.test_signer import LocalTestSigner

RUNS = 30


async def main() -> None:
    with anvil_protocol() as env, tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.sqlite3")
        session = await ChainSession.open(env.network(), store)
        try:
            signer = LocalTestSigner.random(env.anvil.chain_id)
            rpc(env.anvil.url, "anvil_setBalance", [signer.address, hex(10**24)])
            await ActionService(session).deposit(signer, MIN_PAYMENT * (RUNS + 1))
            service = PublishService(session)
            overheads: list[float] = []
            previews: list[float] = []
            for i in range(RUNS + 1):
                config = {"function_name": "inference", "data": {"input": f"run {i}"}}
                t0 = time.perf_counter()
                preview = await service.preview(
                    [config], source=env.manual_source, payment_wei=MIN_PAYMENT,
                    duration_s=600, sender=signer.address,
                )
                t1 = time.perf_counter()
                outcome = await service.execute(preview, signer)
                assert outcome.all_published
                if i == 0:
                    continue  # warm-up: first-use costs (ABI caches, connections)
                previews.append((t1 - t0) * 1000)
                overheads.append(
                    outcome.timings_ms["total"] - outcome.timings_ms["receipt_wait"]
                )
        finally:
            await session.close()
            store.close()
    print(json.dumps({
        "metric": "publish_overhead_ms", "value": round(statistics.median(overheads), 2),
        "unit": "ms", "runs": RUNS, "statistic": "median",
        "p90": round(statistics.quantiles(overheads, n=10)[-1], 2),
        "excludes": "receipt wait", "node": "anvil (instant mining)",
    }), flush=True)
    print(json.dumps({
        "metric": "publish_preview_ms", "value": round(statistics.median(previews), 2),
        "unit": "ms", "runs": RUNS, "statistic": "median",
    }), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
