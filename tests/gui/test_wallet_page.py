"""The Wallet page on a real wallet: a one-time key, import, rename, remove, balances."""

from __future__ import annotations

import contextlib
import gc
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from eth_account import Account as EthAccount
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ogpu_desktop.services.actions import Balances
from ogpu_desktop.services.faucet_client import FaucetError, faucet_request
from ogpu_desktop.services.tx_plans import TxPlan
from ogpu_desktop.services.wallet_link import WalletChainLink
from ogpu_desktop.ui.wallet.export_keystore_dialog import ExportKeystoreDialog
from ogpu_desktop.ui.wallet.import_account_dialog import KEYSTORE_TAB, ImportAccountDialog
from ogpu_desktop.ui.wallet.new_account_dialog import CONFIRM_FIRST, NewAccountDialog
from ogpu_desktop.ui.wallet.remove_account_dialog import RemoveAccountDialog
from ogpu_desktop.ui.wallet.rename_account_dialog import RenameAccountDialog
from ogpu_desktop.ui.wallet.secret_clipboard import secret_clipboard
from ogpu_desktop.wallet import KeyringKeyStore, Wallet, WalletError
from ogpu_desktop.wallet.errors import NO_KEYCHAIN_MESSAGE
from tests.gui.wallet_helpers import (
    import_hex,
    is_closed,
    open_dialog,
    session_view,
    settle,
    texts_in_line_edits,
    wait_for,
    wallet_page,
)
from tests.gui.wallet_http import serve_json
from tests.helpers.keychain import no_keychain, require_keychain

__all__ = ["no_keychain"]

PASSWORD = "correct horse battery"
KEY = "0x" + "4c" * 32


@pytest.fixture(autouse=True)
def _collect_garbage_here() -> Iterator[None]:
    """Collect Qt wrappers left by earlier tests on this thread, not later on an executor's."""
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def wallet(tmp_path: Path, no_keychain: None) -> Wallet:
    """A real wallet on a temporary profile, on a computer without a keychain."""
    return Wallet.for_config_dir(tmp_path / "profile" / "config")


@pytest.mark.asyncio
async def test_no_keychain_shows_the_plain_message_and_offers_a_session_only_account(
    qtbot: QtBot, wallet: Wallet
) -> None:
    _page, view = await wallet_page(qtbot, wallet)
    assert view.keychain_banner.isVisible()
    assert view.keychain_banner.message() == NO_KEYCHAIN_MESSAGE
    assert view.keychain_banner.session_button.isVisible()
    assert view.empty_label.isVisible()

    view.keychain_banner.session_button.click()
    assert "forgotten when the app quits" in view.keychain_banner.message()
    dialog = await import_hex(view, KEY, "Temp")
    await wait_for(lambda: is_closed(dialog), "the import to finish")
    (account,) = wallet.accounts()
    assert account.is_session_only
    row = view.account_list.topLevelItem(0)
    assert row is not None
    assert row.text(3).startswith("Session only")
    assert "Session only" in view.kind_label.text()


@pytest.mark.asyncio
async def test_create_shows_the_key_once_and_needs_the_backup_confirmation(
    qtbot: QtBot, wallet: Wallet
) -> None:
    _page, view = await session_view(qtbot, wallet)
    view.create_button.click()
    dialog = await open_dialog(view, NewAccountDialog)
    dialog.label_edit.setText("Main")
    dialog.create_button.click()
    await wait_for(dialog.key_field.text, "the new key to be shown")
    key = dialog.key_field.text()
    (account,) = wallet.accounts()
    assert account.label == "Main"
    assert not account.backup_confirmed
    assert EthAccount.from_key(key).address == account.address
    assert "shown only now" in dialog.findChild(type(dialog.address_label),
                                                "wallet.new_account_dialog.warning_label").text()

    # No way out without the confirmation.
    assert not dialog.done_button.isEnabled()
    dialog.reject()
    assert dialog.isVisible()
    assert dialog.error_label.message() == CONFIRM_FIRST

    # Copying marks the clipboard entry as secret and clears it later if it still holds the key.
    clipboard = secret_clipboard()
    previous_delay = clipboard.clear_after_ms
    clipboard.set_clear_after_ms(200)
    try:
        dialog.copy_key_button.click()
        assert QApplication.clipboard().text() == key
        assert QApplication.clipboard().mimeData().hasFormat("x-kde-passwordManagerHint")
        await wait_for(lambda: QApplication.clipboard().text() == "", "the clipboard to clear")
    finally:
        clipboard.set_clear_after_ms(previous_delay)

    dialog.confirm_check.setChecked(True)
    assert dialog.done_button.isEnabled()
    dialog.done_button.click()
    await wait_for(lambda: wallet.accounts()[0].backup_confirmed, "the backup confirmation")
    await wait_for(lambda: not view.findChildren(NewAccountDialog), "the dialog to be deleted")
    assert key not in texts_in_line_edits()
    with pytest.raises(WalletError, match="not shown again"):
        wallet.reveal_key_for_backup(account.address)
    assert not view.backup_button.isVisible()
    assert wallet.active_address == account.address


@pytest.mark.asyncio
async def test_a_copy_of_something_else_is_not_cleared(qtbot: QtBot) -> None:
    clipboard = secret_clipboard()
    clipboard.copy("0x" + "ab" * 32)
    QApplication.clipboard().setText("a shopping list")
    clipboard.clear_if_still_there()
    assert QApplication.clipboard().text() == "a shopping list"


@pytest.mark.asyncio
async def test_import_hex_explains_a_bad_key_keeps_it_and_then_imports_a_good_one(
    qtbot: QtBot, wallet: Wallet
) -> None:
    _page, view = await session_view(qtbot, wallet)
    dialog = await import_hex(view, "0x1234abcd", "Old")
    await wait_for(dialog.hex_error.message, "the key's error")
    assert "64 hexadecimal characters" in dialog.hex_error.message()
    assert "1234abcd" not in dialog.hex_error.message()
    assert dialog.hex_edit.text() == "0x1234abcd"
    assert dialog.label_edit.text() == "Old"
    assert dialog.isVisible()
    assert wallet.accounts() == ()

    assert dialog.hex_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_key_check.setChecked(True)
    assert dialog.hex_edit.echoMode() == QLineEdit.EchoMode.Normal

    dialog.hex_edit.setText(KEY)
    await wait_for(dialog.import_button.isEnabled, "the import button")
    dialog.import_button.click()
    await wait_for(wallet.accounts, "the imported account")
    assert wallet.accounts()[0].address == EthAccount.from_key(KEY).address
    assert wallet.accounts()[0].label == "Old"
    await wait_for(lambda: not view.findChildren(ImportAccountDialog), "the dialog to close")
    assert KEY not in texts_in_line_edits()
    assert view.address_label.text() == EthAccount.from_key(KEY).address


@pytest.mark.asyncio
async def test_import_keystore_says_when_the_password_is_wrong_then_imports(
    qtbot: QtBot, wallet: Wallet, tmp_path: Path
) -> None:
    key = EthAccount.create().key
    keystore = tmp_path / "backup.json"
    # A small scrypt cost keeps the test quick; the real decryption path runs all the same.
    document = EthAccount.encrypt(key, PASSWORD, kdf="scrypt", iterations=1024)
    keystore.write_text(json.dumps(document))
    _page, view = await session_view(qtbot, wallet)
    view.import_button.click()
    dialog = await open_dialog(view, ImportAccountDialog)
    dialog.tabs.setCurrentIndex(KEYSTORE_TAB)
    dialog.file_edit.setText(str(keystore))
    dialog.password_edit.setText("not the password")
    dialog.import_button.click()
    await wait_for(dialog.password_error.message, "the password error")
    assert dialog.password_error.message().startswith("Wrong password")
    assert dialog.file_edit.text() == str(keystore)
    assert not dialog.busy_bar.isVisible()

    dialog.password_edit.setText(PASSWORD)
    dialog.import_button.click()
    await wait_for(wallet.accounts, "the imported account")
    assert wallet.accounts()[0].address == EthAccount.from_key(key).address
    await settle()


@pytest.mark.asyncio
async def test_rename_refuses_a_blank_name_beside_the_field_then_renames(
    qtbot: QtBot, wallet: Wallet
) -> None:
    _page, view = await session_view(qtbot, wallet)
    dialog = await import_hex(view, KEY, "First")
    await wait_for(wallet.accounts, "the imported account")
    view.rename_button.click()
    rename = await open_dialog(view, RenameAccountDialog)
    rename.label_edit.setText("   ")
    rename.save_button.click()
    await wait_for(rename.label_error.message, "the label error")
    assert rename.label_error.message() == "Type a name for the account."
    rename.label_edit.setText("Savings")
    await wait_for(rename.save_button.isEnabled, "the rename button")
    rename.save_button.click()
    await wait_for(lambda: wallet.accounts()[0].label == "Savings", "the new name")
    row = view.account_list.topLevelItem(0)
    assert row is not None
    assert row.text(1) == "Savings"
    assert dialog is not None


@pytest.mark.asyncio
async def test_remove_offers_the_export_first_and_needs_a_confirmation(
    qtbot: QtBot, wallet: Wallet, tmp_path: Path
) -> None:
    _page, view = await session_view(qtbot, wallet)
    await import_hex(view, KEY, "Spare")
    await wait_for(wallet.accounts, "the imported account")
    address = wallet.accounts()[0].address
    view.remove_button.click()
    dialog = await open_dialog(view, RemoveAccountDialog)
    assert '"Spare"' in dialog.message_label.text()
    assert address in dialog.message_label.text()
    assert not dialog.remove_button.isEnabled()
    assert dialog.export_button.isVisible()

    dialog.export_button.click()
    export = await open_dialog(dialog, ExportKeystoreDialog)
    target = tmp_path / "spare.json"
    export.password_edit.setText(PASSWORD)
    export.repeat_edit.setText(PASSWORD + "!")
    export.path_edit.setText(str(target))
    export.export_button.click()
    await wait_for(export.repeat_error.message, "the mismatch message")
    assert export.repeat_error.message() == "The two passwords are not the same."
    export.repeat_edit.setText(PASSWORD)
    await wait_for(export.export_button.isEnabled, "the export button")
    export.export_button.click()
    await wait_for(target.exists, "the keystore file")
    assert EthAccount.decrypt(target.read_text(), PASSWORD) == bytes.fromhex(KEY[2:])
    await wait_for(lambda: "Backup saved" in dialog.export_note.text(), "the export note")

    dialog.confirm_check.setChecked(True)
    dialog.remove_button.click()
    await wait_for(lambda: is_closed(dialog), "the removal")
    assert wallet.accounts() == ()
    assert view.empty_label.isVisible()
    assert "was removed" in view.message_banner.message()


@pytest.mark.asyncio
async def test_copy_address_puts_it_on_the_clipboard(qtbot: QtBot, wallet: Wallet) -> None:
    _page, view = await session_view(qtbot, wallet)
    await import_hex(view, KEY)
    await wait_for(wallet.accounts, "the imported account")
    QApplication.clipboard().clear()
    view.copy_address_button.click()
    assert QApplication.clipboard().text() == EthAccount.from_key(KEY).address


@pytest.mark.asyncio
async def test_balances_say_not_connected_until_a_network_is_linked(
    qtbot: QtBot, wallet: Wallet
) -> None:
    page, view = await wallet_page(qtbot, wallet)
    view.use_session_only()
    await import_hex(view, KEY)
    await wait_for(wallet.accounts, "the imported account")
    panel = view.balances
    assert panel.network_label.text() == "Not connected"
    assert panel.wallet_balance_label.text() == "Not connected"
    assert not panel.deposit_button.isEnabled()
    assert not panel.faucet_button.isVisible()

    address = wallet.accounts()[0].address
    deposits: list[tuple[str, int]] = []
    faucet_calls: list[str] = []

    async def balances(account: str) -> Balances:
        assert account == address
        return Balances(wallet=5 * 10**18, vault_available=2 * 10**17, escrowed=3 * 10**15)

    async def plan(account: str, wei: int) -> TxPlan:
        deposits.append((account, wei))
        raise AssertionError("a bad amount is never planned")

    async def send(plan: TxPlan) -> None:
        raise AssertionError("nothing is sent here")

    async def faucet(account: str) -> str:
        faucet_calls.append(account)
        return "0xfeed"

    page.set_chain_link(WalletChainLink("Sandbox", "OGPU", balances, plan, plan, send, faucet))
    await wait_for(lambda: panel.wallet_balance_label.text() == "5 OGPU", "the balances")
    assert panel.vault_available_label.text() == "0.2 OGPU"
    assert panel.escrowed_label.text() == "0.003 OGPU"
    assert panel.faucet_button.isVisible()

    panel.amount_edit.setText("1,5")
    panel.deposit_button.click()
    await wait_for(panel.amount_error.message, "the amount error")
    assert "Use a dot for decimals" in panel.amount_error.message()
    assert deposits == []
    assert panel.amount_edit.text() == "1,5"
    # Deposits and withdrawals on a real network: tests/gui/test_money_flows.py.

    await wait_for(panel.faucet_button.isEnabled, "the faucet button")
    panel.faucet_button.click()
    await wait_for(lambda: faucet_calls, "the faucet request")
    await wait_for(lambda: "0xfeed" in panel.status_label.text(), "the faucet note")

    page.set_chain_link(None)
    assert panel.wallet_balance_label.text() == "Not connected"


@pytest.mark.asyncio
@pytest.mark.keychain
async def test_accounts_created_with_a_working_keychain_are_kept_there(
    qtbot: QtBot, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    require_keychain(request)
    store = KeyringKeyStore(service=f"ogpu-desktop-test-{uuid.uuid4().hex[:12]}")
    wallet = Wallet(tmp_path / "config" / "wallet.json", keychain=store)
    try:
        _page, view = await wallet_page(qtbot, wallet)
        assert not view.keychain_banner.isVisible()
        dialog = await import_hex(view, KEY, "Kept")
        await wait_for(wallet.accounts, "the imported account")
        await wait_for(lambda: is_closed(dialog), "the dialog to close")
        (account,) = wallet.accounts()
        assert account.kind == "keychain"
        assert view.kind_label.text() == "Key kept in: Keychain"
        assert store.get_key(account.address) == bytes.fromhex(KEY[2:])
        reopened = Wallet(tmp_path / "config" / "wallet.json", keychain=store)
        assert [a.address for a in reopened.accounts()] == [account.address]
    finally:
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.get_keyring().delete_password(store.service, "account-keys")


def faucet_answer(request: dict[str, object]) -> tuple[int, dict[str, object]]:
    """Like the Sandbox faucet: a hash for a 0x address, a plain error otherwise."""
    address = request.get("address")
    if isinstance(address, str) and address.startswith("0x") and len(address) == 42:
        return 200, {"tx_hash": "0x" + "ab" * 32}
    return 400, {"error": "The address is not a valid 0x… account address."}


@pytest.mark.asyncio
async def test_the_faucet_request_posts_the_address_and_reads_the_answer() -> None:
    with serve_json(faucet_answer) as base_url:
        request = faucet_request(f"{base_url}/faucet")
        assert await request(EthAccount.from_key(KEY).address) == "0x" + "ab" * 32
        with pytest.raises(FaucetError, match="refused: The address is not a valid"):
            await request("nobody")


@pytest.mark.asyncio
async def test_a_keychain_failure_during_create_brings_the_offer_back(
    qtbot: QtBot, wallet: Wallet
) -> None:
    _page, view = await wallet_page(qtbot, wallet)
    view.keychain_banner.hide()
    view.create_button.click()
    dialog = await open_dialog(view, NewAccountDialog)
    dialog.create_button.click()
    await wait_for(dialog.error_label.message, "the dialog's message")
    assert dialog.error_label.message() == NO_KEYCHAIN_MESSAGE
    assert view.keychain_banner.message() == NO_KEYCHAIN_MESSAGE
    assert view.keychain_banner.session_button.isVisible()
    assert wallet.accounts() == ()
    dialog.reject()
    await settle()


@pytest.mark.asyncio
async def test_an_account_whose_backup_was_not_confirmed_can_show_its_key_again(
    qtbot: QtBot, wallet: Wallet
) -> None:
    new = wallet.create_account("Unsaved", session_only=True)
    _page, view = await wallet_page(qtbot, wallet)
    assert "backup not confirmed" in view.kind_label.text()
    assert view.backup_button.isVisible()
    view.backup_button.click()
    dialog = await open_dialog(view, NewAccountDialog)
    await wait_for(dialog.key_field.text, "the key")
    assert EthAccount.from_key(dialog.key_field.text()).address == new.address
    dialog.confirm_check.setChecked(True)
    dialog.done_button.click()
    await wait_for(lambda: is_closed(dialog), "the dialog to close")
    await settle()
    assert wallet.account(new.address).backup_confirmed
    assert not view.backup_button.isVisible()
