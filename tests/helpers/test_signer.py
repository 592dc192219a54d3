"""A TransactionSigner over an in-memory eth_account key, for tests only (real signatures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ogpu_desktop.domain.signing import SignedTransaction
from ogpu_desktop.errors import UserFacingError


class LocalTestSigner:
    """Signs with a throw-away LocalAccount; the real app signs through ogpu_desktop.wallet."""

    def __init__(self, account: LocalAccount, chain_id: int) -> None:
        self._account = account
        self._chain_id = chain_id
        self.signed_count = 0

    @classmethod
    def random(cls, chain_id: int) -> LocalTestSigner:
        """A signer over a freshly generated key."""
        return cls(Account.create(), chain_id)

    @property
    def address(self) -> str:
        return str(self._account.address)

    async def sign_transaction(self, tx: Mapping[str, Any]) -> SignedTransaction:
        if int(tx["chainId"]) != self._chain_id:
            raise UserFacingError(
                f"This wallet signs for chain {self._chain_id}, not {tx['chainId']}."
            )
        fields = {k: v for k, v in tx.items() if k != "from"}
        signed = self._account.sign_transaction(fields)
        self.signed_count += 1
        return SignedTransaction(
            raw=bytes(signed.raw_transaction),
            tx_hash="0x" + bytes(signed.hash).hex(),
            sender=self.address,
            nonce=int(tx["nonce"]),
            chain_id=self._chain_id,
        )
