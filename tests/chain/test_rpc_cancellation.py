"""A cancelled or timed-out JSON-RPC request never leaves the next one waiting (real anvil node).

The HTTP client in these tests has a pool of one connection: a connection, or a lock, that a
cancelled request failed to give back would make the next request wait forever, which the hang
guard turns into a failure.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import pytest_asyncio
from eth_utils.address import to_checksum_address

from ogpu_desktop.chain.errors import RpcUnreachableError
from ogpu_desktop.chain.http_provider import in_request_order
from ogpu_desktop.chain.rpc import RpcClient
from tests.chain.anvil_node import AnvilNode, rpc
from tests.chain.conftest import anvil_network
from tests.chain.rpc_proxy import RpcProxy

HANG_GUARD_S = 30.0  # turns "waits forever" into a failure; no duration is asserted


@pytest.fixture
def proxy(anvil: AnvilNode) -> Iterator[RpcProxy]:
    running = RpcProxy(anvil.url).start()
    yield running
    running.release.set()
    running.stop()


@pytest_asyncio.fixture
async def one_connection() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as http:
        yield http


async def connect(
    anvil: AnvilNode, proxy: RpcProxy, http: httpx.AsyncClient | None, timeout: float = 20.0
) -> RpcClient:
    return await RpcClient.connect(
        replace(anvil_network(anvil), rpc_url=proxy.url), timeout=timeout, http=http
    )


async def assert_next_request_completes(client: RpcClient, anvil: AnvilNode) -> None:
    assert await asyncio.wait_for(client.w3.eth.chain_id, HANG_GUARD_S) == anvil.chain_id


async def wait_until_held(proxy: RpcProxy) -> None:
    held = await asyncio.get_running_loop().run_in_executor(
        None, proxy.holding.wait, HANG_GUARD_S
    )
    assert held, "the request never reached the node"


@pytest.mark.asyncio
async def test_a_request_cancelled_while_the_node_answers_leaves_the_next_one_free(
    anvil: AnvilNode, proxy: RpcProxy, one_connection: httpx.AsyncClient
) -> None:
    client = await connect(anvil, proxy, one_connection)
    proxy.hold_answer_to = {"eth_getBlockByNumber"}
    in_flight = asyncio.ensure_future(client.w3.eth.get_block("latest"))
    await wait_until_held(proxy)
    # A second request queues for the only connection; it is cancelled while it waits.
    queued = asyncio.ensure_future(client.w3.eth.block_number)
    await asyncio.sleep(0.05)
    assert not queued.done()

    queued.cancel()
    in_flight.cancel()
    for cancelled in (queued, in_flight):
        with pytest.raises(asyncio.CancelledError):
            await cancelled
    proxy.release.set()

    await assert_next_request_completes(client, anvil)
    await client.close()


@pytest.mark.asyncio
async def test_requests_cancelled_at_any_step_leave_the_next_one_free(
    anvil: AnvilNode, proxy: RpcProxy, one_connection: httpx.AsyncClient
) -> None:
    client = await connect(anvil, proxy, one_connection)
    cancelled_at: set[int] = set()
    for steps in range(40):
        # Several at once, as when the user switches task while a page is loading.
        calls = [asyncio.ensure_future(client.w3.eth.get_block("latest")) for _ in range(8)]
        for _ in range(steps):
            await asyncio.sleep(0)
        for call in calls:
            if call.cancel():
                cancelled_at.add(steps)
        await asyncio.gather(*calls, return_exceptions=True)
        await assert_next_request_completes(client, anvil)
    # The steps must have reached into the requests: before them, and while on their way.
    assert {0, 1, 2, 10} <= cancelled_at
    await client.close()


@pytest.mark.asyncio
async def test_a_request_that_times_out_leaves_the_next_one_free(
    anvil: AnvilNode, proxy: RpcProxy, one_connection: httpx.AsyncClient
) -> None:
    client = await connect(anvil, proxy, one_connection, timeout=1.0)
    proxy.hold_answer_to = {"eth_getBlockByNumber"}
    with pytest.raises(RpcUnreachableError) as info:
        await client.run(client.w3.eth.get_block("latest"), "Reading the block")
    assert info.value.message == f"Cannot reach {proxy.url}: no answer in time"
    proxy.release.set()

    await assert_next_request_completes(client, anvil)
    await client.close()


class TrickleHandler(BaseHTTPRequestHandler):
    """Answers 200 at once, then one byte of its body every 0.2 s (a node that trickles)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b'{"jsonrpc": "2.0", "id": 0, "result": "0x1"}' + b" " * 200
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: this handler ends here

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.asyncio
async def test_an_answer_that_trickles_in_is_cut_off_at_the_deadline(anvil: AnvilNode) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TrickleHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(RpcUnreachableError) as info:
            await RpcClient.connect(replace(anvil_network(anvil), rpc_url=url), timeout=1.0)
        assert info.value.message == f"Cannot reach {url}: no answer in time"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.asyncio
async def test_batch_answers_are_paired_with_their_calls_whatever_their_order(
    anvil: AnvilNode, proxy: RpcProxy
) -> None:
    accounts = [to_checksum_address(f"0x{n:040x}") for n in range(0xA1, 0xA6)]
    for n, account in enumerate(accounts, start=1):
        rpc(anvil.url, "anvil_setBalance", [account, hex(n * 10**18)])
    proxy.reverse_batches = True
    client = await connect(anvil, proxy, None)
    try:
        proxy.reset_counts()
        async with client.w3.batch_requests() as batch:
            for account in accounts:
                batch.add(client.w3.eth.get_balance(account))  # type: ignore[arg-type]
            batch.add(client.w3.eth.chain_id)
            answers = await batch.async_execute()
        assert proxy.http_requests == 1
        assert answers == [n * 10**18 for n in range(1, 6)] + [anvil.chain_id]
    finally:
        await client.close()


def test_batch_answers_without_ids_keep_the_nodes_order() -> None:
    calls = [{"jsonrpc": "2.0", "id": 7, "method": "a", "params": []},
             {"jsonrpc": "2.0", "id": 8, "method": "b", "params": []}]
    answers = [{"jsonrpc": "2.0", "error": {"code": -32600, "message": "x"}},
               {"jsonrpc": "2.0", "id": 7, "result": "0x1"}]
    assert in_request_order(calls, answers) == answers  # type: ignore[arg-type]
    numbered = [{"jsonrpc": "2.0", "id": 8, "result": "0x2"},
                {"jsonrpc": "2.0", "id": 7, "result": "0x1"}]
    assert in_request_order(calls, numbered) == numbered[::-1]  # type: ignore[arg-type]
