"""The pending-transaction journal logic: record before sending, reconcile on start, speed up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ogpu_desktop.chain.errors import ChainError, NonceConflictError, RpcUnreachableError
from ogpu_desktop.chain.fees import FeeQuote, quote_fees
from ogpu_desktop.chain.rpc import RpcClient
from ogpu_desktop.chain.transactions import (
    TxCheck,
    TxState,
    check_transaction,
    send_signed,
    wait_for_receipt,
)
from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner

log = logging.getLogger(__name__)


class JournalRecord(Protocol):
    """What the journal keeps about one signed transaction."""

    @property
    def tx_hash(self) -> str: ...
    @property
    def raw(self) -> bytes: ...
    @property
    def sender(self) -> str: ...
    @property
    def nonce(self) -> int: ...
    @property
    def chain_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def meta(self) -> Mapping[str, Any]: ...
    @property
    def state(self) -> str: ...


class JournalBook(Protocol):
    """Durable storage of journal entries (implemented by the store)."""

    def journal_add(
        self,
        *,
        tx_hash: str,
        raw: bytes,
        sender: str,
        nonce: int,
        chain_id: int,
        kind: str,
        meta: Mapping[str, Any],
    ) -> None: ...

    def journal_flush(self) -> None:
        """Put every entry added so far on the disk; blocking, called from a worker thread."""
        ...

    def journal_set_state(
        self, tx_hash: str, state: str, *, block_number: int | None = None, note: str | None = None
    ) -> None: ...

    def journal_open(self, chain_id: int) -> Sequence[JournalRecord]: ...

    def journal_get(self, tx_hash: str) -> JournalRecord | None: ...


@dataclass(frozen=True)
class Reconciled:
    """What reconciliation found for one journal entry."""

    entry: JournalRecord
    check: TxCheck
    rebroadcast: bool = False


MinedHook = Callable[[JournalRecord, Mapping[str, Any]], Awaitable[None]]


class TxJournal:
    """Sends transactions through the journal and reconciles it with the chain.

    Persistence is behind :class:`JournalBook` (the store implements it), so this module decides
    *what* to record and *when*, and never how.

    Args:
        client: Connection to the network.
        book: Where entries are stored.
    """

    def __init__(self, client: RpcClient, book: JournalBook) -> None:
        self.client = client
        self.book = book
        # Hashes whose receipt a caller is waiting for right now (see settle).
        self.awaiting: set[str] = set()

    async def record(self, signed: SignedTransaction, kind: str, meta: Mapping[str, Any]) -> None:
        """Write a signed transaction to the journal and wait until it is on disk.

        Must be done before the first send. The entry is committed on the calling thread (well
        under a millisecond) and flushed to disk on a worker thread: the flush can take
        hundreds of milliseconds, which the window's thread does not wait for. Cancelled
        while it flushes, the entry stays committed and unsent, as after a crash at that
        point (the reconciliation checks it by hash).
        """
        self.book.journal_add(
            tx_hash=signed.tx_hash,
            raw=signed.raw,
            sender=signed.sender,
            nonce=signed.nonce,
            chain_id=signed.chain_id,
            kind=kind,
            meta=meta,
        )
        await asyncio.get_running_loop().run_in_executor(None, self.book.journal_flush)

    async def broadcast(self, signed: SignedTransaction, *, claim: bool = True) -> None:
        """Send an already-journaled transaction and mark it ``sent`` (see ``send_signed``).

        A transport failure leaves the entry as it is: it is re-checked by hash later.

        Args:
            claim: The caller waits for the receipt with :meth:`settle`: once sent, the hash is
                in :attr:`awaiting` until then, so nobody else follows it meanwhile.
        """
        try:
            await send_signed(self.client, signed)
        except NonceConflictError as exc:
            self.book.journal_set_state(signed.tx_hash, "dropped", note=exc.message)
            raise
        except RpcUnreachableError:
            raise
        except ChainError as exc:
            # A refusal (insufficient funds, underpriced...): the node did not take it.
            self.book.journal_set_state(signed.tx_hash, "failed", note=exc.message)
            raise
        self.book.journal_set_state(signed.tx_hash, "sent")
        if claim:
            self.awaiting.add(signed.tx_hash)

    async def settle(
        self, tx_hash: str, *, timeout: float = 120.0
    ) -> Mapping[str, Any]:
        """Wait for the receipt and mark the entry ``mined`` or ``failed`` (reverted).

        While it waits, the hash is in :attr:`awaiting`: whoever follows the other open entries
        in the background leaves this one to its caller.

        Raises:
            ReceiptTimeoutError: When no receipt arrives in time (the entry stays open).
        """
        self.awaiting.add(tx_hash)
        try:
            receipt = await wait_for_receipt(self.client, tx_hash, timeout=timeout)
        finally:
            self.awaiting.discard(tx_hash)
        self.mark_mined(tx_hash, receipt)
        return receipt

    def mark_mined(self, tx_hash: str, receipt: Mapping[str, Any]) -> None:
        """Record the outcome of a mined transaction."""
        ok = int(receipt.get("status", 0)) == 1
        self.book.journal_set_state(
            tx_hash,
            "mined" if ok else "failed",
            block_number=int(receipt["blockNumber"]),
            note=None if ok else "mined but reverted",
        )

    async def submit(
        self,
        signed: SignedTransaction,
        kind: str,
        meta: Mapping[str, Any],
        *,
        timeout: float = 120.0,
    ) -> Mapping[str, Any]:
        """Record, send and wait: the whole life of one transaction."""
        await self.record(signed, kind, meta)
        await self.broadcast(signed)
        return await self.settle(signed.tx_hash, timeout=timeout)

    async def reconcile(self, on_mined: MinedHook | None = None) -> list[Reconciled]:
        """Check every open entry against the chain.

        Mined -> marked (and ``on_mined`` called, e.g. to record the task); pending -> the same
        raw bytes are broadcast again; unknown to the node with its nonce still free -> the same
        bytes are broadcast again; nonce used by another transaction -> marked dropped.
        Nothing new is ever signed here, and nothing is cancelled.
        """
        outcomes: list[Reconciled] = []
        for entry in self.book.journal_open(self.client.network.chain_id):
            check = await check_transaction(self.client, entry.tx_hash, entry.sender, entry.nonce)
            rebroadcast = False
            if check.state is TxState.MINED and check.receipt is not None:
                self.mark_mined(entry.tx_hash, check.receipt)
                if on_mined is not None and int(check.receipt.get("status", 0)) == 1:
                    await on_mined(entry, check.receipt)
            elif check.state is TxState.DROPPED:
                self.book.journal_set_state(
                    entry.tx_hash, "dropped", note="another transaction used its nonce"
                )
            else:
                rebroadcast = await self._rebroadcast(entry)
            outcomes.append(Reconciled(entry, check, rebroadcast))
        return outcomes

    async def _rebroadcast(self, entry: JournalRecord) -> bool:
        try:
            await self.rebroadcast(entry)
        except ChainError as exc:
            log.warning("re-broadcast of tx=%s failed: %s", entry.tx_hash, exc.message)
            return False
        return True

    async def rebroadcast(self, entry: JournalRecord) -> None:
        """Send the journaled signed bytes of ``entry`` again, unchanged (see :meth:`broadcast`).

        Nobody waits for its receipt here: it is left to whoever follows the open entries.

        Raises:
            ChainError: The node refused them or could not be reached.
        """
        await self.broadcast(
            SignedTransaction(
                raw=entry.raw,
                tx_hash=entry.tx_hash,
                sender=entry.sender,
                nonce=entry.nonce,
                chain_id=entry.chain_id,
            ),
            claim=False,
        )

    async def speed_up(self, tx_hash: str, signer: TransactionSigner) -> SignedTransaction:
        """Replace a pending transaction with the same one at a higher fee (same nonce).

        Only the user asks for this. The replacement is journaled like any transaction, with
        the same kind and meta, so whichever of the two is mined gets recorded.

        Raises:
            ChainError: When the transaction is no longer pending or the node refuses the bump.
        """
        entry = self.book.journal_get(tx_hash)
        if entry is None:
            raise ChainError("This transaction is not in the journal.")
        check = await check_transaction(self.client, tx_hash, entry.sender, entry.nonce)
        if check.state is not TxState.PENDING:
            raise ChainError(f"This transaction is no longer waiting (it is {check.state}).")
        original = await self.client.run(
            self.client.w3.eth.get_transaction(tx_hash),  # type: ignore[arg-type]
            "Reading the pending transaction",
        )
        old = _quote_of(original)
        market = await quote_fees(self.client)
        if old.is_eip1559 != market.is_eip1559:
            market = None  # type: ignore[assignment]
        fees = old.bumped(market)
        tx: dict[str, Any] = {
            "from": entry.sender,
            "to": original["to"],
            "data": "0x" + bytes(original["input"]).hex(),
            "value": int(original["value"]),
            "nonce": entry.nonce,
            "gas": int(original["gas"]),
            "chainId": entry.chain_id,
        }
        tx.update(fees.tx_fields())
        signed = await signer.sign_transaction(tx)
        meta = dict(entry.meta)
        meta["replaces"] = tx_hash
        await self.record(signed, entry.kind, meta)
        await self.broadcast(signed, claim=False)
        return signed


def _quote_of(tx: Mapping[str, Any]) -> FeeQuote:
    if tx.get("maxFeePerGas") is not None:
        return FeeQuote(
            max_fee_per_gas=int(tx["maxFeePerGas"]),
            max_priority_fee_per_gas=int(tx["maxPriorityFeePerGas"]),
        )
    return FeeQuote(gas_price=int(tx["gasPrice"]))
