"""Keychain-backed key store and the signer. The key lives inside one call only."""

from ogpu_desktop.wallet.account_list import Account
from ogpu_desktop.wallet.accounts import SANDBOX_LABEL, Wallet
from ogpu_desktop.wallet.errors import KeychainUnavailableError, WalletError, WrongChainError
from ogpu_desktop.wallet.key_store import AccountKind, KeyStore, SessionKeyStore
from ogpu_desktop.wallet.keyring_store import SERVICE_NAME, KeyringKeyStore
from ogpu_desktop.wallet.new_account import NewAccount
from ogpu_desktop.wallet.signer import KeychainSigner

__all__ = [
    "SANDBOX_LABEL",
    "SERVICE_NAME",
    "Account",
    "AccountKind",
    "KeyStore",
    "KeychainSigner",
    "KeychainUnavailableError",
    "KeyringKeyStore",
    "NewAccount",
    "SessionKeyStore",
    "Wallet",
    "WalletError",
    "WrongChainError",
]
