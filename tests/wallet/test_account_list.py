"""The settings file holds the account list (never keys) and survives damage without loss."""

from __future__ import annotations

import json
import pickle
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eth_account import Account as EthAccount

from ogpu_desktop.wallet import Account, KeyringKeyStore, SessionKeyStore, Wallet, WalletError
from ogpu_desktop.wallet.account_list import WalletSettings, load_settings, save_settings

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def account(address: str, kind: str = "keychain") -> Account:
    return Account(address, "Label", CREATED, True, kind)  # type: ignore[arg-type]


def test_settings_round_trip_keeps_unknown_fields(tmp_path: Path) -> None:
    path = tmp_path / "config" / "wallet.json"
    first, second = EthAccount.create().address, EthAccount.create().address
    save_settings(
        path,
        WalletSettings(
            accounts=(account(first), account(second, "session")),
            active_address=first,
            extra={"added_by_a_newer_version": [1, 2]},
        ),
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_settings(path)
    assert loaded.accounts == (account(first),)
    assert loaded.active_address == first
    assert loaded.extra == {"added_by_a_newer_version": [1, 2]}
    assert json.loads(path.read_text())["accounts"][0]["created_at"] == CREATED.isoformat()


def test_a_missing_settings_file_means_no_accounts(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nothing.json") == WalletSettings()


def test_a_damaged_settings_file_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "wallet.json"
    path.write_text("{ not json")
    with pytest.raises(WalletError, match="is damaged") as caught:
        Wallet(path, keychain=KeyringKeyStore(service="ogpu-desktop-unused"))
    assert caught.value.__context__ is None
    assert path.read_text() == "{ not json"


def test_settings_that_cannot_be_written_give_a_plain_message(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the config folder should be")
    with pytest.raises(WalletError, match="could not be saved"):
        save_settings(blocker / "wallet.json", WalletSettings())


@pytest.mark.keychain
def test_a_key_is_taken_back_out_when_the_settings_cannot_be_saved(
    tmp_path: Path, keychain_store: KeyringKeyStore
) -> None:
    config = tmp_path / "config"
    wallet = Wallet(config / "wallet.json", keychain=keychain_store)
    config.write_text("a file where the config folder should be")
    with pytest.raises(WalletError, match="could not be saved"):
        wallet.create_account()
    assert keychain_store.addresses() == frozenset()
    assert wallet.accounts() == ()


def test_the_session_store_shows_no_keys_and_cannot_be_pickled() -> None:
    store = SessionKeyStore()
    source = EthAccount.create()
    store.put_key(source.address, bytes(source.key))
    assert repr(store) == "SessionKeyStore(<1 session-only key(s)>)"
    assert not hasattr(store, "__dict__")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(store)
    assert store.get_key(source.address) == bytes(source.key)
    store.delete_key(source.address)
    with pytest.raises(WalletError, match="forgotten when the app quits"):
        store.get_key(source.address)
