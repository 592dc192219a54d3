"""Transaction building, dry runs, sending by raw bytes with a check by hash, and receipts."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from web3.exceptions import TransactionNotFound

from ogpu_desktop.chain.errors import (
    ChainError,
    NonceConflictError,
    ReceiptTimeoutError,
    RpcError,
    RpcUnreachableError,
    TransactionRevertedError,
)
from ogpu_desktop.chain.fees import FeeQuote
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.domain.signing import SignedTransaction

log = logging.getLogger(__name__)

GAS_MARGIN = 1.2  # estimates are exact for the current state; a small margin absorbs drift
SEND_ATTEMPTS = 3
RECEIPT_TIMEOUT_S = 120.0
RECEIPT_POLL_S = 0.25
_ALREADY_KNOWN = ("already known", "known transaction", "already imported")


@dataclass(frozen=True)
class ContractCall:
    """One contract call as plain data: what a preview shows and what gets signed.

    Attributes:
        action: Plain-words name of the action ("Publishing the task").
        to: Contract address.
        data: ABI-encoded call data (0x-hex).
        value: Native value sent along, in wei.
    """

    action: str
    to: str
    data: str
    value: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "to", to_checksum_address(self.to))

    def call_params(self, sender: str) -> dict[str, Any]:
        """The ``eth_call``/``eth_estimateGas`` parameters for ``sender``."""
        return {"from": sender, "to": self.to, "data": self.data, "value": self.value}


async def dry_run(client: RpcClient, call: ContractCall, sender: str) -> None:
    """Simulate ``call`` with ``eth_call`` so a revert is known before anything is signed.

    Raises:
        TransactionRevertedError: With the contract's reason when the call would revert.
    """
    await client.run(client.w3.eth.call(call.call_params(sender)), call.action)  # type: ignore[arg-type]


async def estimate_gas(client: RpcClient, call: ContractCall, sender: str) -> int:
    """Return the gas limit to use for ``call``: the node's estimate plus a margin."""
    estimate = await client.run(
        client.w3.eth.estimate_gas(call.call_params(sender)),  # type: ignore[arg-type]
        call.action,
    )
    return math.ceil(int(estimate) * GAS_MARGIN)


def build_tx(
    call: ContractCall, *, sender: str, nonce: int, gas: int, fees: FeeQuote, chain_id: int
) -> dict[str, Any]:
    """Return the complete unsigned transaction dict (no field left for web3 to fill)."""
    tx: dict[str, Any] = {
        "from": sender,
        "to": call.to,
        "data": call.data,
        "value": call.value,
        "nonce": nonce,
        "gas": gas,
        "chainId": chain_id,
    }
    tx.update(fees.tx_fields())
    return tx


async def next_nonce(client: RpcClient, sender: str) -> int:
    """The next nonce for ``sender``, counting transactions still waiting in the node's pool."""
    return int(
        await client.run(
            client.w3.eth.get_transaction_count(sender, "pending"),  # type: ignore[arg-type]
            "Reading the account's next transaction number",
        )
    )


async def send_signed(client: RpcClient, signed: SignedTransaction) -> None:
    """Broadcast ``signed`` so that a lost answer never turns into a second transaction.

    Sends the same raw bytes up to :data:`SEND_ATTEMPTS` times; after any transport failure it
    first asks the node for the transaction by hash and stops as soon as the node knows it. The
    nonce is never changed here: a different transaction is never created.

    Raises:
        NonceConflictError: When the nonce was used by another transaction.
        RpcUnreachableError: When the node could not be reached after every attempt; the
            transaction may or may not be known to it, and stays in the journal as pending.
        ChainError: For other refusals (insufficient funds, underpriced...).
    """
    last_error: ChainError | None = None
    for attempt in range(SEND_ATTEMPTS):
        if attempt and await transaction_known(client, signed.tx_hash):
            return
        try:
            await client.run(
                client.w3.eth.send_raw_transaction(HexBytes(signed.raw)),
                "Sending the transaction",
            )
            return
        except RpcUnreachableError as exc:
            log.warning("send tx=%s failed (%s); checking by hash", signed.tx_hash, exc.reason)
            last_error = exc
            await asyncio.sleep(0.5 * 2**attempt)
        except NonceConflictError:
            # The nonce is used: by this very transaction (sent earlier) or by another one.
            if await transaction_known(client, signed.tx_hash):
                return
            raise
        except RpcError as exc:
            if any(marker in exc.message.lower() for marker in _ALREADY_KNOWN):
                return
            raise
    if await transaction_known(client, signed.tx_hash):
        return
    assert last_error is not None
    raise last_error


async def transaction_known(client: RpcClient, tx_hash: str) -> bool:
    """True when the node has ``tx_hash`` in its pool or in a block. False on errors too."""
    try:
        tx = await client.run(
            client.w3.eth.get_transaction(tx_hash),  # type: ignore[arg-type]
            "Looking up the transaction",
        )
    except (RpcError, RpcUnreachableError):
        return False
    return tx is not None


async def get_receipt(client: RpcClient, tx_hash: str) -> Mapping[str, Any] | None:
    """Return the receipt of a mined transaction, or ``None`` while it is not mined."""
    try:
        receipt = await client.run(
            client.w3.eth.get_transaction_receipt(tx_hash),  # type: ignore[arg-type]
            "Reading the transaction receipt",
        )
    except RpcError as exc:
        if isinstance(exc.__cause__, TransactionNotFound):
            return None
        raise
    return receipt


async def mined_receipts(
    client: RpcClient, tx_hashes: Sequence[str], *, batch: int = 100
) -> dict[str, Mapping[str, Any]]:
    """The receipts of transactions mined already, read with batched requests (100 per batch).

    A best effort that saves a round trip per transaction: a batch that fails for any reason
    (one transaction not mined yet, a refused batch) contributes nothing, and the caller waits
    for those receipts one by one.
    """
    receipts: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(tx_hashes), batch):
        part = tx_hashes[start : start + batch]
        try:
            async with client.w3.batch_requests() as requests:
                for tx_hash in part:
                    requests.add(client.w3.eth.get_transaction_receipt(tx_hash))  # type: ignore[arg-type]
                answers = await client.run(requests.async_execute(), "Reading the receipts")
        except ChainError as exc:
            log.info("batched receipt read of %d left to single reads: %s", len(part),
                     exc.message)
            continue
        for tx_hash, receipt in zip(part, answers, strict=True):
            if isinstance(receipt, Mapping):
                receipts[tx_hash] = receipt
    return receipts


async def wait_for_receipt(
    client: RpcClient, tx_hash: str, *, timeout: float = RECEIPT_TIMEOUT_S
) -> Mapping[str, Any]:
    """Poll for the receipt of ``tx_hash``; transient RPC failures are retried until timeout.

    Raises:
        ReceiptTimeoutError: When no receipt arrived in ``timeout`` seconds (it may still come).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            receipt = await get_receipt(client, tx_hash)
        except RpcUnreachableError:
            receipt = None
        if receipt is not None:
            return receipt
        if loop.time() >= deadline:
            raise ReceiptTimeoutError(tx_hash, timeout)
        await asyncio.sleep(RECEIPT_POLL_S)


def require_success(receipt: Mapping[str, Any], action: str) -> None:
    """Raise when a mined receipt says the transaction reverted."""
    if int(receipt.get("status", 0)) != 1:
        raise TransactionRevertedError(action, "the transaction was mined but reverted")


class TxState(StrEnum):
    """Where a journaled transaction stands on chain."""

    MINED = "mined"
    PENDING = "pending"
    DROPPED = "dropped"
    UNKNOWN = "unknown"  # not seen by the node, nonce still free: re-broadcast the same bytes


@dataclass(frozen=True)
class TxCheck:
    """The result of checking one transaction against the chain."""

    state: TxState
    receipt: Mapping[str, Any] | None = None


async def check_transaction(client: RpcClient, tx_hash: str, sender: str, nonce: int) -> TxCheck:
    """Find out whether ``tx_hash`` is mined, pending, dropped, or unknown to the node."""
    receipt = await get_receipt(client, tx_hash)
    if receipt is not None:
        return TxCheck(TxState.MINED, receipt)
    if await transaction_known(client, tx_hash):
        return TxCheck(TxState.PENDING)
    mined_count = int(
        await client.run(
            client.w3.eth.get_transaction_count(sender, "latest"),  # type: ignore[arg-type]
            "Reading the account's transaction count",
        )
    )
    if mined_count > nonce:
        # Check again: it may have been mined between the two reads.
        receipt = await get_receipt(client, tx_hash)
        if receipt is not None:
            return TxCheck(TxState.MINED, receipt)
        return TxCheck(TxState.DROPPED)
    return TxCheck(TxState.UNKNOWN)


__all__ = [
    "ContractCall",
    "NonceConflictError",
    "TxCheck",
    "TxState",
    "build_tx",
    "check_transaction",
    "dry_run",
    "estimate_gas",
    "get_receipt",
    "mined_receipts",
    "next_nonce",
    "require_success",
    "send_signed",
    "transaction_known",
    "wait_for_receipt",
]
