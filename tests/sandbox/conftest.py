"""Chain fixtures for the Sandbox contract tests: py-evm (eth-tester) and anvil."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3 import EthereumTesterProvider, Web3

from tests.helpers.anvil import running_anvil
from tests.sandbox.chain import SandboxChain


def _py_evm_chain() -> SandboxChain:
    provider = EthereumTesterProvider()
    tester = provider.ethereum_tester

    def advance(seconds: int) -> None:
        latest = tester.get_block_by_number("latest")["timestamp"]
        tester.time_travel(latest + seconds)

    return SandboxChain("py-evm", Web3(provider), advance)


@pytest.fixture(scope="session", params=["py-evm", pytest.param("anvil", marks=pytest.mark.anvil)])
def chain(request: pytest.FixtureRequest) -> Iterator[SandboxChain]:
    """The Sandbox protocol deployed once per session on each chain."""
    if request.param == "py-evm":
        yield _py_evm_chain()
        return
    with running_anvil() as node:
        w3 = Web3(Web3.HTTPProvider(node.rpc_url, request_kwargs={"timeout": 30}))

        def advance(seconds: int) -> None:
            w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
            w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

        yield SandboxChain("anvil", w3, advance)
