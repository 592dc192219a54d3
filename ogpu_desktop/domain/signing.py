"""The signing interface between the chain layer and the wallet.

The chain layer builds transactions and asks a :class:`TransactionSigner` for the signed bytes;
it never sees a key. The wallet implements the protocol structurally, without importing ``chain``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SignedTransaction:
    """A signed transaction, ready for ``eth_sendRawTransaction``.

    Attributes:
        raw: The RLP-encoded signed transaction.
        tx_hash: Its hash, ``0x``-prefixed lowercase hex, known before anything is sent.
        sender: Checksummed address that signed it.
        nonce: The nonce inside it.
        chain_id: The EIP-155 chain ID it is valid on.
    """

    raw: bytes
    tx_hash: str
    sender: str
    nonce: int
    chain_id: int


class TransactionSigner(Protocol):
    """Something that can sign transactions for one account on one chain."""

    @property
    def address(self) -> str:
        """Checksummed address of the account that signs."""
        ...

    async def sign_transaction(self, tx: Mapping[str, Any]) -> SignedTransaction:
        """Sign ``tx`` (a complete transaction dict including ``chainId``) and return it.

        Raises:
            ogpu_desktop.errors.UserFacingError: When the key cannot be read from the keychain,
                or ``tx["chainId"]`` is not the chain the signer was made for.
        """
        ...
