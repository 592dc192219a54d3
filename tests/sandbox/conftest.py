"""Chain fixtures for the Sandbox contract tests: the Sandbox's py-evm node and anvil, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3 import Web3

from ogpu_desktop.sandbox.node import SandboxNode
from ogpu_desktop.sandbox.pinning import PinStore
from ogpu_desktop.sandbox.server import SandboxHttpServer
from tests.helpers.anvil import running_anvil
from tests.sandbox.chain import SandboxChain


def _http_web3(rpc_url: str) -> Web3:
    return Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))


def _clock_mover(w3: Web3) -> SandboxChain.ClockMover:
    def advance(seconds: int) -> None:
        w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    return advance


@pytest.fixture(scope="session", params=["py-evm", pytest.param("anvil", marks=pytest.mark.anvil)])
def chain(request: pytest.FixtureRequest) -> Iterator[SandboxChain]:
    """The Sandbox protocol deployed once per session on each chain, reached over JSON-RPC/HTTP.

    "py-evm" is the Sandbox's own node (eth-tester) behind its HTTP server on 127.0.0.1, with no
    provider running; "anvil" is a real anvil process.
    """
    if request.param == "py-evm":
        server = SandboxHttpServer(SandboxNode(), PinStore())
        server.start()
        try:
            w3 = _http_web3(server.base_url)
            yield SandboxChain("py-evm", w3, _clock_mover(w3))
        finally:
            server.stop()
        return
    with running_anvil() as node:
        w3 = _http_web3(node.rpc_url)
        yield SandboxChain("anvil", w3, _clock_mover(w3))
