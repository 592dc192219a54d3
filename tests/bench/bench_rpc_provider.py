"""JSON-RPC round trips through the app's httpx provider and through web3's own HTTP provider.

Both talk to the same anvil node in the same run: sequential ``eth_blockNumber`` calls, and
batches of 50 ``eth_getBalance`` calls. Prints the mean per call for each and their ratio. Run
from the repository root:
``OGPU_TEST_ANVIL=<anvil binary> python tests/bench/bench_rpc_provider.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from web3 import AsyncHTTPProvider, AsyncWeb3

from ogpu_desktop.chain.rpc import make_web3
from tests.chain.anvil_node import start_anvil

CALLS = 400
BATCHES = 40
BATCH_SIZE = 50
ACCOUNT = "0x" + "ab" * 20


async def per_call_ms(job: Callable[[], Awaitable[Any]], times: int) -> float:
    await job()  # warm up: connection, caches
    started = time.perf_counter()
    for _ in range(times):
        await job()
    return (time.perf_counter() - started) * 1000 / times


async def batch(w3: AsyncWeb3[Any]) -> None:
    async with w3.batch_requests() as requests:
        for _ in range(BATCH_SIZE):
            requests.add(w3.eth.get_balance(w3.to_checksum_address(ACCOUNT)))
        await requests.async_execute()


def report(metric: str, app: float, web3: float, **context: object) -> None:
    print(json.dumps({"metric": metric, "value": round(app, 3), "unit": "ms",
                      "web3_http_provider_ms": round(web3, 3), "ratio": round(app / web3, 3),
                      **context}), flush=True)


async def main() -> None:
    if not os.environ.get("OGPU_TEST_ANVIL"):
        sys.exit("Set OGPU_TEST_ANVIL to the anvil binary.")
    node = start_anvil()
    app = make_web3(node.url)
    theirs = AsyncWeb3(AsyncHTTPProvider(node.url, exception_retry_configuration=None))
    try:
        single = [await per_call_ms(lambda w3=w3: w3.eth.block_number, CALLS)
                  for w3 in (app, theirs)]
        report("rpc_call_ms", *single, calls=CALLS, method="eth_blockNumber")
        batched = [await per_call_ms(lambda w3=w3: batch(w3), BATCHES) for w3 in (app, theirs)]
        report("rpc_batch_ms", *batched, batches=BATCHES, batch_size=BATCH_SIZE)
    finally:
        await app.provider.disconnect()
        await theirs.provider.disconnect()
        node.stop()


if __name__ == "__main__":
    asyncio.run(main())
