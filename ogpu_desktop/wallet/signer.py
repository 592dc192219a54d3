"""Signs transactions with a key fetched from the key store for that one call."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

from eth_account import Account

from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner
from ogpu_desktop.wallet.errors import WalletError, WrongChainError
from ogpu_desktop.wallet.key_store import KeyStore

_log = logging.getLogger(__name__)
_LONG_HEX = re.compile(r"(0x)?[0-9a-fA-F]{64,}")


class KeychainSigner:
    """A :class:`~ogpu_desktop.domain.signing.TransactionSigner` for one account on one chain.

    The signer holds the address and chain ID only. Each :meth:`sign_transaction` reads the key
    from the key store in an executor thread (keychain calls block and may show a prompt),
    signs, and drops the key before returning.

    Args:
        keystore: Where the account's key is (the OS keychain, or the session-only store).
        address: Checksummed address of the account.
        chain_id: Chain ID of the connected network; transactions for any other are refused.
    """

    __slots__ = ("_address", "_chain_id", "_keystore")

    def __init__(self, keystore: KeyStore, address: str, chain_id: int) -> None:
        self._keystore = keystore
        self._address = address
        self._chain_id = chain_id

    def __repr__(self) -> str:
        return f"KeychainSigner(address={self._address!r}, chain_id={self._chain_id})"

    @property
    def address(self) -> str:
        """Checksummed address of the account that signs."""
        return self._address

    @property
    def chain_id(self) -> int:
        """The chain ID this signer signs for."""
        return self._chain_id

    async def sign_transaction(self, tx: Mapping[str, Any]) -> SignedTransaction:
        """Sign ``tx`` for this signer's chain and return the raw bytes and hash.

        Raises:
            WrongChainError: When ``tx["chainId"]`` is missing or names another chain.
            WalletError: When ``tx`` names another sender or cannot be signed.
            KeychainUnavailableError: When the key cannot be read from the keychain.
        """
        self._check_chain(tx.get("chainId"))
        sender = tx.get("from")
        if sender is not None and str(sender).lower() != self._address.lower():
            raise WalletError(
                f"This transaction is from {sender}, but the signing account is {self._address}. "
                "Nothing was signed."
            )
        nonce = _as_int(tx.get("nonce"))
        if nonce is None or nonce < 0:
            raise WalletError("The transaction has no valid nonce; nothing was signed.")
        unsigned = {k: v for k, v in tx.items() if k != "from"}
        loop = asyncio.get_running_loop()
        signed = await loop.run_in_executor(None, self._sign_blocking, unsigned, nonce)
        _log.debug(
            "Signed a transaction from %s nonce=%d chain=%d hash=%s",
            signed.sender,
            signed.nonce,
            signed.chain_id,
            signed.tx_hash,
        )
        return signed

    def _check_chain(self, value: object) -> None:
        if value is None:
            raise WrongChainError(
                f"The transaction names no chain ID, so it could be replayed on another network: "
                f"expected {self._chain_id}, transaction is for no chain. Nothing was signed."
            )
        chain = _as_int(value)
        if chain != self._chain_id:
            raise WrongChainError(
                "This transaction is for a different network than the connected one: "
                f"expected {self._chain_id}, transaction is for {value}. Nothing was signed."
            )

    def _sign_blocking(self, tx: dict[str, Any], nonce: int) -> SignedTransaction:
        key = self._keystore.get_key(self._address)
        problem: str | None = None
        try:
            account = Account.from_key(key)
            if account.address != self._address:
                problem = (
                    f"The keychain holds a different key under {self._address}; nothing was "
                    "signed. Import the account again from its backup."
                )
            else:
                signed = account.sign_transaction(tx)
            del account
        except Exception as exc:  # eth-account raises many types for bad fields
            problem = f"The transaction could not be signed: {_safe_reason(exc)}."
            del exc
        finally:
            del key
        if problem is not None:
            raise WalletError(problem) from None
        return SignedTransaction(
            raw=bytes(signed.raw_transaction),
            tx_hash="0x" + bytes(signed.hash).hex(),
            sender=self._address,
            nonce=nonce,
            chain_id=self._chain_id,
        )


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            return None
    return None


def _safe_reason(exc: BaseException) -> str:
    """The exception's text, without anything long and hex-shaped (which could be key material)."""
    text = _LONG_HEX.sub("<hex>", str(exc))[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _satisfies_protocol(signer: KeychainSigner) -> TransactionSigner:
    # Checked by mypy: KeychainSigner implements the chain layer's signing protocol.
    return signer
