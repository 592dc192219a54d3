"""The time a task's expiry is counted from: the later of this computer's clock and the chain's.

The contracts compare a task's expiry with the timestamp of the block that mines it. On a public
network the newest block is a few seconds behind the wall clock, so the wall clock decides. A
chain can also run ahead of it: the Sandbox dates every block at least one second after the one
before, so a burst of a thousand publishes puts its clock minutes ahead, and a lifetime counted
from the wall clock would then be refused as "already passed". Counting from the later of the
two keeps the lifetime the user chose on every network.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from ogpu_desktop.chain.rpc import RpcClient


async def chain_now(client: RpcClient) -> int:
    """Unix seconds to count a lifetime from: the wall clock, or the newest block if later."""
    header = await client.request("eth_getBlockByNumber", ["latest", False],
                                  "Reading the newest block")
    wall = int(time.time())
    if not isinstance(header, Mapping) or "timestamp" not in header:
        return wall
    stamp = header["timestamp"]
    chain = int(stamp, 16) if isinstance(stamp, str) else int(stamp)
    return max(wall, chain)
