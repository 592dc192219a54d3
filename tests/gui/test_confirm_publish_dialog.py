"""The review-and-sign dialog against real previews made on a Sandbox process."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.payload import build_task_configs
from ogpu_desktop.services.connection import Connection
from ogpu_desktop.services.publish_models import PublishPreview
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import ConfirmPublishDialog
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import review_transaction
from tests.gui.publish_helpers import answer_transaction, sandbox_connection, shown, wait_for
from tests.helpers.sandbox import sandbox_info, source_address

__all__ = ["sandbox_info"]

PAYMENT = 10**15


async def _preview(
    connection: Connection, info: dict[str, Any], texts: list[str], task_type: str,
    source_pipeline: str | None = None,
) -> PublishPreview:
    values: dict[str, object] = {"text": "\n".join(texts), "several": len(texts) > 1}
    payloads = build_task_configs(task_type, values)
    services = connection.services
    sender = services.wallet.active_address
    assert sender is not None
    return await services.publish.preview(
        payloads.configs, source=source_address(info, source_pipeline or task_type),
        payment_wei=PAYMENT, duration_s=600, sender=sender, task_type=task_type,
    )


@pytest.fixture
def host(qtbot: QtBot) -> Iterator[QWidget]:
    """A window behind the dialog, as in the app: closing the dialog must not end the Qt loop."""
    with shown(QWidget()) as window:
        yield window


def _dialog(host: QWidget, preview: PublishPreview, top_up: Any = None) -> ConfirmPublishDialog:
    dialog = ConfirmPublishDialog(preview, top_up, host)
    dialog.show()
    return dialog


@pytest.mark.asyncio
async def test_an_empty_vault_shows_required_against_available_and_deposits_the_difference(
    host: QWidget, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path) as connection:
        texts = ["Great!", "Awful.", "Fine."]
        preview = await _preview(connection, sandbox_info, texts, "text-classification")
        services = connection.services
        deposits: list[int] = []

        async def top_up(amount: int, over: QWidget) -> PublishPreview | None:
            deposits.append(amount)
            signer = services.active_signer()
            plan = await services.actions.plan_deposit(signer.address, amount)
            if not await review_transaction(plan, over):
                return None
            await services.actions.execute(plan, signer)
            return await _preview(connection, sandbox_info, texts, "text-classification")

        dialog = _dialog(host, preview, top_up)
        assert not dialog.sign_button.isEnabled()
        assert dialog.shortfall.text() == (
            "Not enough in the vault: these tasks need 0.003 OGPU, the vault holds 0 OGPU."
        )
        # Enough for ten tasks is suggested; the batch itself is the smallest choice.
        assert dialog.top_up.choice.currentText() == (
            "Deposit 0.01 OGPU — enough for 10 tasks like this")
        assert dialog.top_up.choice.itemText(0) == (
            "Deposit 0.003 OGPU — enough for 3 tasks like this")
        dialog.top_up.choice.setCurrentIndex(0)
        assert dialog.deposit_button.text() == "Deposit only"
        assert "Deposit at least 0.003 OGPU" in dialog.problems.text()
        assert dialog.fields["task_type"].text() == (
            "Text classification — a batch of 3 tasks"
        )
        assert dialog.fields["total"].text().startswith("0.003 OGPU from the vault")
        dialog.deposit_button.click()
        facts = await answer_transaction(dialog, sign=False)  # its own fee first; go back
        assert facts["amount"] == "0.003 OGPU from your wallet"
        assert facts["fee"].startswith("about ")
        await wait_for(lambda: dialog.shortfall.text().endswith("Nothing was deposited."),
                       "the note that nothing was deposited")
        assert not dialog.sign_button.isEnabled()
        assert dialog.preview is preview
        await wait_for(dialog.deposit_button.isEnabled, "the Deposit button")
        dialog.deposit_button.click()
        await answer_transaction(dialog, sign=True)
        await wait_for(dialog.sign_button.isEnabled, "the deposit and a new preview")
        assert deposits == [3 * PAYMENT, 3 * PAYMENT]
        assert dialog.preview is not preview
        assert dialog.preview.vault_available_wei == 3 * PAYMENT
        assert dialog.fields["vault"].text() == "0.003 OGPU now, 0 OGPU after"
        assert dialog.shortfall.isHidden()
        assert dialog.problems.isHidden()
        dialog.sign_button.click()
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.decision() is dialog.preview


@pytest.mark.asyncio
async def test_every_fact_is_in_plain_words_with_the_exact_json(
    host: QWidget, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path) as connection:
        services = connection.services
        await services.actions.deposit(services.active_signer(), PAYMENT)
        preview = await _preview(connection, sandbox_info, ["I love it"], "text-classification")
        dialog = _dialog(host, preview)
        assert preview.can_publish
        assert dialog.sign_button.isEnabled()
        assert dialog.headline.text() == preview.summary()
        assert dialog.fields["task_type"].text() == "Text classification"
        source = dialog.fields["source"].text()
        assert source.startswith("Sandbox · Sentiment (text classification) · runs "
                                 "text-classification (distilbert/")
        assert "the first answer is final" in source
        assert source.endswith(source_address(sandbox_info, "text-classification"))
        assert dialog.fields["network"].text() == "Sandbox (this computer) (chain ID 1337)"
        assert dialog.fields["sender"].text() == services.wallet.active_address
        assert dialog.fields["payment"].text().startswith("0.001 OGPU per task")
        assert dialog.fields["fee"].text().startswith("about 0.00")
        assert "(paid from the wallet)" in dialog.fields["fee"].text()
        local = time.strftime("%Y-%m-%d %H:%M", time.localtime(preview.expiry_estimate))
        assert dialog.fields["expiry"].text() == f"{local} (in 10 minutes)"
        assert "anyone can read it" in dialog.ipfs_notice.text()
        assert dialog.json_view.isHidden()
        dialog.json_toggle.click()
        assert not dialog.json_view.isHidden()
        assert dialog.json_view.toPlainText() == preview.config_texts[0]
        assert json.loads(dialog.json_view.toPlainText())["data"]["input"] == "I love it"
        # A short screen (200 % on a laptop): the facts scroll up and down, none is squeezed.
        dialog.resize(dialog.width(), 320)
        QApplication.processEvents()
        squeezed = [name for name, label in dialog.fields.items()
                    if label.height() < label.heightForWidth(label.width())]
        assert squeezed == []
        assert dialog.facts_scroll.verticalScrollBar().maximum() > 0
        assert dialog.facts_scroll.horizontalScrollBar().maximum() == 0
        assert dialog.sign_button.isVisible()
        dialog.cancel_button.click()
        assert dialog.decision() is None


@pytest.mark.asyncio
async def test_a_mismatched_source_is_listed_and_a_too_low_payment_blocks_signing(
    host: QWidget, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path) as connection:
        services = connection.services
        await services.actions.deposit(services.active_signer(), PAYMENT)
        preview = await _preview(connection, sandbox_info, ["Bonjour"], "text-classification",
                                 source_pipeline="translation")
        dialog = _dialog(host, preview)
        assert "This source runs the translation pipeline" in dialog.notices.text()
        assert dialog.sign_button.isEnabled()  # a warning, not a refusal
        low = await services.publish.preview(
            [json.loads(preview.config_texts[0])], source=preview.source.address,
            payment_wei=PAYMENT // 2, duration_s=600, sender=preview.sender,
            task_type="text-classification",
        )
        dialog.show_preview(low)
        assert not dialog.sign_button.isEnabled()
        assert "This source asks at least 0.001 OGPU per task" in dialog.problems.text()
        assert dialog.deposit_button.isHidden()  # the vault holds enough


@pytest.mark.asyncio
async def test_one_review_offers_a_deposit_for_ten_tasks_and_deposit_only_keeps_signing_off(
    host: QWidget, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path) as connection:
        services = connection.services
        sender = services.active_signer().address
        preview = await _preview(connection, sandbox_info, ["Lovely"], "text-classification")

        async def top_up(amount: int, over: QWidget) -> PublishPreview | None:
            plan = await services.actions.plan_deposit(sender, amount)
            if not await review_transaction(plan, over):
                return None
            await services.actions.execute(plan, services.active_signer())
            return await _preview(connection, sandbox_info, ["Lovely"], "text-classification")

        async def plan_top_up(amount: int) -> Any:
            return await services.actions.plan_deposit(sender, amount)

        dialog = ConfirmPublishDialog(preview, top_up, host, plan_top_up=plan_top_up,
                                      top_up_tasks=5)
        dialog.show()
        # The count chosen last time is suggested again.
        assert dialog.top_up.choice.currentText() == (
            "Deposit 0.005 OGPU — enough for 5 tasks like this")
        await wait_for(dialog.sign_button.isEnabled, "the deposit's fee")
        assert dialog.sign_button.text() == "Deposit and publish"
        assert dialog.deposit_plan is not None
        assert dialog.deposit_plan.value_wei == 5 * PAYMENT
        assert dialog.fields["fee"].text().endswith("for the deposit (both paid from the wallet)")
        # Another choice plans again.
        dialog.top_up.choice.setCurrentIndex(dialog.top_up.choice.findData(10))
        assert dialog.deposit_plan is None
        await wait_for(lambda: dialog.deposit_plan is not None, "the new deposit's fee")
        assert dialog.deposit_plan is not None
        assert dialog.deposit_plan.value_wei == 10 * PAYMENT
        # "Deposit only": its own review; signing the publish stays off until it is done.
        dialog.deposit_button.click()
        await asyncio.sleep(0.05)
        assert not dialog.sign_button.isEnabled()
        await answer_transaction(dialog, sign=True)
        await wait_for(dialog.sign_button.isEnabled, "the deposit and a new preview")
        assert dialog.sign_button.text() == "Sign and publish"
        assert dialog.preview.vault_available_wei == 10 * PAYMENT
        assert dialog.deposit_plan is None
        assert dialog.top_up.isHidden()
        dialog.sign_button.click()
        assert dialog.decision() is dialog.preview
