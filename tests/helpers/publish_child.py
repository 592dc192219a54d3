"""The app's connection and publish, run as a child process that a test kills mid-send.

``python -m tests.helpers.publish_child PROFILE RPC_URL INFO_JSON`` opens the profile's history
as the app does (recording the Sandbox run it connects to), funds a new account, reviews one
text-classification task through ``RPC_URL`` (a proxy in front of the Sandbox) and prints
``{"ready": <address>}``. After a line on stdin it signs and sends; the test kills it with
SIGKILL while the proxy holds the send.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.config import AppPaths
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import ChainIdentity, Store
from tests.helpers.sandbox import fund, source_address
from tests.helpers.test_signer import LocalTestSigner

PAYMENT_WEI = 10**15
CONFIG = {"function_name": "inference", "data": {"input": "sent just before a crash"}}


async def publish_until_killed(profile: Path, rpc_url: str, info: dict[str, Any]) -> None:
    """Connect, fund, review, then publish when told to (the test kills it during the send)."""
    paths = AppPaths.for_profile(profile)
    paths.ensure()
    store = Store.in_folder(paths.data_dir)
    network = sandbox_network(info)
    # What connecting does first: record which run of the chain the history is written for.
    store.runs.check_identity(network.chain_id,
                              ChainIdentity(info["genesis_hash"], info["run_id"]))
    session = await ChainSession.open(network.with_rpc(rpc_url), store)
    signer = LocalTestSigner.random(network.chain_id)
    await asyncio.get_running_loop().run_in_executor(None, fund, info, signer.address)
    await ActionService(session).deposit(signer, PAYMENT_WEI)
    service = PublishService(session)
    preview = await service.preview(
        [CONFIG], source=source_address(info, "text-classification"), payment_wei=PAYMENT_WEI,
        duration_s=600, sender=signer.address, task_type="text-classification",
    )
    print(json.dumps({"ready": signer.address}), flush=True)
    sys.stdin.readline()
    await service.execute(preview, signer)
    print(json.dumps({"published": True}), flush=True)


if __name__ == "__main__":
    asyncio.run(
        publish_until_killed(Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]))
    )
