"""The accounts API: create, import, export, rename, remove and choose accounts; no Qt.

Keys go to a key store (the OS keychain, or memory for session-only accounts); the account list
goes to the settings file. Every method that touches a key store or runs scrypt blocks; each has
an ``*_async`` twin that runs it in the default executor, for the UI's event loop.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ogpu_desktop.wallet.account_list import (
    SETTINGS_FILE_NAME,
    Account,
    WalletSettings,
    clean_label,
    load_settings,
    save_settings,
)
from ogpu_desktop.wallet.blocking import executor_twin
from ogpu_desktop.wallet.errors import KeychainUnavailableError, WalletError
from ogpu_desktop.wallet.key_store import AccountKind, KeyStore, SessionKeyStore
from ogpu_desktop.wallet.keyring_store import KeyringKeyStore
from ogpu_desktop.wallet.new_account import NewAccount
from ogpu_desktop.wallet.private_keys import (
    address_of,
    check_export_password,
    decrypt_keystore,
    keystore_stated_address,
    new_private_key,
    parse_hex_private_key,
    read_keystore_file,
    write_keystore_file,
)
from ogpu_desktop.wallet.signer import KeychainSigner

_log = logging.getLogger(__name__)

SANDBOX_LABEL = "Sandbox"


class Wallet:
    """The user's accounts: a list in the settings file and keys in a key store.

    Args:
        settings_file: The wallet's JSON settings file (``<config dir>/wallet.json``).
        keychain: The persistent key store; the OS keychain when omitted.
        session: The in-memory store for session-only accounts; a fresh one when omitted.
    """

    def __init__(
        self,
        settings_file: Path,
        keychain: KeyStore | None = None,
        session: KeyStore | None = None,
    ) -> None:
        self._settings_file = settings_file
        self._keychain: KeyStore = keychain if keychain is not None else KeyringKeyStore()
        self._session: KeyStore = session if session is not None else SessionKeyStore()
        self._lock = threading.RLock()
        self._settings = load_settings(settings_file)
        self._session_accounts: dict[str, Account] = {}
        self._active = self._settings.active_address
        self._session_sandbox: str | None = None

    @classmethod
    def for_config_dir(cls, config_dir: Path) -> Wallet:
        """Return the wallet of a profile whose config folder is ``config_dir``."""
        return cls(config_dir / SETTINGS_FILE_NAME)

    def __repr__(self) -> str:
        return f"Wallet({self._settings_file}, {len(self.accounts())} account(s))"

    # --- reading -------------------------------------------------------------------------

    def accounts(self) -> tuple[Account, ...]:
        """All accounts: keychain ones in the order added, then session-only ones."""
        with self._lock:
            return self._settings.accounts + tuple(self._session_accounts.values())

    def account(self, address: str) -> Account:
        """Return the account with ``address`` (any letter case).

        Raises:
            WalletError: When there is no such account.
        """
        found = self._find(address)
        if found is None:
            raise WalletError(f"There is no account {address} in this wallet.")
        return found

    @property
    def active_address(self) -> str | None:
        """The address of the account the app signs with, if one was chosen."""
        with self._lock:
            return self._active

    def active_account(self) -> Account | None:
        """The account the app signs with, if one was chosen."""
        active = self.active_address
        return None if active is None else self._find(active)

    def keychain_problem(self) -> KeychainUnavailableError | None:
        """Return why the keychain cannot be used (checked without a prompt), or ``None``."""
        try:
            self._keychain.check_available()
        except KeychainUnavailableError as error:
            return error
        return None

    # --- adding --------------------------------------------------------------------------

    def create_account(self, label: str | None = None, *, session_only: bool = False) -> NewAccount:
        """Create an account with a fresh random key and keep the key in the key store.

        The returned :class:`NewAccount` lets the UI show the key once or save an encrypted
        backup, then :meth:`confirm_backup`.

        Raises:
            KeychainUnavailableError: When the keychain cannot be used; offer ``session_only``.
        """
        key = new_private_key()
        try:
            account = self._add(key, label, "session" if session_only else "keychain", False)
        finally:
            del key
        return NewAccount(account, self)

    def import_private_key(
        self, text: str, label: str | None = None, *, session_only: bool = False
    ) -> Account:
        """Import a pasted hex private key (64 hex digits, ``0x`` optional).

        Raises:
            ValidationError: When the text is not a valid key (field ``private_key``).
            WalletError: When the account is already in the wallet.
            KeychainUnavailableError: When the keychain cannot be used.
        """
        key = parse_hex_private_key(text)
        try:
            return self._add(key, label, "session" if session_only else "keychain", True)
        finally:
            del key

    def import_keystore(
        self,
        source: Path | bytes | str,
        password: str,
        label: str | None = None,
        *,
        session_only: bool = False,
    ) -> Account:
        """Import an encrypted keystore JSON (a file path, or its content) with its password.

        Decryption takes about a second (scrypt): prefer :meth:`import_keystore_async`.

        Raises:
            ValidationError: Wrong password (field ``password``) or not a keystore
                (field ``keystore_file``).
            WalletError: When the account is already in the wallet.
            KeychainUnavailableError: When the keychain cannot be used.
        """
        content = read_keystore_file(source) if isinstance(source, Path) else source
        self._refuse_duplicate_keystore(content)
        key = decrypt_keystore(content, password)
        try:
            return self._add(key, label, "session" if session_only else "keychain", True)
        finally:
            del key

    def ensure_sandbox_account(self) -> str:
        """Return the Sandbox's own account, creating it (labelled "Sandbox") on first use.

        It is kept in the keychain like any other account; without a usable keychain it is a
        session-only account, made again on the next start. Funding it is the faucet's job.
        """
        with self._lock:
            for address in (self._settings.sandbox_address, self._session_sandbox):
                if address is not None and self._find(address) is not None:
                    return address
            try:
                account = self.create_account(SANDBOX_LABEL).account
            except KeychainUnavailableError as error:
                _log.warning("Sandbox account is session-only: %s", error.message)
                account = self.create_account(SANDBOX_LABEL, session_only=True).account
            # Nothing of value is held on the Sandbox chain, so no backup is asked for.
            account = self._update(account.address, backup_confirmed=True)
            if account.is_session_only:
                self._session_sandbox = account.address
            else:
                self._save(replace(self._settings, sandbox_address=account.address))
            return account.address

    # --- backup, export ------------------------------------------------------------------

    def reveal_key_for_backup(self, address: str) -> str:
        """Return the ``0x`` hex key of a new account so the user can write it down.

        Only allowed until :meth:`confirm_backup`; afterwards export an encrypted keystore.
        """
        account = self.account(address)
        if account.backup_confirmed:
            raise WalletError(
                "The key of this account was already backed up, so it is not shown again. "
                "Export an encrypted keystore file instead."
            )
        key = self._store(account.kind).get_key(account.address)
        try:
            return "0x" + key.hex()
        finally:
            del key

    def confirm_backup(self, address: str) -> Account:
        """Record that the user kept a backup of the account's key."""
        return self._update(address, backup_confirmed=True)

    def export_keystore(self, address: str, path: Path, password: str) -> Path:
        """Save the account's key, encrypted with ``password`` (scrypt), to ``path`` (mode 0600).

        Raises:
            ValidationError: When the password is too short (field ``password``).
            KeychainUnavailableError: When the key cannot be read from the keychain.
        """
        check_export_password(password)
        account = self.account(address)
        key = self._store(account.kind).get_key(account.address)
        try:
            return write_keystore_file(key, password, path)
        finally:
            del key

    # --- changing, removing --------------------------------------------------------------

    def rename(self, address: str, label: str) -> Account:
        """Give the account a new label."""
        return self._update(address, label=clean_label(label, None))

    def remove(self, address: str, *, confirmed: bool, export_offered: bool) -> None:
        """Delete the account and its key from this computer.

        Args:
            address: The account to remove.
            confirmed: The user confirmed the removal.
            export_offered: The user was offered to export an encrypted backup first.

        Raises:
            WalletError: When either flag is false; nothing is removed then.
        """
        if not export_offered:
            raise WalletError(
                "Removing an account deletes its key from this computer. Offer to export an "
                "encrypted backup of it first."
            )
        if not confirmed:
            raise WalletError("The account was not removed: the removal was not confirmed.")
        with self._lock:
            account = self.account(address)
            self._store(account.kind).delete_key(account.address)
            if account.is_session_only:
                del self._session_accounts[account.address]
                if self._session_sandbox == account.address:
                    self._session_sandbox = None
                settings = self._settings
            else:
                remaining = tuple(a for a in self._settings.accounts if a != account)
                settings = self._settings.with_accounts(remaining)
                if settings.sandbox_address == account.address:
                    settings = replace(settings, sandbox_address=None)
            if self._active == account.address:
                self._active = None
                settings = replace(settings, active_address=None)
            self._save(settings)
        _log.info("Removed account %s (%s)", account.address, account.kind)

    def set_active(self, address: str | None) -> Account | None:
        """Choose the account the app signs with (``None`` for none)."""
        with self._lock:
            account = None if address is None else self.account(address)
            self._active = None if account is None else account.address
            if account is None or not account.is_session_only:
                self._save(replace(self._settings, active_address=self._active))
            return account

    def signer_for(self, address: str, chain_id: int) -> KeychainSigner:
        """Return a signer for ``address`` that signs only for ``chain_id``."""
        account = self.account(address)
        return KeychainSigner(self._store(account.kind), account.address, chain_id)

    # --- async twins, for the event loop ---------------------------------------------------

    create_account_async = executor_twin(create_account)
    import_private_key_async = executor_twin(import_private_key)
    import_keystore_async = executor_twin(import_keystore)
    export_keystore_async = executor_twin(export_keystore)
    reveal_key_for_backup_async = executor_twin(reveal_key_for_backup)
    remove_async = executor_twin(remove)
    ensure_sandbox_account_async = executor_twin(ensure_sandbox_account)

    # --- internals -----------------------------------------------------------------------

    def _store(self, kind: AccountKind) -> KeyStore:
        return self._session if kind == "session" else self._keychain

    def _find(self, address: str) -> Account | None:
        wanted = address.strip().lower()
        return next((a for a in self.accounts() if a.address.lower() == wanted), None)

    def _refuse_duplicate(self, address: str) -> None:
        existing = self._find(address)
        if existing is not None:
            raise WalletError(
                f"This account ({existing.address}) is already in your wallet as "
                f'"{existing.label}".'
            )

    def _refuse_duplicate_keystore(self, content: bytes | str) -> None:
        # Keystores usually state their address: refuse a duplicate before the slow scrypt.
        stated = keystore_stated_address(content)
        if stated is not None:
            self._refuse_duplicate(stated)

    def _add(
        self, key: bytes, label: str | None, kind: AccountKind, backup_confirmed: bool
    ) -> Account:
        address = address_of(key)
        with self._lock:
            self._refuse_duplicate(address)
            account = Account(
                address=address,
                label=clean_label(label, f"Account {len(self.accounts()) + 1}"),
                created_at=datetime.now(UTC).replace(microsecond=0),
                backup_confirmed=backup_confirmed,
                kind=kind,
            )
            self._store(kind).put_key(address, key)
            if kind == "session":
                self._session_accounts[address] = account
            else:
                self._save_or_forget_key(
                    self._settings.with_accounts((*self._settings.accounts, account)), address
                )
        _log.info("Added account %s (%s)", address, kind)
        return account

    def _update(
        self, address: str, *, label: str | None = None, backup_confirmed: bool | None = None
    ) -> Account:
        with self._lock:
            account = self.account(address)
            updated = replace(
                account,
                label=account.label if label is None else label,
                backup_confirmed=(
                    account.backup_confirmed if backup_confirmed is None else backup_confirmed
                ),
            )
            if account.is_session_only:
                self._session_accounts[account.address] = updated
            else:
                accounts = tuple(updated if a == account else a for a in self._settings.accounts)
                self._save(self._settings.with_accounts(accounts))
            return updated

    def _save_or_forget_key(self, settings: WalletSettings, address: str) -> None:
        # A key the settings do not list would be invisible to the user: take it back out.
        try:
            self._save(settings)
        except WalletError:
            self._keychain.delete_key(address)
            raise

    def _save(self, settings: WalletSettings) -> None:
        save_settings(self._settings_file, settings)
        self._settings = settings
