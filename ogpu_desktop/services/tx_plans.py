"""A transaction planned before it is signed: what it does, its fee and total, balances checked.

Every transaction the app signs for the user (deposit, withdraw, cancel, confirm) is first
planned: simulated, its gas and fees quoted, and the wallet's balance checked, so a confirm
dialog can show the fee and the total and the errors a user can meet are said in plain words
with the numbers that matter. Executing signs exactly what the plan showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ogpu_desktop.chain.errors import (
    ChainError,
    InsufficientFundsError,
    NonceConflictError,
    ReplacementUnderpricedError,
    RpcError,
    TransactionRevertedError,
)
from ogpu_desktop.chain.fees import quote_fees
from ogpu_desktop.chain.transactions import ContractCall, dry_run, estimate_gas, require_success
from ogpu_desktop.domain.money_words import wallet_shortfall
from ogpu_desktop.domain.signing import TransactionSigner
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.tx_runner import CallQuote, quote_call, sign_and_record

GUESS_GAS = 100_000
"""Gas assumed for a message when the node cannot estimate a call the wallet cannot pay."""
NOTHING_SIGNED = "Nothing was signed, and no fee was charged."
NONCE_TAKEN = (
    "Another transaction from this account took this one's place (sent from elsewhere at the "
    "same moment). This one was not sent and costs nothing: try again."
)
UNDERPRICED = (
    "An earlier transaction from this account is still waiting to be confirmed, and the network "
    "wants a higher fee to let this one replace it. Wait until the earlier one is confirmed, then "
    "try again."
)


class NotEnoughFundsError(ValidationError):
    """The wallet or the vault cannot pay; the message says how much there is and is needed."""

    def __init__(self, message: str, field_name: str | None = "amount") -> None:
        super().__init__(message, field_name)


@dataclass(frozen=True)
class TxPlan:
    """One transaction ready to be confirmed and signed; nothing is signed yet.

    Attributes:
        kind: ``deposit``, ``withdraw``, ``cancel`` or ``confirm`` (the journal's kind).
        title: A window title ("Deposit into the vault").
        summary: What happens, in one or two plain sentences, with the amounts.
        what: The transaction in a few words for messages ("this deposit").
        sender: The account that signs.
        quote: The simulated call with the gas and fee fields that will be signed.
        wallet_balance_wei: The wallet's balance when planned.
        wallet_gain_wei: What the transaction brings into the wallet (a withdrawal's amount).
        meta: Kept in the journal with the signed transaction.
    """

    kind: str
    title: str
    summary: str
    what: str
    network_name: str
    chain_id: int
    symbol: str
    sender: str
    quote: CallQuote
    wallet_balance_wei: int
    wallet_gain_wei: int = 0
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def value_wei(self) -> int:
        """What the transaction sends from the wallet besides the fee."""
        return self.quote.call.value

    @property
    def likely_fee_wei(self) -> int:
        """The network fee to expect at current prices."""
        return self.quote.likely_fee_wei

    @property
    def max_fee_wei(self) -> int:
        """The most the network fee can be (the wallet must hold it when signing)."""
        return self.quote.max_fee_wei

    @property
    def likely_total_wei(self) -> int:
        """What leaves the wallet: the value sent plus the fee to expect."""
        return self.value_wei + self.likely_fee_wei

    @property
    def max_total_wei(self) -> int:
        """The most that can leave the wallet."""
        return self.value_wei + self.max_fee_wei

    @property
    def wallet_after_wei(self) -> int:
        """The wallet's balance to expect once the transaction is mined."""
        return self.wallet_balance_wei - self.likely_total_wei + self.wallet_gain_wei


async def wallet_balance(session: ChainSession, account: str) -> int:
    """The native balance of ``account`` (what pays fees and deposits)."""
    client = session.client
    return int(
        await client.run(
            client.w3.eth.get_balance(account),  # type: ignore[arg-type]
            "Reading the wallet balance",
        )
    )


def _shortfall(
    session: ChainSession, what: str, have: int, quote: CallQuote
) -> NotEnoughFundsError:
    return NotEnoughFundsError(wallet_shortfall(
        what=what, have_wei=have, amount_wei=quote.call.value,
        likely_fee_wei=quote.likely_fee_wei, max_fee_wei=quote.max_fee_wei,
        symbol=session.network.symbol,
    ))


async def _guess_quote(session: ChainSession, call: ContractCall, sender: str) -> CallQuote:
    """A quote for a call whose value the wallet cannot send (the node refuses to simulate it).

    The gas is estimated with a value of one wei, which takes the same path; if even that
    fails, a typical figure is assumed. It only serves to say how much the fee would be.
    """
    fees = await quote_fees(session.client)
    try:
        gas = await estimate_gas(session.client, replace(call, value=min(call.value, 1)), sender)
    except ChainError:
        gas = GUESS_GAS
    return CallQuote(call, gas, fees)


async def plan_call(
    session: ChainSession,
    call: ContractCall,
    sender: str,
    *,
    kind: str,
    title: str,
    summary: str,
    what: str,
    meta: Mapping[str, Any],
    wallet_gain_wei: int = 0,
) -> TxPlan:
    """Simulate ``call`` from ``sender``, quote its fee, and check the wallet can pay it all.

    Raises:
        NotEnoughFundsError: The wallet holds less than the value plus the most the fee can be.
        ChainError: The contract would refuse the call (with its reason), or the network could
            not work out the fee; nothing was signed either way.
    """
    have = await wallet_balance(session, sender)
    if call.value > have:
        raise _shortfall(session, what, have, await _guess_quote(session, call, sender))
    try:
        quote = await quote_call(session, call, sender)
    except TransactionRevertedError as exc:
        raise ChainError(f"{exc.message.rstrip('.')}. {NOTHING_SIGNED}") from exc
    except InsufficientFundsError as exc:
        raise _shortfall(session, what, have, await _guess_quote(session, call, sender)) from exc
    except RpcError as exc:
        raise ChainError(
            f"The network could not work out the fee for {what}: {exc.message.rstrip('.')}. "
            f"{NOTHING_SIGNED}"
        ) from exc
    if have < call.value + quote.max_fee_wei:
        raise _shortfall(session, what, have, quote)
    return TxPlan(
        kind=kind, title=title, summary=summary, what=what,
        network_name=session.network.name, chain_id=session.chain_id,
        symbol=session.network.symbol, sender=sender, quote=quote, wallet_balance_wei=have,
        wallet_gain_wei=wallet_gain_wei, meta=dict(meta),
    )


async def execute_plan(
    session: ChainSession,
    plan: TxPlan,
    signer: TransactionSigner,
    *,
    receipt_timeout: float = 120.0,
) -> Mapping[str, Any]:
    """Sign exactly what ``plan`` showed, send it, and wait for its receipt.

    The balance and the simulation are checked again first: the chain may have moved while
    the user read the plan.

    Raises:
        ValidationError: The plan is for another account or network.
        NotEnoughFundsError: The wallet no longer holds enough.
        ChainError: The contract now refuses the call, the node refused the transaction
            (said in plain words), or it was mined but reverted.
    """
    if plan.chain_id != session.chain_id:
        raise ValidationError("This was prepared on another network; start again.")
    if signer.address.lower() != plan.sender.lower():
        raise ValidationError("This was prepared for another account; start again.")
    call = plan.quote.call
    have = await wallet_balance(session, plan.sender)
    if have < plan.max_total_wei:
        raise _shortfall(session, plan.what, have, plan.quote)
    try:
        await dry_run(session.client, call, plan.sender)
    except TransactionRevertedError as exc:
        raise ChainError(f"{exc.message.rstrip('.')}. {NOTHING_SIGNED}") from exc
    try:
        async with session.send_lock:
            signed = await sign_and_record(session, signer, plan.quote, kind=plan.kind,
                                           meta=plan.meta)
            await session.journal.broadcast(signed)
    except InsufficientFundsError as exc:
        have = await wallet_balance(session, plan.sender)
        raise _shortfall(session, plan.what, have, plan.quote) from exc
    except NonceConflictError as exc:
        raise ChainError(NONCE_TAKEN) from exc
    except ReplacementUnderpricedError as exc:
        raise ChainError(UNDERPRICED) from exc
    receipt = await session.journal.settle(signed.tx_hash, timeout=receipt_timeout)
    try:
        require_success(receipt, call.action)
    except TransactionRevertedError as exc:
        raise ChainError(
            f"{exc.message.rstrip('.')}. The network fee for it was charged (transaction "
            f"{signed.tx_hash})."
        ) from exc
    return receipt
