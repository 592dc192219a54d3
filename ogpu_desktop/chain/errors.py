"""Typed, plain-words errors raised by the chain layer (all are UserFacingError)."""

from __future__ import annotations

from ogpu_desktop.errors import UserFacingError


class ChainError(UserFacingError):
    """Something went wrong talking to the network; the message says what, in plain words."""


class RpcUnreachableError(ChainError):
    """The network's RPC endpoint could not be reached or did not answer in time."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Cannot reach {url}: {reason}")
        self.url = url
        self.reason = reason


class WrongNetworkError(ChainError):
    """The endpoint serves a different chain than the one chosen."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"Wrong network: expected chain ID {expected}, the endpoint answered {actual}. "
            "Check the RPC address in the network settings."
        )
        self.expected = expected
        self.actual = actual


class RpcError(ChainError):
    """The node answered with an error that is not a contract revert."""


class TransactionRevertedError(ChainError):
    """A contract call would fail (dry run) or failed on chain (mined with status 0)."""

    def __init__(self, action: str, reason: str | None) -> None:
        detail = reason if reason else "the contract gave no reason"
        super().__init__(f"{action} was refused by the contract: {detail}")
        self.action = action
        self.reason = reason


class InsufficientFundsError(ChainError):
    """The wallet cannot pay for the transaction (value plus network fee)."""


class NonceConflictError(ChainError):
    """The transaction's nonce was already used by another transaction (it was dropped)."""


class ReplacementUnderpricedError(ChainError):
    """The node refused a replacement because its fee bump was too small."""


class ReceiptTimeoutError(ChainError):
    """The transaction was sent but no receipt arrived in time; it may still be mined."""

    def __init__(self, tx_hash: str, seconds: float) -> None:
        super().__init__(
            f"The transaction {tx_hash} was sent but is not confirmed after {seconds:.0f} s. "
            "It stays in the list of pending transactions on the Tasks page and is followed "
            "until it is mined; do not publish it twice."
        )
        self.tx_hash = tx_hash


class ChainReplacedError(ChainError):
    """The chain behind the network was replaced by a new one (a restarted Sandbox)."""


class PinError(ChainError):
    """The task configuration could not be uploaded to IPFS."""


class FetchError(ChainError):
    """A result or metadata document could not be downloaded or read."""


class ContractAddressError(ChainError):
    """A contract address in the network settings is missing or malformed."""
