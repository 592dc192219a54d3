"""JSON-RPC requests per tracker poll with 1, 100 and 1,000 tracked tasks (counted over HTTP).

Publishes real tasks on anvil (Sandbox contracts), has a provider attempt some of them between
polls, and counts what one poll sends through a counting proxy. Run from the repository root:
``OGPU_TEST_ANVIL=<anvil binary> python tests/bench/bench_tracker_rpc.py``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import Store
from tests.bench._common import anvil_protocol
from tests.chain.anvil_node import rpc
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.test_signer import LocalTestSigner

SIZES = (1, 100, 1000)
BATCH = 100


async def publish_many(session: ChainSession, env: ProtocolEnv, count: int) -> list[str]:
    signer = LocalTestSigner.random(env.anvil.chain_id)
    rpc(env.anvil.url, "anvil_setBalance", [signer.address, hex(10**24)])
    await ActionService(session).deposit(signer, MIN_PAYMENT * count)
    service = PublishService(session)
    tasks: list[str] = []
    while len(tasks) < count:
        size = min(BATCH, count - len(tasks))
        configs = [{"function_name": "inference", "data": {"input": f"t{len(tasks) + i}"}}
                   for i in range(size)]
        preview = await service.preview(configs, source=env.first_response_source,
                                        payment_wei=MIN_PAYMENT, duration_s=3000,
                                        sender=signer.address)
        outcome = await service.execute(preview, signer)
        tasks += [t.task or "" for t in outcome.tasks if t.task]
    return tasks


async def measure(env: ProtocolEnv, size: int, folder: Path) -> None:
    proxy = RpcProxy(env.anvil.url).start()
    store = Store(folder / f"bench-{size}.sqlite3")
    session = await ChainSession.open(env.network(proxy.url), store)
    try:
        tasks = await publish_many(session, env, size)
        tracking = TrackingService(session)
        await tracking.poll_once()  # first poll: from the oldest publish block to the head
        for task in tasks[:10]:
            env.attempt(task)  # network activity between polls
        proxy.reset_counts()
        summary = await tracking.poll_once()
        print(json.dumps({
            "metric": "tracker_rpc_requests_per_poll", "value": proxy.http_requests,
            "unit": "requests", "tasks": summary.tracked,
            "methods": dict(proxy.methods), "events": summary.events,
        }), flush=True)
        proxy.reset_counts()
        await tracking.reconcile()
        print(json.dumps({
            "metric": "tracker_reconcile_http_requests", "value": proxy.http_requests,
            "unit": "requests", "tasks": len(tasks),
            "eth_calls": proxy.methods.get("eth_call", 0),
        }), flush=True)
    finally:
        await session.close()
        store.close()
        proxy.stop()


async def main() -> None:
    with anvil_protocol() as env, tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            await measure(env, size, Path(folder))


if __name__ == "__main__":
    asyncio.run(main())
