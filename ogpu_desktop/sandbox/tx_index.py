"""eth-tester's py-evm backend with transactions found by hash through an index, not a scan."""

from __future__ import annotations

from typing import Any

from eth_tester import PyEVMBackend
from eth_tester.backends.pyevm.serializers import (
    serialize_transaction,
    serialize_transaction_receipt,
)
from eth_tester.exceptions import TransactionNotFound
from eth_utils.hexadecimal import encode_hex


class IndexedPyEVMBackend(PyEVMBackend):  # type: ignore[misc]
    """A ``PyEVMBackend`` whose transaction and receipt look-ups cost one block read.

    eth-tester finds a transaction by decoding every block from the head down to the one that
    holds it, and all of them for a hash it does not know. A receipt asked for a hundred blocks
    after its transaction (a batch publish while a provider answers) then costs a hundred block
    decodes, and an unknown hash the whole chain, all of it under the node's lock. Here each
    mined block's transaction hashes are noted once (lazily, the first time a look-up needs a
    block not noted yet), so a look-up reads only the pending block and the one block the index
    names. Answers are serialised by eth-tester's own functions, so they are the same as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._block_of: dict[bytes, int] = {}
        self._noted_height = -1
        self._noted_hash = b""

    def forget_above(self, height: int) -> None:
        """Drop what was noted about blocks above ``height`` (the chain went back to it)."""
        self._block_of = {h: n for h, n in self._block_of.items() if n <= height}
        if height < self._noted_height:
            self._noted_height = height
            self._noted_hash = (
                self.chain.chaindb.get_canonical_block_hash(height) if height >= 0 else b""
            )

    def get_transaction_by_hash(self, transaction_hash: bytes) -> Any:
        """The transaction (pending or mined) with this hash, as eth-tester serialises it."""
        block, transaction, index, pending = self._locate(transaction_hash)
        return serialize_transaction(block, transaction, index, pending)

    def get_transaction_receipt(self, transaction_hash: bytes) -> Any:
        """The receipt of the transaction with this hash, as eth-tester serialises it."""
        block, transaction, index, pending = self._locate(transaction_hash)
        receipts = block.get_receipts(self.chain.chaindb)
        return serialize_transaction_receipt(
            block, receipts, transaction, index, pending, self.chain.get_vm()
        )

    def _locate(self, transaction_hash: bytes) -> tuple[Any, Any, int, bool]:
        pending = self.chain.get_block()
        for index, transaction in enumerate(pending.transactions):
            if transaction.hash == transaction_hash:
                return pending, transaction, index, True
        self._note_new_blocks(pending.number - 1)
        number = self._block_of.get(transaction_hash)
        if number is not None and number < pending.number:
            block = self.chain.get_canonical_block_by_number(number)
            for index, transaction in enumerate(block.transactions):
                if transaction.hash == transaction_hash:
                    return block, transaction, index, False
        raise TransactionNotFound(
            f"No transaction found for transaction hash: {encode_hex(transaction_hash)}"
        )

    def _note_new_blocks(self, head: int) -> None:
        chaindb = self.chain.chaindb
        if self._noted_height >= 0 and (
            self._noted_height > head
            or chaindb.get_canonical_block_hash(self._noted_height) != self._noted_hash
        ):
            # The chain was rewound without a word (only ``forget_above`` says so): start over.
            self._block_of.clear()
            self._noted_height = -1
        for number in range(self._noted_height + 1, head + 1):
            block = self.chain.get_canonical_block_by_number(number)
            for transaction in block.transactions:
                self._block_of[transaction.hash] = number
            self._noted_height, self._noted_hash = number, block.hash
