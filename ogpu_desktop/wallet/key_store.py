"""The key store interface and the in-memory, session-only store."""

from __future__ import annotations

import threading
from typing import Literal, Protocol

from ogpu_desktop.wallet.errors import WalletError

AccountKind = Literal["keychain", "session"]


class KeyStore(Protocol):
    """Where private keys live, indexed by checksummed address.

    Implementations hand a key out only for the duration of one call; callers drop it right
    after use. Every method may raise
    :class:`~ogpu_desktop.wallet.errors.KeychainUnavailableError`.
    """

    @property
    def kind(self) -> AccountKind:
        """What kind of account a key in this store makes (shown to the user)."""
        ...

    def check_available(self) -> None:
        """Raise ``KeychainUnavailableError`` when the store cannot be used, without prompting."""
        ...

    def addresses(self) -> frozenset[str]:
        """Return the addresses whose keys the store holds."""
        ...

    def get_key(self, address: str) -> bytes:
        """Return the 32-byte key of ``address``; raise ``WalletError`` when it is not there."""
        ...

    def put_key(self, address: str, key: bytes) -> None:
        """Store ``key`` for ``address`` (idempotent: an address always has the same key)."""
        ...

    def delete_key(self, address: str) -> None:
        """Forget the key of ``address``; do nothing when it is not there."""
        ...


class SessionKeyStore:
    """Keys held in this process's memory only, forgotten when the app quits.

    This is the explicit, clearly labelled alternative for machines without a usable keychain.
    Nothing is ever written to disk. The repr shows how many keys it holds, never the keys.
    """

    __slots__ = ("__keys", "__lock")

    def __init__(self) -> None:
        self.__keys: dict[str, bytes] = {}
        self.__lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SessionKeyStore(<{len(self.__keys)} session-only key(s)>)"

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Session-only keys cannot be pickled.")

    @property
    def kind(self) -> AccountKind:
        """Always ``"session"``."""
        return "session"

    def check_available(self) -> None:
        """Memory is always available."""

    def addresses(self) -> frozenset[str]:
        """Return the addresses of the session-only keys."""
        with self.__lock:
            return frozenset(self.__keys)

    def get_key(self, address: str) -> bytes:
        """Return the session-only key of ``address``."""
        with self.__lock:
            key = self.__keys.get(address)
        if key is None:
            raise WalletError(
                f"The session-only key of {address} is gone (session-only keys are forgotten "
                "when the app quits). Import the account again from your backup."
            )
        return key

    def put_key(self, address: str, key: bytes) -> None:
        """Hold ``key`` in memory until the app quits."""
        with self.__lock:
            self.__keys[address] = bytes(key)

    def delete_key(self, address: str) -> None:
        """Forget the key of ``address``."""
        with self.__lock:
            self.__keys.pop(address, None)
