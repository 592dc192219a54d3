"""Money on a real Sandbox: plans show what is signed; refusals come in plain words, with numbers.

Every transaction here is real (signed locally, mined by the Sandbox's EVM). The RPC proxy
stands in only where a node must misbehave on cue: an answer held back, or a refusal.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from ogpu_desktop.chain.errors import ChainError, InsufficientFundsError, RpcError
from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.chain.transactions import dry_run
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tx_plans import (
    NONCE_TAKEN,
    NOTHING_SIGNED,
    NotEnoughFundsError,
)
from ogpu_desktop.store import Store
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.sandbox import ETHER, fund, sandbox_info
from tests.helpers.test_signer import LocalTestSigner

__all__ = ["sandbox_info"]

FEE = r"0\.\d{1,8} OGPU"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def proxy(sandbox_info: dict[str, Any]) -> Iterator[RpcProxy]:
    started = RpcProxy(sandbox_info["rpc_url"]).start()
    yield started
    started.release.set()
    started.stop()


@pytest_asyncio.fixture
async def session(
    sandbox_info: dict[str, Any], store: Store, proxy: RpcProxy
) -> AsyncIterator[ChainSession]:
    opened = await ChainSession.open(sandbox_network(sandbox_info).with_rpc(proxy.url), store)
    yield opened
    proxy.release.set()
    await opened.close()


async def _funded(info: dict[str, Any], session: ChainSession, wei: int) -> LocalTestSigner:
    signer = LocalTestSigner.random(session.chain_id)
    await asyncio.get_running_loop().run_in_executor(None, fund, info, signer.address, wei)
    return signer


def _journal(session: ChainSession) -> list[Any]:
    return list(session.store.journal.journal_all(session.chain_id))


@pytest.mark.asyncio
async def test_a_deposit_above_the_wallet_says_what_it_has_and_needs_and_signs_nothing(
    sandbox_info: dict[str, Any], session: ChainSession
) -> None:
    signer = await _funded(sandbox_info, session, 10 * ETHER)
    actions = ActionService(session)
    with pytest.raises(NotEnoughFundsError) as refused:
        await actions.deposit(signer, 999_999 * ETHER)
    assert re.fullmatch(
        rf"You have 10 OGPU; this deposit needs 999,999 OGPU plus a fee of about {FEE}\. "
        r"Enter at most 9\.9\d* OGPU, or add funds to the wallet\.",
        refused.value.message,
    ), refused.value.message
    assert refused.value.field == "amount"
    assert signer.signed_count == 0
    assert _journal(session) == []
    assert (await actions.balances(signer.address)).wallet == 10 * ETHER


@pytest.mark.asyncio
async def test_the_sandboxs_own_refusal_of_a_value_above_the_balance_is_typed_not_raw(
    sandbox_info: dict[str, Any], session: ChainSession
) -> None:
    signer = await _funded(sandbox_info, session, ETHER)
    call = session.contracts.vault_deposit(signer.address, 5 * ETHER)
    with pytest.raises(InsufficientFundsError) as refused:
        await dry_run(session.client, call, signer.address)
    assert "-32603" not in refused.value.message
    assert refused.value.message == (
        "Depositing into the vault: the wallet does not hold enough to pay the amount plus the "
        "network fee."
    )


@pytest.mark.asyncio
async def test_a_plan_is_exactly_what_is_signed_and_a_second_deposit_follows(
    sandbox_info: dict[str, Any], session: ChainSession
) -> None:
    signer = await _funded(sandbox_info, session, 10 * ETHER)
    actions = ActionService(session)
    plan = await actions.plan_deposit(signer.address, 3 * ETHER)
    assert plan.summary == (
        "Move 3 OGPU from your wallet into your vault, where tasks are paid from."
    )
    assert plan.value_wei == 3 * ETHER
    assert plan.wallet_balance_wei == 10 * ETHER
    assert 0 < plan.likely_fee_wei <= plan.max_fee_wei
    assert plan.max_total_wei == 3 * ETHER + plan.max_fee_wei
    assert signer.signed_count == 0  # planning signs nothing

    receipt = await actions.execute(plan, signer)
    sent = await session.client.w3.eth.get_transaction(receipt["transactionHash"])
    assert sent["gas"] == plan.quote.gas
    assert sent["maxFeePerGas"] == plan.quote.fees.max_fee_per_gas
    assert sent["value"] == 3 * ETHER
    balances = await actions.balances(signer.address)
    assert balances.vault_available == 3 * ETHER
    spent = 10 * ETHER - balances.wallet
    assert 3 * ETHER < spent <= plan.max_total_wei

    second = await actions.plan_deposit(signer.address, ETHER)
    await actions.execute(second, signer)
    assert (await actions.balances(signer.address)).vault_available == 4 * ETHER
    nonces = sorted(entry.nonce for entry in _journal(session))
    assert nonces == [0, 1]


@pytest.mark.asyncio
async def test_a_withdrawal_above_the_vault_says_what_is_available_and_held(
    sandbox_info: dict[str, Any], session: ChainSession
) -> None:
    signer = await _funded(sandbox_info, session, 10 * ETHER)
    actions = ActionService(session)
    await actions.deposit(signer, 2 * ETHER)
    with pytest.raises(NotEnoughFundsError) as refused:
        await actions.plan_withdraw(signer.address, 5 * ETHER)
    assert refused.value.message == (
        "Your vault has 2 OGPU available; this withdrawal needs 5 OGPU."
    )
    plan = await actions.plan_withdraw(signer.address, ETHER)
    assert plan.summary == "Move 1 OGPU from your vault back to your wallet."
    assert plan.value_wei == 0
    assert plan.wallet_after_wei == plan.wallet_balance_wei - plan.likely_fee_wei + ETHER


@pytest.mark.asyncio
async def test_a_fee_the_wallet_cannot_pay_is_said_with_the_amount_to_add(
    sandbox_info: dict[str, Any], session: ChainSession
) -> None:
    signer = await _funded(sandbox_info, session, 10**9)  # a billionth of a token
    with pytest.raises(NotEnoughFundsError) as refused:
        await ActionService(session).plan_deposit(signer.address, 10**8)
    assert re.fullmatch(
        rf"You have 0\.000000001 OGPU; this deposit needs 0\.0000000001 OGPU plus a fee of "
        rf"about {FEE}\. Add at least {FEE} to the wallet first\.",
        refused.value.message,
    ), refused.value.message


@pytest.mark.asyncio
async def test_a_contract_refusal_gives_its_reason_and_signs_nothing(
    sandbox_info: dict[str, Any], session: ChainSession
) -> None:
    signer = await _funded(sandbox_info, session, ETHER)
    with pytest.raises(ChainError) as refused:
        await ActionService(session).confirm(signer, "0x" + "12" * 20)
    assert refused.value.message == (
        "Confirming the response was refused by the contract: This response does not exist on "
        f"this network. {NOTHING_SIGNED}"
    )
    assert signer.signed_count == 0


@pytest.mark.asyncio
async def test_a_fee_the_network_cannot_work_out_is_said_and_nothing_signed(
    sandbox_info: dict[str, Any], session: ChainSession, proxy: RpcProxy
) -> None:
    signer = await _funded(sandbox_info, session, ETHER)
    proxy.error_for["eth_estimateGas"] = {
        "code": -32000, "message": "gas required exceeds allowance (30000000)",
    }
    with pytest.raises(ChainError) as refused:
        await ActionService(session).deposit(signer, ETHER // 2)
    assert not isinstance(refused.value, RpcError)
    assert refused.value.message == (
        "The network could not work out the fee for this deposit: Depositing into the vault: "
        "the node answered with an error: gas required exceeds allowance (30000000). "
        f"{NOTHING_SIGNED}"
    )
    assert signer.signed_count == 0


@pytest.mark.asyncio
async def test_a_nonce_taken_by_another_sender_of_the_account_is_said_in_plain_words(
    sandbox_info: dict[str, Any], session: ChainSession, proxy: RpcProxy
) -> None:
    signer = await _funded(sandbox_info, session, 10 * ETHER)
    actions = ActionService(session)
    plan = await actions.plan_deposit(signer.address, ETHER)
    # The nonce is read, then held back while another copy of the app (its own session, not
    # through the proxy) sends from the same account: the nonce read is stale when it arrives.
    proxy.hold_answer_to = {"eth_getTransactionCount"}
    running = asyncio.ensure_future(actions.execute(plan, signer))
    await asyncio.get_running_loop().run_in_executor(None, proxy.holding.wait, 30)
    other = await ChainSession.open(sandbox_network(sandbox_info), session.store)
    try:
        await ActionService(other).deposit(signer, 2 * ETHER)
    finally:
        await other.close()
    proxy.release.set()
    with pytest.raises(ChainError) as refused:
        await running
    assert refused.value.message == NONCE_TAKEN
    assert (await actions.balances(signer.address)).vault_available == 2 * ETHER
