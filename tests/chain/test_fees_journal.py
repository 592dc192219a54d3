"""Fees, journaled sending and crash recovery, with plain value transfers on anvil."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ogpu_desktop.chain.errors import InsufficientFundsError
from ogpu_desktop.chain.fees import FeeQuote, quote_fees
from ogpu_desktop.chain.journal import TxJournal
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.chain.transactions import (
    ContractCall,
    TxState,
    build_tx,
    estimate_gas,
    next_nonce,
    send_signed,
)
from ogpu_desktop.domain.signing import SignedTransaction
from ogpu_desktop.store import Store
from tests.chain.anvil_node import AnvilNode, rpc, start_anvil
from tests.chain.conftest import anvil_network, fund
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.test_signer import LocalTestSigner

RECIPIENT = "0x" + "5a" * 20


async def _signed_transfer(
    client: RpcClient, signer: LocalTestSigner, *, nonce: int | None = None, value: int = 1
) -> SignedTransaction:
    call = ContractCall("Sending a test transfer", RECIPIENT, "0x", value)
    gas = await estimate_gas(client, call, signer.address)
    fees = await quote_fees(client)
    n = await next_nonce(client, signer.address) if nonce is None else nonce
    tx = build_tx(call, sender=signer.address, nonce=n, gas=gas, fees=fees,
                  chain_id=client.network.chain_id)
    return await signer.sign_transaction(tx)


@pytest.fixture
def manual_mining(anvil: AnvilNode) -> Iterator[None]:
    rpc(anvil.url, "evm_setAutomine", [False])
    yield
    rpc(anvil.url, "evm_setAutomine", [True])


@pytest.mark.asyncio
async def test_fees_are_eip1559_from_the_base_fee(client: RpcClient) -> None:
    quote = await quote_fees(client)
    assert quote.is_eip1559
    assert quote.base_fee is not None
    assert quote.max_fee_per_gas == 2 * quote.base_fee + (quote.max_priority_fee_per_gas or 0)
    bumped = quote.bumped()
    assert bumped.max_fee_per_gas is not None
    assert quote.max_fee_per_gas is not None
    assert bumped.max_fee_per_gas * 100 >= quote.max_fee_per_gas * 110
    assert (bumped.max_priority_fee_per_gas or 0) * 100 >= (
        quote.max_priority_fee_per_gas or 0) * 110


@pytest.mark.asyncio
async def test_legacy_pricing_when_blocks_have_no_base_fee() -> None:
    node = start_anvil(chain_id=777, extra=["--hardfork", "berlin"])
    try:
        client = await RpcClient.connect(anvil_network(node))
        try:
            quote = await quote_fees(client)
            assert not quote.is_eip1559
            assert quote.gas_price
            signer = LocalTestSigner.random(777)
            fund(node, signer.address)
            signed = await _signed_transfer(client, signer)
            assert signed.raw[0] >= 0xC0  # an RLP list: a legacy transaction, not type 2
            store = Store(":memory:")
            receipt = await TxJournal(client, store.journal).submit(signed, "transfer", {})
            assert receipt["status"] == 1
        finally:
            await client.close()
    finally:
        node.stop()


@pytest.mark.asyncio
async def test_submit_journals_before_sending_and_marks_mined(
    client: RpcClient, signer: LocalTestSigner, store: Store
) -> None:
    signed = await _signed_transfer(client, signer)
    journal = TxJournal(client, store.journal)
    await journal.record(signed, "transfer", {"why": "test"})
    entry = store.journal.journal_get(signed.tx_hash)
    assert entry is not None
    assert entry.state == "signed"
    await journal.broadcast(signed)
    receipt = await journal.settle(signed.tx_hash)
    assert receipt["status"] == 1
    entry = store.journal.journal_get(signed.tx_hash)
    assert entry is not None
    assert entry.state == "mined"
    assert entry.block_number


@pytest.mark.asyncio
async def test_insufficient_funds_is_a_plain_error(client: RpcClient, store: Store) -> None:
    poor = LocalTestSigner.random(client.network.chain_id)
    call = ContractCall("Sending a test transfer", RECIPIENT, "0x", 10**18)
    tx = build_tx(call, sender=poor.address, nonce=0, gas=21000,
                  fees=await quote_fees(client), chain_id=client.network.chain_id)
    signed = await poor.sign_transaction(tx)
    with pytest.raises(InsufficientFundsError, match="does not hold enough"):
        await TxJournal(client, store.journal).submit(signed, "transfer", {})
    entry = store.journal.journal_get(signed.tx_hash)
    assert entry is not None
    assert entry.state == "failed"


@pytest.mark.asyncio
async def test_lost_answer_to_send_never_makes_a_second_transaction(
    anvil: AnvilNode, signer: LocalTestSigner, store: Store
) -> None:
    proxy = RpcProxy(anvil.url).start()
    proxy.drop_response_to = {"eth_sendRawTransaction"}
    net = anvil_network(anvil).with_rpc(proxy.url)
    client = await RpcClient.connect(net, timeout=5)
    try:
        signed = await _signed_transfer(client, signer)
        receipt = await TxJournal(client, store.journal).submit(signed, "transfer", {})
        assert receipt["status"] == 1
        assert proxy.dropped == 1  # the node took it, the answer was lost
        assert proxy.methods["eth_sendRawTransaction"] == 1  # found by hash, not re-sent
        count = await client.w3.eth.get_transaction_count(signer.address)  # type: ignore[arg-type]
        assert count == 1
    finally:
        await client.close()
        proxy.stop()


@pytest.mark.asyncio
async def test_killed_between_send_and_receipt_is_recovered_on_next_start(
    anvil: AnvilNode, signer: LocalTestSigner, store: Store, manual_mining: None
) -> None:
    first = await RpcClient.connect(anvil_network(anvil))
    signed = await _signed_transfer(first, signer)
    journal = TxJournal(first, store.journal)
    await journal.record(signed, "transfer", {})
    await journal.broadcast(signed)
    await first.close()  # the app dies here, before any receipt

    second = await RpcClient.connect(anvil_network(anvil))
    try:
        recovered: list[str] = []

        async def on_mined(entry: object, receipt: object) -> None:
            recovered.append(getattr(entry, "tx_hash", ""))

        outcome = await TxJournal(second, store.journal).reconcile(on_mined)
        assert [o.check.state for o in outcome] == [TxState.PENDING]
        assert outcome[0].rebroadcast
        rpc(anvil.url, "evm_mine")
        outcome = await TxJournal(second, store.journal).reconcile(on_mined)
        assert [o.check.state for o in outcome] == [TxState.MINED]
        assert recovered == [signed.tx_hash]
        assert store.journal.journal_open(anvil.chain_id) == []
    finally:
        await second.close()


@pytest.mark.asyncio
async def test_journaled_but_never_sent_is_sent_with_the_same_bytes(
    client: RpcClient, signer: LocalTestSigner, store: Store
) -> None:
    signed = await _signed_transfer(client, signer)
    await TxJournal(client, store.journal).record(signed, "transfer", {})  # killed before the send
    outcome = await TxJournal(client, store.journal).reconcile()
    assert outcome[0].check.state is TxState.UNKNOWN
    assert outcome[0].rebroadcast
    receipt = await TxJournal(client, store.journal).settle(signed.tx_hash)
    assert receipt["transactionHash"].hex().removeprefix("0x") == signed.tx_hash[2:]


@pytest.mark.asyncio
async def test_a_transaction_whose_nonce_was_taken_is_marked_dropped(
    client: RpcClient, signer: LocalTestSigner, store: Store, anvil: AnvilNode,
    manual_mining: None,
) -> None:
    journaled = await _signed_transfer(client, signer, value=1)
    journal = TxJournal(client, store.journal)
    await journal.record(journaled, "transfer", {})
    await journal.broadcast(journaled)
    rpc(anvil.url, "anvil_dropTransaction", [journaled.tx_hash])
    other = await _signed_transfer(client, signer, nonce=journaled.nonce, value=2)
    await send_signed(client, other)
    rpc(anvil.url, "evm_mine")
    (outcome,) = await journal.reconcile()
    assert outcome.check.state is TxState.DROPPED
    entry = store.journal.journal_get(journaled.tx_hash)
    assert entry is not None
    assert entry.state == "dropped"


@pytest.mark.asyncio
async def test_speed_up_replaces_with_a_fee_bump_the_node_accepts(
    client: RpcClient, signer: LocalTestSigner, store: Store, anvil: AnvilNode,
    manual_mining: None,
) -> None:
    slow = await _signed_transfer(client, signer)
    journal = TxJournal(client, store.journal)
    await journal.record(slow, "transfer", {"n": 1})
    await journal.broadcast(slow)
    fast = await journal.speed_up(slow.tx_hash, signer)
    assert fast.nonce == slow.nonce
    assert fast.tx_hash != slow.tx_hash
    rpc(anvil.url, "evm_mine")
    states = {o.entry.tx_hash: o.check.state for o in await journal.reconcile()}
    assert states == {slow.tx_hash: TxState.DROPPED, fast.tx_hash: TxState.MINED}
    entry = store.journal.journal_get(fast.tx_hash)
    assert entry is not None
    assert entry.meta["replaces"] == slow.tx_hash


def test_bump_never_goes_below_the_market() -> None:
    old = FeeQuote(max_fee_per_gas=100, max_priority_fee_per_gas=10, base_fee=45)
    market = FeeQuote(max_fee_per_gas=1000, max_priority_fee_per_gas=5, base_fee=497)
    bumped = old.bumped(market)
    assert bumped.max_fee_per_gas == 1000
    assert bumped.max_priority_fee_per_gas == 13
    legacy = FeeQuote(gas_price=1000).bumped()
    assert legacy.gas_price == 1126


@pytest.mark.asyncio
async def test_record_waits_for_the_disk_flush_on_a_worker_thread_before_returning(
    client: RpcClient, signer: LocalTestSigner, store: Store
) -> None:
    """The send needs the entry on disk first; the window's thread must not wait for the disk."""
    loop_thread = threading.current_thread()
    calls: list[tuple[str, bool]] = []

    class WatchedBook:
        def __getattr__(self, name: str) -> Any:
            return getattr(store.journal, name)

        def journal_add(self, **fields: Any) -> None:
            calls.append(("add", threading.current_thread() is loop_thread))
            store.journal.journal_add(**fields)

        def journal_flush(self) -> None:
            calls.append(("flush", threading.current_thread() is loop_thread))
            store.journal.journal_flush()

    signed = await _signed_transfer(client, signer)
    journal = TxJournal(client, WatchedBook())  # type: ignore[arg-type]
    await journal.record(signed, "transfer", {})
    assert calls == [("add", True), ("flush", False)]
    entry = store.journal.journal_get(signed.tx_hash)
    assert entry is not None
    assert entry.state == "signed"
