"""No keychain, a locked one, a file "keychain", an unreachable D-Bus: the wallet fails closed."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.chainer
import pytest
from eth_account import Account
from keyring.backends.SecretService import Keyring as SecretServiceKeyring

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.wallet import (
    KeychainUnavailableError,
    KeyringKeyStore,
    Wallet,
    WalletError,
)
from ogpu_desktop.wallet.errors import LOCKED_KEYCHAIN_MESSAGE, NO_KEYCHAIN_MESSAGE

SetBackend = Callable[[keyring.backend.KeyringBackend], None]
TX = {
    "to": "0x" + "11" * 20,
    "value": 1,
    "gas": 21_000,
    "maxFeePerGas": 2_000_000_000,
    "maxPriorityFeePerGas": 1_000_000_000,
    "nonce": 0,
    "chainId": 1337,
}


def assert_unchained(error: BaseException) -> None:
    assert error.__cause__ is None
    assert error.__context__ is None


@pytest.mark.usefixtures("no_keychain")
def test_no_keychain_is_explained_and_nothing_is_written(settings_file: Path) -> None:
    wallet = Wallet(settings_file)
    problem = wallet.keychain_problem()
    assert isinstance(problem, KeychainUnavailableError)
    assert isinstance(problem, UserFacingError)
    assert problem.message == NO_KEYCHAIN_MESSAGE
    assert "Secret Service" in NO_KEYCHAIN_MESSAGE
    assert "session-only account" in NO_KEYCHAIN_MESSAGE

    with pytest.raises(KeychainUnavailableError) as caught:
        wallet.create_account("Main")
    assert caught.value.message == NO_KEYCHAIN_MESSAGE
    assert_unchained(caught.value)
    with pytest.raises(KeychainUnavailableError, match="No keychain"):
        wallet.import_private_key(Account.create().key.hex())
    assert wallet.accounts() == ()
    assert not settings_file.exists()


@pytest.mark.usefixtures("no_keychain")
@pytest.mark.asyncio
async def test_a_session_only_account_works_without_a_keychain(settings_file: Path) -> None:
    wallet = Wallet(settings_file)
    new = await wallet.create_account_async("Temporary", session_only=True)
    assert new.account.kind == "session"
    assert new.account.is_session_only
    wallet.set_active(new.address)
    assert wallet.active_account() == new.account

    signed = await wallet.signer_for(new.address, 1337).sign_transaction(TX)
    assert Account.recover_transaction(signed.raw) == new.address

    imported = wallet.import_private_key(Account.create().key.hex(), session_only=True)
    assert [a.kind for a in wallet.accounts()] == ["session", "session"]
    # Session-only accounts never reach the settings file, and are gone in a new wallet.
    assert new.address not in (settings_file.read_text() if settings_file.exists() else "")
    assert Wallet(settings_file).accounts() == ()

    wallet.remove(imported.address, confirmed=True, export_offered=True)
    assert [a.address for a in wallet.accounts()] == [new.address]


def test_an_empty_chainer_counts_as_no_keychain(
    settings_file: Path, use_backend: SetBackend
) -> None:
    class NothingToChain(keyring.backends.chainer.ChainerBackend):
        viable = False  # never picked by keyring's own backend discovery
        backends = []  # type: ignore[assignment]  # noqa: RUF012

    use_backend(NothingToChain())
    with pytest.raises(KeychainUnavailableError) as caught:
        Wallet(settings_file).create_account()
    assert caught.value.message == NO_KEYCHAIN_MESSAGE


class RecordingFileKeyring(keyring.backend.KeyringBackend):
    """Shaped like keyrings.alt's plaintext file backend; records whether it was ever used."""

    viable = False  # type: ignore[assignment]  # never picked by keyring's own discovery
    priority = 1  # type: ignore[assignment]
    calls: list[str] = []  # noqa: RUF012

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")


RecordingFileKeyring.__module__ = "keyrings.alt.file"
RecordingFileKeyring.__name__ = "PlaintextKeyring"


def test_a_keyrings_alt_file_backend_is_refused(
    settings_file: Path, use_backend: SetBackend
) -> None:
    use_backend(RecordingFileKeyring())
    wallet = Wallet(settings_file)
    with pytest.raises(KeychainUnavailableError) as caught:
        wallet.create_account()
    assert "keeps secrets in a file" in caught.value.message
    assert "PlaintextKeyring" in caught.value.message
    assert RecordingFileKeyring.calls == []
    assert wallet.keychain_problem() is not None


def test_a_keyrings_alt_backend_inside_a_chainer_is_refused(
    settings_file: Path, use_backend: SetBackend
) -> None:
    class ChainWithAFile(keyring.backends.chainer.ChainerBackend):
        viable = False  # never picked by keyring's own backend discovery
        backends = [SecretServiceKeyring(), RecordingFileKeyring()]  # type: ignore[assignment]  # noqa: RUF012

    use_backend(ChainWithAFile())
    with pytest.raises(KeychainUnavailableError, match="keeps secrets in a file"):
        Wallet(settings_file).create_account()
    assert RecordingFileKeyring.calls == []


def test_an_unreachable_session_bus_is_explained(
    settings_file: Path, tmp_path: Path, use_backend: SetBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus-here")
    use_backend(SecretServiceKeyring())
    with pytest.raises(KeychainUnavailableError) as caught:
        Wallet(settings_file).create_account()
    assert caught.value.message.endswith(NO_KEYCHAIN_MESSAGE)
    assert "no D-Bus session bus" in caught.value.message
    assert_unchained(caught.value)


@pytest.mark.keychain
@pytest.mark.asyncio
async def test_a_locked_keychain_is_explained(
    wallet: Wallet, lock_keychain: Callable[[], None]
) -> None:
    account = wallet.create_account("Before locking").account
    lock_keychain()

    with pytest.raises(KeychainUnavailableError) as caught:
        wallet.create_account("While locked")
    assert caught.value.message == LOCKED_KEYCHAIN_MESSAGE
    assert_unchained(caught.value)
    with pytest.raises(KeychainUnavailableError) as signing:
        await wallet.signer_for(account.address, 1337).sign_transaction(TX)
    assert signing.value.message == LOCKED_KEYCHAIN_MESSAGE
    assert [a.label for a in wallet.accounts()] == ["Before locking"]
    # keyring's Secret Service backend leaves its D-Bus connection open when it raises
    # KeyringLocked; collect it here, where that is known, so no later test sees the warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.mark.keychain
def test_a_damaged_keychain_item_is_reported_and_left_alone(
    wallet: Wallet, keychain_store: KeyringKeyStore
) -> None:
    damaged = "not json " + "ab" * 32
    keyring.set_password(keychain_store.service, "account-keys", damaged)

    with pytest.raises(WalletError) as caught:
        wallet.create_account()
    assert "damaged" in caught.value.message
    assert "ab" * 32 not in str(caught.value)
    assert_unchained(caught.value)
    assert keyring.get_password(keychain_store.service, "account-keys") == damaged
