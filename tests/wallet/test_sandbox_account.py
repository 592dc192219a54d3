"""The Sandbox's own account: made once, kept like any other, session-only without a keychain."""

from __future__ import annotations

from pathlib import Path

import pytest

from ogpu_desktop.wallet import SANDBOX_LABEL, KeyringKeyStore, Wallet


@pytest.mark.keychain
@pytest.mark.asyncio
async def test_the_sandbox_account_is_created_once_and_kept(
    wallet: Wallet, keychain_store: KeyringKeyStore, settings_file: Path
) -> None:
    wallet.create_account("Mine")
    address = await wallet.ensure_sandbox_account_async()
    account = wallet.account(address)
    assert account.label == SANDBOX_LABEL == "Sandbox"
    assert account.kind == "keychain"
    assert address in keychain_store.addresses()

    assert wallet.ensure_sandbox_account() == address
    reopened = Wallet(settings_file, keychain=keychain_store)
    assert reopened.ensure_sandbox_account() == address
    assert len(reopened.accounts()) == 2


@pytest.mark.keychain
def test_a_removed_sandbox_account_is_replaced(wallet: Wallet) -> None:
    first = wallet.ensure_sandbox_account()
    wallet.remove(first, confirmed=True, export_offered=True)
    second = wallet.ensure_sandbox_account()
    assert second != first
    assert [a.address for a in wallet.accounts()] == [second]


@pytest.mark.usefixtures("no_keychain")
def test_without_a_keychain_the_sandbox_account_is_session_only(settings_file: Path) -> None:
    wallet = Wallet(settings_file)
    address = wallet.ensure_sandbox_account()
    account = wallet.account(address)
    assert account.kind == "session"
    assert account.label == "Sandbox"
    assert wallet.ensure_sandbox_account() == address
    assert Wallet(settings_file).accounts() == ()
