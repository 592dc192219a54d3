"""Lazy expiry: a task past its expiry shows as expired before the chain settles it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from ogpu_desktop.domain.task_status import TaskState
from ogpu_desktop.sandbox.deploy import contract
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.store import Store
from tests.chain.anvil_node import rpc, start_anvil
from tests.chain.conftest import fund
from tests.chain.ipfs_server import IpfsServer
from tests.chain.protocol_env import MIN_PAYMENT, ProtocolEnv, deploy_env
from tests.helpers.test_signer import LocalTestSigner


@pytest.fixture(scope="module")
def travel_env(ipfs: IpfsServer) -> Iterator[ProtocolEnv]:
    node = start_anvil(chain_id=4242)  # its own chain: this test moves the clock forward
    try:
        yield deploy_env(node, ipfs)
    finally:
        node.stop()


@pytest.mark.asyncio
async def test_expired_task_shows_unsettled_then_expired(
    travel_env: ProtocolEnv, store: Store
) -> None:
    session = await ChainSession.open(travel_env.network(), store)
    try:
        signer = LocalTestSigner.random(travel_env.anvil.chain_id)
        fund(travel_env.anvil, signer.address)
        actions = ActionService(session)
        await actions.deposit(signer, MIN_PAYMENT)
        service = PublishService(session)
        preview = await service.preview(
            [{"function_name": "inference", "data": {"input": "late"}}],
            source=travel_env.manual_source, payment_wei=MIN_PAYMENT, duration_s=120,
            sender=signer.address,
        )
        (task,) = (await service.execute(preview, signer)).published
        address = task.task or ""
        tracking = TrackingService(session)
        await tracking.poll_once()
        rpc(travel_env.anvil.url, "evm_increaseTime", [600])
        rpc(travel_env.anvil.url, "evm_mine")
        await tracking.poll_once()
        (row,) = tracking.task_rows(now=time.time() + 600)
        assert row.record.status == 0  # the chain has not settled it yet
        assert row.display is TaskState.EXPIRED_UNSETTLED
        assert (await actions.balances(signer.address)).escrowed == MIN_PAYMENT
        vault = contract(travel_env.w3, "Vault", travel_env.deployment.vault)
        tx = vault.functions.forceReleasePayment(signer.address, address).transact(
            {"from": travel_env.provider}
        )
        travel_env.w3.eth.wait_for_transaction_receipt(tx)
        await tracking.poll_once()
        (row,) = tracking.task_rows(now=time.time() + 600)
        assert row.record.status == 4
        assert row.display is TaskState.EXPIRED
        balances = await actions.balances(signer.address)
        assert (balances.escrowed, balances.vault_available) == (0, MIN_PAYMENT)
    finally:
        await session.close()
