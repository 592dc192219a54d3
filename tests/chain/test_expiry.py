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
from tests.chain.rpc_proxy import RpcProxy
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


@pytest.mark.asyncio
async def test_a_task_past_its_expiry_is_read_once_then_left_to_the_polls(
    ipfs: IpfsServer, store: Store
) -> None:
    node = start_anvil(chain_id=4343)  # its own chain: this test moves the clock forward
    proxy = RpcProxy(node.url).start()
    try:
        env = deploy_env(node, ipfs)
        session = await ChainSession.open(env.network(proxy.url), store)
        try:
            signer = LocalTestSigner.random(node.chain_id)
            fund(node, signer.address)
            await ActionService(session).deposit(signer, 2 * MIN_PAYMENT)
            service = PublishService(session)
            preview = await service.preview(
                [{"function_name": "inference", "data": {"input": f"late {i}"}} for i in (1, 2)],
                source=env.manual_source, payment_wei=MIN_PAYMENT, duration_s=120,
                sender=signer.address,
            )
            tasks = [t.task or "" for t in (await service.execute(preview, signer)).published]
            tracking = TrackingService(session)
            await tracking.poll_once()
            later = time.time() + 600
            # The app's clock is past the expiry, the chain's is not: nothing is noted.
            assert await tracking.reconcile(now=later) == 0
            assert [_expiry_read(store, session.chain_id, t) for t in tasks] == [None, None]
            rpc(node.url, "evm_increaseTime", [600])
            rpc(node.url, "evm_mine")
            head = (await tracking.poll_once()).head
            assert await tracking.reconcile(now=later) == 0  # still NEW on chain
            assert [_expiry_read(store, session.chain_id, t) for t in tasks] == [head, head]
            proxy.reset_counts()
            assert await tracking.reconcile(now=later) == 0
            assert proxy.methods["eth_call"] == 0  # read once past its expiry, not again
            rows = {row.record.address: row for row in tracking.task_rows(now=later)}
            assert {rows[t].display for t in tasks} == {TaskState.EXPIRED_UNSETTLED}
            assert {rows[t].record.status for t in tasks} == {0}
            # The polls still follow them: the chain's own expiry arrives as an event.
            vault = contract(env.w3, "Vault", env.deployment.vault)
            tx = vault.functions.forceReleasePayment(signer.address, tasks[0]).transact(
                {"from": env.provider}
            )
            env.w3.eth.wait_for_transaction_receipt(tx)
            await tracking.poll_once()
            rows = {row.record.address: row for row in tracking.task_rows(now=later)}
            assert (rows[tasks[0]].record.status, rows[tasks[1]].record.status) == (4, 0)
            assert rows[tasks[0]].display is TaskState.EXPIRED
        finally:
            await session.close()
    finally:
        proxy.stop()
        node.stop()


def _expiry_read(store: Store, chain_id: int, task: str) -> int | None:
    record = store.tasks.get_task(chain_id, task)
    assert record is not None
    return record.expiry_read_block
