"""The Settings page: fields checked beside themselves, the custom network check, persistence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ogpu_desktop.chain.errors import WrongNetworkError
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.palettes import apply_theme
from ogpu_desktop.ui.settings.preferences import CustomNetwork, Preferences, Theme
from ogpu_desktop.ui.settings.settings_page import FIX_FIELDS_MESSAGE, SettingsPage
from tests.gui.wallet_helpers import settle, wait_for
from tests.gui.wallet_http import serve_json

SANDBOX_CHAIN_ID = 1337
CONTRACTS = {
    "nexus": "0x" + "11" * 20,
    "controller": "0x" + "22" * 20,
    "terminal": "0x" + "33" * 20,
    "vault": "0x" + "44" * 20,
}


def chain_id_answer(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """JSON-RPC like a node of chain 1337 that knows only ``eth_chainId``."""
    if request.get("method") == "eth_chainId":
        return 200, {"jsonrpc": "2.0", "id": request["id"], "result": hex(SANDBOX_CHAIN_ID)}
    return 200, {
        "jsonrpc": "2.0", "id": request.get("id"),
        "error": {"code": -32601, "message": "method not found"},
    }


@pytest.fixture
def rpc_url() -> Iterator[str]:
    """A real JSON-RPC endpoint over HTTP on 127.0.0.1 that serves chain 1337."""
    with serve_json(chain_id_answer) as url:
        yield url


@pytest.fixture
def app_settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "config")


@pytest.fixture(autouse=True)
def _system_theme_after() -> Iterator[None]:
    yield
    apply_theme(Theme.SYSTEM)


def make_page(qtbot: QtBot, app_settings: AppSettings) -> SettingsPage:
    page = SettingsPage(app_settings)
    qtbot.addWidget(page)
    page.resize(800, 900)
    page.show()
    return page


def fill_custom(page: SettingsPage, rpc_url: str, chain_id: int) -> None:
    page.network_combo.setCurrentIndex(page.network_combo.findData("custom"))
    form = page.custom_form
    form.rpc_url.edit.setText(rpc_url)
    form.chain_id.edit.setText(str(chain_id))
    for name, field in form.contracts.items():
        field.edit.setText(CONTRACTS[name])


def test_a_bad_url_is_refused_beside_its_field_and_nothing_is_saved(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    page = make_page(qtbot, app_settings)
    changes: list[Preferences] = []
    page.settings_changed.connect(changes.append)
    page.pinning_edit.setText("ftp://pin.example.org/upload")
    page.gateway_edit.setText("https://")
    page.payment_edit.setText("1,5")
    page.save_button.click()
    assert page.pinning_error.message() == (
        "The pinning endpoint must start with http:// or https://."
    )
    assert "needs a host name" in page.gateway_error.message()
    assert "Use a dot for decimals" in page.payment_error.message()
    assert page.status_label.text() == FIX_FIELDS_MESSAGE
    assert page.pinning_edit.text() == "ftp://pin.example.org/upload"
    assert changes == []
    assert make_page(qtbot, app_settings).preferences == Preferences()


def test_a_url_is_checked_when_the_field_is_left(qtbot: QtBot, app_settings: AppSettings) -> None:
    page = make_page(qtbot, app_settings)
    page.gateway_edit.setText("gateway.example.org")
    page.gateway_edit.editingFinished.emit()
    assert "must start with http:// or https://" in page.gateway_error.message()
    page.gateway_edit.textEdited.emit("h")
    assert page.gateway_error.message() == ""


def test_the_values_saved_are_shown_by_a_new_page(qtbot: QtBot, app_settings: AppSettings) -> None:
    page = make_page(qtbot, app_settings)
    changes: list[Preferences] = []
    page.settings_changed.connect(changes.append)
    page.network_combo.setCurrentIndex(page.network_combo.findData("testnet"))
    page.pinning_edit.setText(" https://pin.example.org/file/create ")
    page.gateway_edit.setText("https://gateway.example.org/ipfs/")
    page.payment_edit.setText("0.002")
    page.expiry_combo.setCurrentIndex(page.expiry_combo.findData(3600))
    page.image_side_spin.setValue(2048)
    page.theme_combo.setCurrentIndex(page.theme_combo.findData("dark"))
    page.notifications_check.setChecked(False)
    page.save_button.click()

    expected = Preferences(
        network="testnet",
        pinning_url="https://pin.example.org/file/create",
        gateway_url="https://gateway.example.org/ipfs/",
        default_payment_wei=2 * 10**15,
        default_expiry_s=3600,
        image_max_side=2048,
        theme=Theme.DARK,
        notifications=False,
    )
    assert changes == [expected]
    assert page.status_label.text() == "Settings saved."
    assert QApplication.palette().window().color().lightness() < 100

    again = make_page(qtbot, AppSettings(app_settings.path.parent))
    assert again.preferences == expected
    assert again.payment_edit.text() == "0.002"
    assert again.expiry_combo.currentData() == 3600
    assert again.image_side_spin.value() == 2048
    assert again.theme_combo.currentData() == "dark"
    assert not again.notifications_check.isChecked()
    assert again.network_combo.currentData() == "testnet"
    assert not again.custom_form.isVisible()


def test_revert_drops_unsaved_edits(qtbot: QtBot, app_settings: AppSettings) -> None:
    page = make_page(qtbot, app_settings)
    page.payment_edit.setText("3")
    page.revert_button.click()
    assert page.payment_edit.text() == ""


def test_custom_fields_are_checked_beside_each_field(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    page = make_page(qtbot, app_settings)
    fill_custom(page, "localhost:8545", 0)
    page.custom_form.contracts["vault"].edit.setText("0x1234")
    page.custom_form.check_button.click()
    form = page.custom_form
    assert form.isVisible()
    assert "must start with http:// or https://" in form.rpc_url.error.message()
    assert form.chain_id.error.message() == "The chain ID is a positive whole number, such as 1071."
    assert "Vault address is 0x followed by 40" in form.contracts["vault"].error.message()
    assert form.contracts["nexus"].error.message() == ""
    assert "Fix the fields" in form.check_result.text()


@pytest.mark.asyncio
async def test_check_tells_expected_and_answered_chain_ids_and_save_waits_for_a_match(
    qtbot: QtBot, app_settings: AppSettings, rpc_url: str
) -> None:
    page = make_page(qtbot, app_settings)
    changes: list[Preferences] = []
    page.settings_changed.connect(changes.append)
    fill_custom(page, rpc_url, 1071)
    page.custom_form.check_button.click()
    await wait_for(lambda: "⚠" in page.custom_form.check_result.text(), "the check's answer")
    assert "expected chain ID 1071, the endpoint answered 1337" in (
        page.custom_form.check_result.text()
    )
    page.save_button.click()
    await settle()
    assert changes == []
    assert "did not pass its check" in page.status_label.text()

    page.custom_form.chain_id.edit.setText(str(SANDBOX_CHAIN_ID))
    page.save_button.click()
    await wait_for(lambda: changes, "the settings to be saved")
    saved = changes[0]
    assert saved.network == "custom"
    assert saved.custom_network == CustomNetwork(
        rpc_url=rpc_url, chain_id=SANDBOX_CHAIN_ID, **CONTRACTS
    )
    assert "answers chain ID 1337" in page.custom_form.check_result.text()
    again = make_page(qtbot, AppSettings(app_settings.path.parent))
    assert again.preferences.custom_network == saved.custom_network
    assert again.custom_form.rpc_url.edit.text() == rpc_url
    await settle()


@pytest.mark.asyncio
async def test_the_injected_checker_receives_the_network_typed(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    page = make_page(qtbot, app_settings)
    seen: list[CustomNetwork] = []

    async def checker(network: CustomNetwork) -> None:
        seen.append(network)
        raise WrongNetworkError(network.chain_id, 5)

    page.set_network_checker(checker)
    fill_custom(page, "https://rpc.example.org", 1071)
    page.custom_form.check_button.click()
    await wait_for(lambda: seen, "the checker to be called")
    await settle()
    assert seen == [CustomNetwork("https://rpc.example.org", 1071, **CONTRACTS)]
    assert "expected chain ID 1071, the endpoint answered 5" in (
        page.custom_form.check_result.text()
    )
