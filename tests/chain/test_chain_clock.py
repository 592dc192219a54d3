"""A task's lifetime is counted from the later of the wall clock and the chain's newest block."""

from __future__ import annotations

import time

import pytest

from ogpu_desktop.chain.chain_clock import chain_now
from ogpu_desktop.chain.rpc import RpcClient
from tests.chain.anvil_node import rpc, start_anvil
from tests.chain.conftest import anvil_network

AHEAD_S = 3600


@pytest.mark.asyncio
async def test_a_chain_running_ahead_of_the_clock_sets_the_start_of_a_lifetime() -> None:
    # Its own node: moving a shared node's clock on would change every later test's chain.
    node = start_anvil(chain_id=778)
    try:
        client = await RpcClient.connect(anvil_network(node))
        try:
            before = int(time.time())
            assert before <= await chain_now(client) <= int(time.time()) + 1  # the wall clock
            # A burst of blocks (the Sandbox dates each one a second after the last) or a
            # node told to move on: its newest block is an hour ahead of this computer.
            rpc(node.url, "evm_increaseTime", [AHEAD_S])
            rpc(node.url, "evm_mine", [])
            counted_from = await chain_now(client)
            # Anvil dates a block from its own reading of the clock, which can lag this
            # process's by up to a second; an hour ahead is what tells the chain's count.
            assert counted_from >= before + AHEAD_S - 1
            head = await client.request("eth_getBlockByNumber", ["latest", False], "head")
            assert counted_from == int(head["timestamp"], 16)
        finally:
            await client.close()
    finally:
        node.stop()
