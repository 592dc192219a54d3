"""The wallet's accounts as the Wallet page manages them.

The :class:`Wallet` (keychain-backed keys, account list, the active account) is the service
the page talks to; its blocking calls (keychain, scrypt) are run off the loop with
:func:`run_blocking` or its ``*_async`` twins. The page imports these names from here, never
from the wallet package itself.
"""

from __future__ import annotations

from ogpu_desktop.wallet import Account, KeychainUnavailableError, NewAccount, Wallet
from ogpu_desktop.wallet.blocking import run_blocking
from ogpu_desktop.wallet.private_keys import MIN_EXPORT_PASSWORD_LENGTH

__all__ = [
    "MIN_EXPORT_PASSWORD_LENGTH",
    "Account",
    "KeychainUnavailableError",
    "NewAccount",
    "Wallet",
    "run_blocking",
]
