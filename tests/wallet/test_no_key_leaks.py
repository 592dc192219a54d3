"""The key never shows up in files, logs, reprs or exceptions of the wallet layer."""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from eth_account import Account

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.wallet import KeyringKeyStore, Wallet
from tests.helpers.leak_scan import find_key, scan_files, scan_objects

from .conftest import home_is_temporary

CHAIN_ID = 1337
PASSWORD = "leak test password"


def test_the_scanner_finds_every_form() -> None:
    key = bytes(Account.create().key)
    for text in (
        "x" + key.hex().upper() + "y",
        "0x" + key.hex(),
        "prefix" + base64.b64encode(b"ab" + key + b"cd").decode(),
        base64.urlsafe_b64encode(b"z" + key).decode(),
        base64.b64encode(key.hex().encode()).decode(),
    ):
        assert find_key(text.encode(), key), text
    assert find_key(b"\x00" + key + b"\x00", key) == ["raw bytes"]
    assert find_key(key.hex()[:-2].encode() + b"zz", key) == []


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every log record of every library at DEBUG, unfiltered, into a file."""
    path = tmp_path / "captured-logs" / "debug.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()
    root.setLevel(previous)


def tx(nonce: int, chain_id: int = CHAIN_ID) -> dict[str, object]:
    return {
        "to": "0x" + "44" * 20,
        "value": 1,
        "gas": 21_000,
        "maxFeePerGas": 2_000_000_000,
        "maxPriorityFeePerGas": 1_000_000_000,
        "nonce": nonce,
        "chainId": chain_id,
    }


@pytest.mark.keychain
@pytest.mark.asyncio
async def test_no_key_leaks_from_the_wallet_layer(
    tmp_path: Path, keychain_store: KeyringKeyStore, debug_log: Path
) -> None:
    wallet = Wallet(tmp_path / "profile" / "config" / "wallet.json", keychain=keychain_store)
    (tmp_path / "exports").mkdir()
    keys: list[bytes] = []
    seen: list[object] = [wallet, keychain_store]

    async def expect_error(awaitable: object) -> None:
        try:
            await awaitable  # type: ignore[misc]
        except UserFacingError as error:
            seen.append(error)
        else:
            raise AssertionError("expected an error")

    # Create, show the key once (the one place it is meant to be returned), back it up.
    new = await wallet.create_account_async("Created")
    keys.append(bytes.fromhex((await new.reveal_key_async()).removeprefix("0x")))
    seen += [new, new.account, new.confirm_backup()]
    await expect_error(new.reveal_key_async())
    seen.append(await new.save_backup_async(tmp_path / "exports" / "created.json", PASSWORD))

    # Import a hex key, then the same again, then near-misses of it.
    hex_source = bytes(Account.create().key)
    keys.append(hex_source)
    seen.append(await wallet.import_private_key_async("0x" + hex_source.hex(), "Hex"))
    await expect_error(wallet.import_private_key_async(hex_source.hex().upper()))
    await expect_error(wallet.import_private_key_async(hex_source.hex()[:-1]))
    await expect_error(wallet.import_private_key_async(hex_source.hex()[:-1] + "g"))

    # Import an encrypted keystore: wrong password, damaged file, then right.
    keystore_key = bytes(Account.create().key)
    keys.append(keystore_key)
    user_file = tmp_path / "user-files" / "keystore.json"
    user_file.parent.mkdir()
    document = dict(Account.encrypt(keystore_key, PASSWORD, kdf="pbkdf2", iterations=2))
    user_file.write_text(json.dumps(document))
    await expect_error(wallet.import_keystore_async(user_file, "wrong password"))
    await expect_error(wallet.import_keystore_async(json.dumps({**document, "crypto": {}}), "x"))
    seen.append(await wallet.import_keystore_async(user_file, PASSWORD, "Keystore"))

    # A session-only account, and the Sandbox account.
    session_key = bytes(Account.create().key)
    keys.append(session_key)
    seen.append(await wallet.import_private_key_async(session_key.hex(), session_only=True))
    sandbox = await wallet.ensure_sandbox_account_async()
    keys.append(keychain_store.get_key(sandbox))

    # Sign with every account; refused and broken transactions too.
    for nonce, account in enumerate(wallet.accounts()):
        signer = wallet.signer_for(account.address, CHAIN_ID)
        seen += [signer, await signer.sign_transaction(tx(nonce))]
        await expect_error(signer.sign_transaction(tx(nonce, chain_id=1)))
        await expect_error(signer.sign_transaction({**tx(nonce), "gas": "lots"}))

    # Export, rename and remove every account; a keychain that went away.
    for account in wallet.accounts():
        target = tmp_path / "exports" / f"{account.address}.json"
        seen.append(await wallet.export_keystore_async(account.address, target, PASSWORD))
        seen.append(wallet.rename(account.address, f"{account.label} (old)"))
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        await expect_error(wallet.signer_for(new.address, CHAIN_ID).sign_transaction(tx(0)))
    finally:
        keyring.set_keyring(previous)
    for account in wallet.accounts():
        await wallet.remove_async(account.address, confirmed=True, export_offered=True)
    assert wallet.accounts() == ()
    assert len(keys) == 5
    assert len([value for value in seen if isinstance(value, UserFacingError)]) == 17

    roots = [tmp_path]
    if home_is_temporary():
        for name in (
            "HOME",
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_CACHE_HOME",
            "XDG_STATE_HOME",
            "XDG_RUNTIME_DIR",
        ):
            if os.environ.get(name):
                roots.append(Path(os.environ[name]))
    assert debug_log.read_text(encoding="utf-8").count("\n") > 5, "no debug logs were captured"
    assert list((tmp_path / "profile" / "config").iterdir()), "the settings file was not written"
    scanned = {path for root in roots for path in root.rglob("*") if path.is_file()}
    assert debug_log in scanned
    assert tmp_path / "profile" / "config" / "wallet.json" in scanned
    if home_is_temporary():
        # gnome-keyring's own (encrypted) storage is part of what is searched.
        assert any(path.suffix == ".keyring" for path in scanned)
    assert scan_files(roots, keys) == []
    assert scan_objects(seen, keys) == []
