"""A freshly created account and the one-time backup of its key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ogpu_desktop.wallet.account_list import Account

if TYPE_CHECKING:
    from ogpu_desktop.wallet.accounts import Wallet


@dataclass(frozen=True)
class NewAccount:
    """A new account whose key the user should back up before relying on it.

    It holds no key: :meth:`reveal_key` reads it from the key store when the UI shows it, which
    is allowed only until the backup is confirmed. Its repr shows the account only.

    Attributes:
        account: The account as created (``backup_confirmed`` is false).
    """

    account: Account
    _wallet: Wallet = field(repr=False, compare=False)

    @property
    def address(self) -> str:
        """Checksummed address of the new account."""
        return self.account.address

    def reveal_key(self) -> str:
        """Return the key as ``0x`` hex, for the user to write down (blocks; see async twin)."""
        return self._wallet.reveal_key_for_backup(self.address)

    async def reveal_key_async(self) -> str:
        """:meth:`reveal_key` in an executor."""
        return await self._wallet.reveal_key_for_backup_async(self.address)

    def save_backup(self, path: Path, password: str) -> Path:
        """Save an encrypted keystore backup to ``path`` (blocks on scrypt; see async twin)."""
        return self._wallet.export_keystore(self.address, path, password)

    async def save_backup_async(self, path: Path, password: str) -> Path:
        """:meth:`save_backup` in an executor."""
        return await self._wallet.export_keystore_async(self.address, path, password)

    def confirm_backup(self) -> Account:
        """Record that the user kept the backup; the raw key is not shown again after this."""
        return self._wallet.confirm_backup(self.address)
