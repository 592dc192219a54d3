"""A freshly created account and the one-time backup of its key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ogpu_desktop.wallet.account_list import Account
from ogpu_desktop.wallet.blocking import executor_twin


class KeyBackups(Protocol):
    """The wallet's side of a backup: what a new account asks of the wallet that made it."""

    def reveal_key_for_backup(self, address: str) -> str:
        """Return the ``0x`` hex key of an account whose backup is not confirmed yet."""
        ...

    def export_keystore(self, address: str, path: Path, password: str) -> Path:
        """Save the account's key as an encrypted keystore file."""
        ...

    def confirm_backup(self, address: str) -> Account:
        """Record that the user kept a backup of the account's key."""
        ...


@dataclass(frozen=True)
class NewAccount:
    """A new account whose key the user should back up before relying on it.

    It holds no key: :meth:`reveal_key` reads it from the key store when the UI shows it, which
    is allowed only until the backup is confirmed. Its repr shows the account only.

    Attributes:
        account: The account as created (``backup_confirmed`` is false).
    """

    account: Account
    _wallet: KeyBackups = field(repr=False, compare=False)

    @property
    def address(self) -> str:
        """Checksummed address of the new account."""
        return self.account.address

    def reveal_key(self) -> str:
        """Return the key as ``0x`` hex, for the user to write down (blocks; see async twin)."""
        return self._wallet.reveal_key_for_backup(self.address)

    def save_backup(self, path: Path, password: str) -> Path:
        """Save an encrypted keystore backup to ``path`` (blocks on scrypt; see async twin)."""
        return self._wallet.export_keystore(self.address, path, password)

    def confirm_backup(self) -> Account:
        """Record that the user kept the backup; the raw key is not shown again after this."""
        return self._wallet.confirm_backup(self.address)

    reveal_key_async = executor_twin(reveal_key)
    save_backup_async = executor_twin(save_backup)
