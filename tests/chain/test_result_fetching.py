"""Where results are downloaded from, how redirects are followed, and how downloads end."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio

from ogpu_desktop.chain.errors import FetchError
from ogpu_desktop.chain.fetch_guard import (
    RefusedAddressError,
    check_hop,
    origins,
    trusted_origins,
)
from ogpu_desktop.chain.ipfs import MAX_REDIRECTS, FetchTimeoutError, fetch_document
from ogpu_desktop.chain.networks import MAINNET, sandbox_network
from ogpu_desktop.domain.result_views import LabelScoresView
from ogpu_desktop.services import results as results_module
from ogpu_desktop.services.results import ResultsService, read_failure
from ogpu_desktop.services.session import ChainSession
from tests.chain.protocol_env import ProtocolEnv
from tests.chain.test_tracking_results import SENTIMENT, publish
from tests.helpers.web_server import LocalWebServer

DOC = json.dumps(SENTIMENT).encode()


@pytest.fixture
def web() -> Iterator[LocalWebServer]:
    server = LocalWebServer(stall_s=5.0)
    yield server
    server.stop()


@pytest.fixture
def other_web() -> Iterator[LocalWebServer]:
    server = LocalWebServer()
    yield server
    server.stop()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _sandbox_like(server: LocalWebServer) -> frozenset[tuple[str, str, int]]:
    """What a Sandbox session serving from ``server`` trusts: its own pinning and gateway."""
    network = sandbox_network({
        "chain_id": 31337, "rpc_url": f"{server.url}/rpc",
        "contracts": {name: "0x" + "11" * 20 for name in ("nexus", "controller", "terminal",
                                                           "vault")},
        "pinning_url": f"{server.url}/file/create", "gateway_url": f"{server.url}/ipfs/",
    })
    return trusted_origins(network)


# --- only public addresses, unless the network names them ----------------------------------------


@pytest.mark.asyncio
async def test_an_address_on_this_computer_is_refused_outside_the_sandbox(
    http: httpx.AsyncClient, web: LocalWebServer
) -> None:
    link = web.add("answer", DOC)
    with pytest.raises(RefusedAddressError, match=r"points to this computer \(127\.0\.0\.1\)"):
        await fetch_document(http, link, trusted=trusted_origins(MAINNET))
    with pytest.raises(RefusedAddressError, match="this computer"):
        await fetch_document(http, link.replace("127.0.0.1", "localhost"))
    assert web.hits == []  # refused before any connection
    document = await fetch_document(http, link, trusted=_sandbox_like(web))
    assert document.json() == SENTIMENT
    assert web.hits == ["/doc/answer"]


@pytest.mark.asyncio
async def test_a_redirect_to_another_port_of_this_computer_is_refused(
    http: httpx.AsyncClient, web: LocalWebServer, other_web: LocalWebServer
) -> None:
    target = other_web.add("secret", b'{"admin": true}')
    hop = f"{web.url}/to?{quote(target, safe='')}"
    with pytest.raises(RefusedAddressError, match=f"127.0.0.1:{other_web.port}"):
        await fetch_document(http, hop, trusted=_sandbox_like(web))
    assert web.hits == [f"/to?{quote(target, safe='')}"]
    assert other_web.hits == []  # the first hop was the Sandbox's own; the second never ran
    both = _sandbox_like(web) | origins([other_web.url])
    document = await fetch_document(http, hop, trusted=both)
    assert document.json() == {"admin": True}
    assert document.url == target
    with pytest.raises(RefusedAddressError, match="is not a web address"):
        await fetch_document(http, f"{web.url}/to?file:///etc/passwd", trusted=both)


@pytest.mark.asyncio
async def test_redirects_are_followed_a_bounded_number_of_times(
    http: httpx.AsyncClient, web: LocalWebServer
) -> None:
    with pytest.raises(FetchError, match=f"redirected more than {MAX_REDIRECTS} times"):
        await fetch_document(http, f"{web.url}/loop", trusted=_sandbox_like(web))
    assert web.hits == ["/loop"] * (MAX_REDIRECTS + 1)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("address", "where"),
    [
        ("http://192.168.1.1/ipfs/x", "a private network"),
        ("http://10.0.0.8:8080/x", "a private network"),
        ("http://100.64.3.4/x", "a private network"),
        ("http://169.254.169.254/latest/meta-data", "a private network"),
        ("http://[::1]:8545/", "this computer"),
        ("http://[::ffff:127.0.0.1]:8545/", "this computer"),
        ("http://[fd00::5]/x", "a private network"),
        ("http://0.0.0.0:8545/", "this computer"),
        ("http://224.0.0.251/x", "an address that is not public"),
    ],
)
async def test_addresses_outside_the_public_internet_are_refused(
    http: httpx.AsyncClient, address: str, where: str
) -> None:
    with pytest.raises(RefusedAddressError, match=where):
        await fetch_document(http, address)


@pytest.mark.asyncio
async def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: dict[str, list[str]] = {"results.example": ["93.184.216.34"],
                                     "rebind.example": ["93.184.216.34", "127.0.0.1"]}
    loop = asyncio.get_running_loop()

    async def resolve(host: str, port: int, **_: Any) -> list[Any]:  # the DNS is not ours
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(loop, "getaddrinfo", resolve)
    hop = await check_hop(httpx.URL("http://results.example:8080/ipfs/x"), frozenset())
    assert str(hop.url) == "http://93.184.216.34:8080/ipfs/x"
    assert hop.host_header == "results.example:8080"
    secure = await check_hop(httpx.URL("https://results.example/ipfs/x"), frozenset())
    assert (secure.url.host, secure.host_header) == ("results.example", None)  # TLS checks it
    with pytest.raises(RefusedAddressError, match="this computer"):
        await check_hop(httpx.URL("http://rebind.example/x"), frozenset())


@pytest.mark.asyncio
async def test_a_response_pointing_at_this_computer_is_refused_in_plain_words(
    session: ChainSession, protocol: ProtocolEnv, other_web: LocalWebServer
) -> None:
    _, (task, other) = await publish(session, protocol, protocol.manual_source, count=2)
    for address in (task, other):
        protocol.attempt(address)
    hostile = protocol.respond(task, other_web.add("x", DOC))
    honest = protocol.respond(other, protocol.ipfs.link(DOC))
    results = ResultsService(session)
    with pytest.raises(RefusedAddressError) as refused:
        await results.fetch(hostile)
    assert refused.value.message.startswith(f"{other_web.url}/doc/x points to this computer")
    assert "only downloaded from public addresses" in refused.value.message
    assert other_web.hits == []
    assert session.store.misc.get_result(session.chain_id, hostile) is None
    # The network's own pinning service (here on this computer too) is trusted.
    assert isinstance((await results.fetch(honest)).view, LabelScoresView)


# --- downloads end cleanly ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_stalled_download_is_a_timeout_error(
    http: httpx.AsyncClient, web: LocalWebServer
) -> None:
    with pytest.raises(FetchTimeoutError, match=r"did not answer within 0\.5 s"):
        await fetch_document(http, f"{web.url}/stall", timeout=0.5, trusted=_sandbox_like(web))


@pytest.mark.asyncio
async def test_results_are_normalised_off_the_event_loop_thread(
    session: ChainSession, protocol: ProtocolEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = results_module.normalise

    def watched(raw: object, pipeline: str | None = None) -> Any:
        threads.append(threading.get_ident())
        return real(raw, pipeline)

    monkeypatch.setattr(results_module, "normalise", watched)
    _, (task,) = await publish(session, protocol, protocol.manual_source)
    protocol.attempt(task)
    response = protocol.respond(task, json.dumps(SENTIMENT))
    results = ResultsService(session)
    assert isinstance((await results.fetch(response)).view, LabelScoresView)
    assert (await results.fetch(response)).from_cache
    assert len(threads) == 2
    assert threading.get_ident() not in threads


def test_what_the_window_says_when_a_result_cannot_be_read() -> None:
    refused = RefusedAddressError("http://10.0.0.8/x points to a private network (10.0.0.8).")
    timed_out = FetchTimeoutError("https://gw.example/ipfs/x did not answer within 30 s")
    assert read_failure(refused) == (
        "The result was not downloaded. http://10.0.0.8/x points to a private network "
        "(10.0.0.8).", False)
    assert read_failure(timed_out) == (
        "The download of this result timed out: https://gw.example/ipfs/x did not answer "
        "within 30 s. Try again.", True)
    text, retry = read_failure(FetchError("every gateway answered HTTP 502"))
    assert (text, retry) == (
        "The result could not be downloaded: every gateway answered HTTP 502. Try again.", True)
