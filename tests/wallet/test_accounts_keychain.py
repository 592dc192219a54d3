"""Account round trips on a real Secret Service: create, import, export, rename, remove."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from eth_account import Account

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.wallet import SERVICE_NAME, KeyringKeyStore, Wallet, WalletError

pytestmark = pytest.mark.keychain

PASSWORD = "a long enough password"


def keychain_items(service: str) -> list[dict[str, str]]:
    """Attributes of the Secret Service items under ``service`` (read directly, not via keyring)."""
    import secretstorage  # noqa: PLC0415 - Linux only; these tests need a Secret Service

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return [item.get_attributes() for item in collection.search_items({"service": service})]
    finally:
        connection.close()


def test_the_app_stores_keys_under_its_service_name() -> None:
    assert SERVICE_NAME == "ogpu-desktop"
    assert KeyringKeyStore().service == "ogpu-desktop"


def test_create_keeps_the_key_in_the_keychain_and_only_the_list_in_settings(
    wallet: Wallet, keychain_store: KeyringKeyStore, settings_file: Path
) -> None:
    new = wallet.create_account("Main")
    key_hex = new.reveal_key()

    assert Account.from_key(key_hex).address == new.address
    assert keychain_store.get_key(new.address).hex() == key_hex.removeprefix("0x")
    assert new.account.kind == "keychain"
    assert not new.account.backup_confirmed
    settings_text = settings_file.read_text()
    assert new.address in settings_text
    assert key_hex.removeprefix("0x") not in settings_text.lower()
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600

    confirmed = new.confirm_backup()
    assert confirmed.backup_confirmed
    with pytest.raises(WalletError, match="not shown again"):
        new.reveal_key()

    reopened = Wallet(settings_file, keychain=keychain_store)
    assert [(a.address, a.label, a.backup_confirmed, a.kind) for a in reopened.accounts()] == [
        (new.address, "Main", True, "keychain")
    ]
    assert reopened.account(new.address).created_at == new.account.created_at


def test_all_accounts_share_one_keychain_item(
    wallet: Wallet, keychain_store: KeyringKeyStore
) -> None:
    first = wallet.create_account("One")
    second = wallet.create_account("Two")
    third = wallet.import_private_key(Account.create().key.hex())

    items = keychain_items(keychain_store.service)
    assert len(items) == 1
    assert items[0]["username"] == "account-keys"
    assert keychain_store.addresses() == {first.address, second.address, third.address}
    assert [a.label for a in wallet.accounts()] == ["One", "Two", "Account 3"]


def test_import_hex_round_trip_and_duplicate_refused(
    wallet: Wallet, keychain_store: KeyringKeyStore, settings_file: Path
) -> None:
    source = Account.create()
    account = wallet.import_private_key("0x" + source.key.hex(), "Imported")

    assert account.address == source.address
    assert account.backup_confirmed
    assert keychain_store.get_key(source.address) == bytes(source.key)
    reopened = Wallet(settings_file, keychain=keychain_store)
    assert reopened.account(source.address).label == "Imported"

    with pytest.raises(WalletError) as caught:
        wallet.import_private_key(source.key.hex().upper())
    assert caught.value.message == (
        f'This account ({source.address}) is already in your wallet as "Imported".'
    )
    assert len(wallet.accounts()) == 1


def test_export_then_import_keystore_round_trip(
    wallet: Wallet, keychain_store: KeyringKeyStore, settings_file: Path, tmp_path: Path
) -> None:
    new = wallet.create_account("Exported")
    key = keychain_store.get_key(new.address)
    backup = new.save_backup(tmp_path / "backup.json", PASSWORD)

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    document = json.loads(backup.read_text())
    assert document["crypto"]["kdf"] == "scrypt"
    assert bytes(Account.decrypt(document, PASSWORD)) == key
    assert key.hex() not in backup.read_text().lower()

    wallet.remove(new.address, confirmed=True, export_offered=True)
    assert wallet.accounts() == ()
    assert keychain_items(keychain_store.service) == []

    with pytest.raises(ValidationError) as wrong:
        wallet.import_keystore(backup, "not the password")
    assert wrong.value.field == "password"

    imported = wallet.import_keystore(backup, PASSWORD, "Back again")
    assert imported.address == new.address
    assert keychain_store.get_key(imported.address) == key
    with pytest.raises(WalletError, match="already in your wallet"):
        wallet.import_keystore(backup, PASSWORD)


def test_export_refuses_a_short_password(wallet: Wallet, tmp_path: Path) -> None:
    new = wallet.create_account()
    with pytest.raises(ValidationError) as caught:
        wallet.export_keystore(new.address, tmp_path / "weak.json", "short")
    assert caught.value.field == "password"
    assert not (tmp_path / "weak.json").exists()


def test_rename_persists(
    wallet: Wallet, settings_file: Path, keychain_store: KeyringKeyStore
) -> None:
    new = wallet.create_account("Old name")
    renamed = wallet.rename(new.address.lower(), "  New   name ")
    assert renamed.label == "New name"
    assert Wallet(settings_file, keychain=keychain_store).account(new.address).label == "New name"
    with pytest.raises(ValidationError, match="Type a name"):
        wallet.rename(new.address, "   ")


def test_remove_needs_confirmation_and_an_export_offer(
    wallet: Wallet, keychain_store: KeyringKeyStore, settings_file: Path
) -> None:
    keep = wallet.create_account("Keep")
    drop = wallet.create_account("Drop")
    wallet.set_active(drop.address)

    with pytest.raises(WalletError, match="Offer to export"):
        wallet.remove(drop.address, confirmed=True, export_offered=False)
    with pytest.raises(WalletError, match="not confirmed"):
        wallet.remove(drop.address, confirmed=False, export_offered=True)
    assert keychain_store.addresses() == {keep.address, drop.address}

    wallet.remove(drop.address, confirmed=True, export_offered=True)
    assert keychain_store.addresses() == {keep.address}
    assert wallet.active_address is None
    reopened = Wallet(settings_file, keychain=keychain_store)
    assert [a.address for a in reopened.accounts()] == [keep.address]
    with pytest.raises(WalletError, match="no account"):
        wallet.account(drop.address)


def test_the_active_account_is_remembered(
    wallet: Wallet, keychain_store: KeyringKeyStore, settings_file: Path
) -> None:
    assert wallet.active_account() is None
    first = wallet.create_account("First")
    second = wallet.create_account("Second")
    wallet.set_active(second.address)
    assert wallet.active_account() == second.account

    reopened = Wallet(settings_file, keychain=keychain_store)
    assert reopened.active_address == second.address
    reopened.set_active(first.address)
    assert Wallet(settings_file, keychain=keychain_store).active_address == first.address
    with pytest.raises(WalletError, match="no account"):
        reopened.set_active("0x" + "12" * 20)


@pytest.mark.asyncio
async def test_async_variants_round_trip(wallet: Wallet, tmp_path: Path) -> None:
    new = await wallet.create_account_async("Async")
    key_hex = await new.reveal_key_async()
    backup = await new.save_backup_async(tmp_path / "async.json", PASSWORD)
    await wallet.remove_async(new.address, confirmed=True, export_offered=True)

    imported = await wallet.import_keystore_async(backup, PASSWORD)
    assert imported.address == new.address
    again = Account.from_key(key_hex)
    await wallet.remove_async(imported.address, confirmed=True, export_offered=True)
    assert (await wallet.import_private_key_async(key_hex)).address == again.address
