"""Fixtures for chain-client tests: a real anvil node over HTTP and funded test signers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from ogpu_desktop.chain.networks import ContractAddresses, Network, NetworkKind
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.publish_models import PublishPreview
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import Store
from tests.chain.anvil_node import AnvilNode, rpc, start_anvil
from tests.chain.ipfs_server import IpfsServer
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv, deploy_env
from tests.helpers.test_signer import LocalTestSigner

# Placeholder contracts for tests that only move native value.
NO_CONTRACTS = ContractAddresses(
    nexus="0x" + "11" * 20, controller="0x" + "22" * 20, terminal="0x" + "33" * 20,
    vault="0x" + "44" * 20,
)
ANVIL_CHAIN_ID = 200820172034  # testnet's ID: bigger than 2**32, exercises the int handling


@pytest.fixture(scope="session")
def anvil() -> Iterator[AnvilNode]:
    node = start_anvil(chain_id=ANVIL_CHAIN_ID)
    yield node
    node.stop()


@pytest.fixture(scope="session")
def ipfs() -> Iterator[IpfsServer]:
    server = IpfsServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def protocol(anvil: AnvilNode, ipfs: IpfsServer) -> ProtocolEnv:
    return deploy_env(anvil, ipfs)


@pytest_asyncio.fixture
async def session(protocol: ProtocolEnv, store: Store) -> AsyncIterator[ChainSession]:
    s = await ChainSession.open(protocol.network(), store)
    yield s
    await s.close()


def anvil_network(node: AnvilNode, contracts: ContractAddresses = NO_CONTRACTS) -> Network:
    return Network(
        kind=NetworkKind.CUSTOM,
        name="anvil",
        chain_id=node.chain_id,
        rpc_url=node.url,
        contracts=contracts,
        symbol="ETH",
    )


@pytest_asyncio.fixture
async def client(anvil: AnvilNode) -> AsyncIterator[RpcClient]:
    c = await RpcClient.connect(anvil_network(anvil))
    yield c
    await c.close()


def fund(node: AnvilNode, address: str, wei: int = 10**21) -> None:
    rpc(node.url, "anvil_setBalance", [address, hex(wei)])


async def funded_signer(
    session: ChainSession, protocol: ProtocolEnv, deposit_wei: int
) -> LocalTestSigner:
    """A new account with gas money and ``deposit_wei`` in the vault, deposited over ``session``."""
    signer = LocalTestSigner.random(protocol.anvil.chain_id)
    fund(protocol.anvil, signer.address)
    await ActionService(session).deposit(signer, deposit_wei)
    return signer


async def preview_manual(
    service: PublishService, protocol: ProtocolEnv, signer: LocalTestSigner,
    configs: Sequence[Mapping[str, Any]],
) -> PublishPreview:
    """Preview ``configs`` on the manual-confirmation source at the minimum payment, 10 minutes."""
    return await service.preview(
        configs, source=protocol.manual_source, payment_wei=MIN_PAYMENT, duration_s=600,
        sender=signer.address,
    )


@pytest.fixture
def signer(anvil: AnvilNode) -> LocalTestSigner:
    s = LocalTestSigner.random(anvil.chain_id)
    fund(anvil, s.address)
    return s


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.sqlite3")
    yield s
    s.close()
