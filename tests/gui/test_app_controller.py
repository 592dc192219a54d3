"""The window wired to a Sandbox: connect, status bar, publish through review and sign."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.app import build_parts
from ogpu_desktop.config import AppPaths
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.controller.app_controller import AppController
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import ConfirmPublishDialog
from ogpu_desktop.ui.dialogs.publish_progress_dialog import PublishProgressDialog
from ogpu_desktop.ui.main_window import COMPOSE_ROW, TASKS_ROW, WALLET_ROW, MainWindow
from ogpu_desktop.ui.settings.preferences import CustomNetwork, Preferences
from tests.gui.publish_helpers import (
    answer_transaction,
    dispose,
    is_closed,
    shown,
    visible_dialog,
    wait_for,
)
from tests.helpers.sandbox import sandbox_info

__all__ = ["sandbox_info"]


@asynccontextmanager
async def controlled_window(
    profile: AppPaths, data_dir: Path, sandbox_url: str
) -> AsyncIterator[tuple[MainWindow, AppController]]:
    """A shown main window and its (not yet started) controller; closed and disposed after."""
    options = LaunchOptions(data_dir=data_dir, sandbox_url=sandbox_url)
    window = MainWindow(profile, options, AppSettings(profile.config_dir))
    window.show()
    controller = AppController(window, build_parts(profile))
    try:
        yield window, controller
    finally:
        window.close()
        await wait_for(lambda: is_closed(window), "the window to close", 20)
        dispose(window)


@pytest.fixture
def keeper(qtbot: QtBot) -> Iterator[QWidget]:
    """Another open window, so closing the main window does not end the test's Qt loop."""
    with shown(QWidget()) as widget:
        yield widget


@pytest.mark.asyncio
async def test_first_publish_on_the_sandbox_goes_from_compose_to_the_task_list(
    qtbot: QtBot, profile: AppPaths, sandbox_info: dict[str, Any], tmp_path: Path,
    keeper: QWidget,
) -> None:
    async with controlled_window(profile, tmp_path, sandbox_info["rpc_url"]) as (
        window, controller
    ):
        status = window.status_bar
        controller.start()
        await wait_for(lambda: status.connection_label.text() == "Connected", "the connection")
        assert status.network_label.text() == "Network: Sandbox (this computer)"
        assert status.chain_label.text() == "Chain ID: 1337"
        assert status.block_label.text() != "Block: —"
        assert controller.connection is not None
        assert controller.connection.sandbox is None  # attached to the running one
        # Pages are built on first show; the Tasks page also on connecting (it follows tasks).
        assert window.has_page(TASKS_ROW)
        assert not window.has_page(WALLET_ROW)
        window.show_page(WALLET_ROW)
        view = window.wallet_page.view
        assert view is not None  # the wallet and the network, given when the page was built
        assert view.balances.network_label.text() == "Network: Sandbox (this computer)"
        window.show_page(COMPOSE_ROW)

        page = window.compose_page
        page.set_task_type("text-classification")
        page.form.editors["text"].set_value("What a lovely day")
        await wait_for(lambda: page.source_picker.info is not None, "the demo source")
        page.publish_button.click()
        # No account yet: the Sandbox's own is made and funded, then the review opens.
        review = await visible_dialog(window, ConfirmPublishDialog)
        wallet = controller.connection.services.wallet
        assert wallet.active_account() is not None
        assert "Sandbox account was created" in window.banner.message()
        # One review covers a deposit for ten tasks and the publish, with both fees.
        assert review.top_up.choice.currentText() == (
            "Deposit 0.01 OGPU — enough for 10 tasks like this")
        await wait_for(review.sign_button.isEnabled, "the deposit's fee")
        assert review.sign_button.text() == "Deposit and publish"
        assert re.fullmatch(r"Network fee about 0\.\d+ OGPU for the deposit\. Signing makes "
                            r"the deposit, then publishes: one review for both\.",
                            review.top_up.note.text()), review.top_up.note.text()
        assert re.fullmatch(r"about 0\.\d+ OGPU to publish, plus about 0\.\d+ OGPU for the "
                            r"deposit \(both paid from the wallet\)", review.fields["fee"].text())
        assert review.problems.isHidden()  # the vault's shortfall is what the deposit solves
        assert review.fields["vault"].text() == (
            "0 OGPU now, 0.009 OGPU after the deposit and this task")
        assert "payment goes to the provider" in review.fee_explanation.text()
        assert status.currentMessage() == ""  # not "Preparing the review…" over the review
        review.sign_button.click()
        progress = await visible_dialog(window, PublishProgressDialog)
        await wait_for(lambda: progress.finished_publishing, "the publish")
        assert progress.headline.text().startswith("Published: the task is on the network")
        assert not progress.cancel_button.isEnabled()
        outcome = controller.publish_flow.last_outcome
        assert outcome is not None
        assert outcome.all_published
        task = outcome.tasks[0].task
        assert task is not None
        progress.close_button.click()
        model = window.task_model
        await wait_for(lambda: model.position_of(task) is not None, "the task in the list")
        # The Tasks page is shown once the publish's own poll is done (the list may be first).
        await wait_for(lambda: window.navigation.currentRow() == 1, "the Tasks page")
        # ... with the task just published chosen, its detail below the list.
        tasks_page = window.tasks_page
        assert [row.address for row in tasks_page.selected_rows()] == [task]
        assert tasks_page.detail.record is not None
        assert tasks_page.detail.record.address == task
        assert window.settings.top_up_tasks() == 10  # suggested again next time
        # No Refresh pressed: the Wallet page follows the deposit and the publish.
        balances = view.balances
        await wait_for(lambda: balances.vault_available_label.text() == "0.009 OGPU",
                       "the vault after the deposit and the publish")
        assert balances.escrowed_label.text() == "0.001 OGPU"
    assert controller.connection is None
    assert controller.parts is None


@pytest.mark.asyncio
async def test_publishing_before_a_connection_says_why(
    qtbot: QtBot, profile: AppPaths, tmp_path: Path, keeper: QWidget
) -> None:
    # Attaching to a port where nothing listens fails: the window says so and stays usable.
    async with controlled_window(profile, tmp_path, "http://127.0.0.1:9") as (window, controller):
        controller.start()
        await wait_for(lambda: "No Sandbox answers" in window.banner.message(), "the error")
        assert window.status_bar.connection_label.text().startswith("Not connected: No Sandbox")
        page = window.compose_page
        page.set_task_type("translation")
        page.form.editors["text"].set_value("Hello")
        page.publish_button.click()
        await wait_for(lambda: "not connected yet" in window.banner.message(), "the refusal")


@pytest.mark.asyncio
async def test_saved_settings_reconnect_and_a_wrong_chain_id_is_explained(
    qtbot: QtBot, profile: AppPaths, sandbox_info: dict[str, Any], tmp_path: Path,
    keeper: QWidget,
) -> None:
    contracts = sandbox_info["contracts"]

    def custom(chain_id: int) -> Preferences:
        return Preferences(network="custom", custom_network=CustomNetwork(
            sandbox_info["rpc_url"], chain_id, contracts["nexus"], contracts["controller"],
            contracts["terminal"], contracts["vault"],
        ))

    async with controlled_window(profile, tmp_path, sandbox_info["rpc_url"]) as (
        window, controller
    ):
        status = window.status_bar
        controller.start()
        await wait_for(lambda: status.connection_label.text() == "Connected", "the connection")
        first = controller.connection
        # The same chain described as a custom network: a new connection, nothing set aside.
        window.settings_page.settings_changed.emit(custom(1337))
        await wait_for(lambda: status.network_label.text() == "Network: Custom network",
                       "the custom network")
        await wait_for(lambda: status.connection_label.text() == "Connected", "reconnecting")
        assert controller.connection is not first
        assert controller.connection is not None
        assert controller.connection.previous_run is None
        assert controller.connection.faucet_url is None
        # A chain ID the endpoint does not serve: refused, said in plain words.
        window.settings_page.settings_changed.emit(custom(999))
        await wait_for(lambda: "Wrong network" in window.banner.message(), "the refusal")
        assert "expected chain ID 999, the endpoint answered 1337" in window.banner.message()
        assert status.connection_label.text().startswith("Not connected: Wrong network")
        assert controller.connection is None
        assert window.compose_page.source_picker.terms_label.text().startswith("Connect to")
    assert controller.parts is None


@pytest.mark.asyncio
async def test_publish_again_opens_the_compose_page_with_the_task_filled_in(
    qtbot: QtBot, profile: AppPaths, sandbox_info: dict[str, Any], tmp_path: Path,
    keeper: QWidget,
) -> None:
    async with controlled_window(profile, tmp_path, sandbox_info["rpc_url"]) as (
        window, controller
    ):
        controller.start()
        await wait_for(lambda: window.status_bar.connection_label.text() == "Connected",
                       "the connection")
        page = window.compose_page
        picker = page.source_picker
        page.set_task_type("translation")
        page.form.editors["text"].set_value("Publish me twice")
        page.form.editors["tgt_lang"].set_value("fr")
        await wait_for(lambda: picker.info is not None, "the demo source")
        source = picker.current_address()
        picker.payment_edit.setText("0.0025")
        picker.expiry_combo.setCurrentIndex(picker.expiry_combo.findData(1800))
        page.publish_button.click()
        review = await visible_dialog(window, ConfirmPublishDialog)
        review.deposit_button.click()
        await answer_transaction(review, sign=True)
        await wait_for(review.sign_button.isEnabled, "the deposit")
        review.sign_button.click()
        progress = await visible_dialog(window, PublishProgressDialog)
        await wait_for(lambda: progress.finished_publishing, "the publish")
        outcome = controller.publish_flow.last_outcome
        assert outcome is not None
        task = outcome.tasks[0].task
        assert task is not None
        progress.close_button.click()
        tasks_page = window.tasks_page
        await wait_for(lambda: tasks_page.select_task(task), "the task in the list")

        # Another type and other terms on the Compose page, then Publish again.
        page.set_task_type("summarization")
        await wait_for(lambda: picker.current_address().lower() != source.lower(),
                       "the summarization source")
        assert tasks_page.clone_action.isEnabled()
        tasks_page.clone_action.trigger()
        assert window.navigation.currentRow() == COMPOSE_ROW
        assert page.current_type() == "translation"
        assert page.form.editors["text"].value() == "Publish me twice"
        assert page.form.editors["tgt_lang"].value() == "fr"
        await wait_for(lambda: picker.info is not None
                       and picker.info.address.lower() == source.lower(), "the task's source")
        assert picker.payment_edit.text() == "0.0025"
        assert picker.expiry_combo.currentData() == 1800
        await wait_for(page.publish_button.isEnabled, "Publish to be ready")
