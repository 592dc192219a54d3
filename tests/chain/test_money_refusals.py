"""A node's refusal to replace a waiting transaction, said in plain words (anvil, real mempool)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from hexbytes import HexBytes

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.chain.fees import quote_fees
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.chain.transactions import ContractCall, build_tx
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tx_plans import UNDERPRICED
from ogpu_desktop.store import Store
from tests.chain.anvil_node import rpc
from tests.chain.conftest import fund
from tests.chain.protocol_env import ProtocolEnv
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.test_signer import LocalTestSigner

ETHER = 10**18


@pytest.fixture
def proxy(protocol: ProtocolEnv) -> Iterator[RpcProxy]:
    started = RpcProxy(protocol.anvil.url).start()
    yield started
    started.release.set()
    started.stop()


@pytest.fixture
def manual_mining(protocol: ProtocolEnv) -> Iterator[None]:
    rpc(protocol.anvil.url, "evm_setAutomine", [False])
    yield
    rpc(protocol.anvil.url, "evm_setAutomine", [True])
    rpc(protocol.anvil.url, "evm_mine")


@pytest_asyncio.fixture
async def session(
    protocol: ProtocolEnv, store: Store, proxy: RpcProxy
) -> AsyncIterator[ChainSession]:
    opened = await ChainSession.open(protocol.network(proxy.url), store, timeout=10)
    yield opened
    proxy.release.set()
    await opened.close()


@pytest.mark.asyncio
async def test_a_transaction_waiting_at_a_higher_fee_makes_the_refusal_plain(
    protocol: ProtocolEnv, session: ChainSession, proxy: RpcProxy, manual_mining: None
) -> None:
    signer = LocalTestSigner.random(protocol.anvil.chain_id)
    fund(protocol.anvil, signer.address, 10 * ETHER)
    actions = ActionService(session)
    plan = await actions.plan_deposit(signer.address, ETHER)
    # The nonce is read and held back while the same account (another app, straight to the
    # node) sends a transfer with that nonce and a higher fee, which waits unmined.
    proxy.hold_answer_to = {"eth_getTransactionCount"}
    running = asyncio.ensure_future(actions.execute(plan, signer))
    await asyncio.get_running_loop().run_in_executor(None, proxy.holding.wait, 30)
    direct = await RpcClient.connect(protocol.network())
    try:
        fees = (await quote_fees(direct)).bumped().bumped()
        transfer = ContractCall("Sending a test transfer", "0x" + "5a" * 20, "0x", 1)
        tx = build_tx(transfer, sender=signer.address, nonce=0, gas=21_000, fees=fees,
                      chain_id=protocol.anvil.chain_id)
        waiting = await signer.sign_transaction(tx)
        await direct.w3.eth.send_raw_transaction(HexBytes(waiting.raw))
    finally:
        await direct.close()
    proxy.release.set()
    with pytest.raises(ChainError) as refused:
        await running
    assert refused.value.message == UNDERPRICED
