"""Run one contract call as a transaction: dry run, fees, nonce, sign, journal, send, receipt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.chain.errors import InsufficientFundsError
from ogpu_desktop.chain.fees import FeeQuote, quote_fees
from ogpu_desktop.chain.transactions import (
    ContractCall,
    build_tx,
    dry_run,
    estimate_gas,
    next_nonce,
    require_success,
)
from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner
from ogpu_desktop.services.session import ChainSession


@dataclass(frozen=True)
class CallQuote:
    """A simulated call with its gas and fee: what a confirm dialog shows before signing."""

    call: ContractCall
    gas: int
    fees: FeeQuote

    @property
    def max_fee_wei(self) -> int:
        """The most the network fee can be."""
        return self.gas * self.fees.price_cap

    @property
    def likely_fee_wei(self) -> int:
        """The network fee to expect at current prices."""
        return self.gas * self.fees.likely_price


async def quote_call(session: ChainSession, call: ContractCall, sender: str) -> CallQuote:
    """Dry-run ``call`` (revert reasons surface here) and estimate its gas and fees.

    Raises:
        TransactionRevertedError: The contract would refuse the call; nothing was signed.
    """
    await dry_run(session.client, call, sender)
    gas = await estimate_gas(session.client, call, sender)
    fees = await quote_fees(session.client)
    return CallQuote(call, gas, fees)


async def check_native_funds(session: ChainSession, sender: str, needed_wei: int) -> int:
    """Return the wallet balance, raising when it cannot cover ``needed_wei``."""
    balance = int(
        await session.client.run(
            session.client.w3.eth.get_balance(sender),  # type: ignore[arg-type]
            "Reading the wallet balance",
        )
    )
    if balance < needed_wei:
        symbol = session.network.symbol
        raise InsufficientFundsError(
            f"The wallet holds {format_amount(balance, symbol)} but this needs up to "
            f"{format_amount(needed_wei, symbol)} (amount plus network fee). Add funds first."
        )
    return balance


async def sign_and_record(
    session: ChainSession,
    signer: TransactionSigner,
    quote: CallQuote,
    *,
    kind: str,
    meta: Mapping[str, Any],
    nonce: int | None = None,
) -> SignedTransaction:
    """Sign ``quote.call`` and write it to the journal; it is not sent yet.

    The caller must hold ``session.send_lock`` until the broadcast, so nonces stay unique.

    Raises:
        ChainReplacedError: The chain was replaced since the history's run began (a
            restarted Sandbox): nothing is signed for a chain the user did not review.
    """
    await session.check_run()
    n = nonce if nonce is not None else await next_nonce(session.client, signer.address)
    tx = build_tx(
        quote.call,
        sender=signer.address,
        nonce=n,
        gas=quote.gas,
        fees=quote.fees,
        chain_id=session.chain_id,
    )
    signed = await signer.sign_transaction(tx)
    await session.journal.record(signed, kind, meta)
    return signed


async def transact(
    session: ChainSession,
    signer: TransactionSigner,
    call: ContractCall,
    *,
    kind: str,
    meta: Mapping[str, Any] | None = None,
    receipt_timeout: float = 120.0,
) -> Mapping[str, Any]:
    """Dry-run, sign, journal, send and wait for one call; raise if it reverts."""
    quote = await quote_call(session, call, signer.address)
    await check_native_funds(session, signer.address, call.value + quote.max_fee_wei)
    async with session.send_lock:
        signed = await sign_and_record(session, signer, quote, kind=kind, meta=meta or {})
        await session.journal.broadcast(signed)
    receipt = await session.journal.settle(signed.tx_hash, timeout=receipt_timeout)
    require_success(receipt, call.action)
    return receipt
