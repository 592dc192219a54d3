"""Money through the window on a real Sandbox: fee and total before each signature, plain refusals.

The Wallet page is wired to real services exactly as the app wires it (``wallet_chain_link``);
deposits and withdrawals are real transactions.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import Store
from ogpu_desktop.ui.controller.app_controller import wallet_chain_link
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import ConfirmPublishDialog
from ogpu_desktop.ui.dialogs.confirm_transaction_dialog import ConfirmTransactionDialog
from ogpu_desktop.ui.wallet.balances_panel import BalancesPanel
from ogpu_desktop.wallet.accounts import Wallet
from tests.gui.publish_helpers import answer_transaction, dispose
from tests.gui.wallet_helpers import session_view, settle, wait_for
from tests.helpers.keychain import no_keychain
from tests.helpers.sandbox import ETHER, fund, sandbox_info, source_address

__all__ = ["no_keychain", "sandbox_info"]

FEE = r"0\.\d{1,8} OGPU"


@dataclass
class Money:
    """A funded session-only account shown on the Wallet page, with real services."""

    services: AppServices
    panel: BalancesPanel
    address: str

    def journal(self) -> list[Any]:
        session = self.services.session
        return list(session.store.journal.journal_all(session.chain_id))


@pytest_asyncio.fixture
async def money(
    qtbot: QtBot, sandbox_info: dict[str, Any], tmp_path: Path, no_keychain: None
) -> AsyncIterator[Money]:
    wallet = Wallet.for_config_dir(tmp_path / "profile" / "config")
    page, view = await session_view(qtbot, wallet)
    account = wallet.create_account("Money", session_only=True).account
    wallet.set_active(account.address)
    view.refresh_accounts()
    await asyncio.get_running_loop().run_in_executor(
        None, fund, sandbox_info, account.address, 10 * ETHER)
    store = Store(tmp_path / "history.sqlite3")
    session = await ChainSession.open(sandbox_network(sandbox_info), store)
    services = AppServices.for_session(session, wallet)
    page.set_chain_link(wallet_chain_link(services, None))
    panel = view.balances
    await wait_for(lambda: panel.wallet_balance_label.text() == "10 OGPU", "the balances")
    try:
        yield Money(services, panel, account.address)
        await settle()
    finally:
        await session.close()
        store.close()


async def _press(panel: BalancesPanel, button: str, amount: str) -> None:
    panel.amount_edit.setText(amount)
    await wait_for(getattr(panel, button).isEnabled, f"the {button}")
    getattr(panel, button).click()


@pytest.mark.asyncio
async def test_depositing_more_than_the_wallet_holds_says_the_numbers_beside_the_amount(
    money: Money,
) -> None:
    panel = money.panel
    await _press(panel, "deposit_button", "999999")
    await wait_for(panel.amount_error.message, "the amount's message")
    assert re.fullmatch(
        rf"You have 10 OGPU; this deposit needs 999,999 OGPU plus a fee of about {FEE}\. "
        r"Enter at most 9\.9\d* OGPU, or add funds to the wallet\.",
        panel.amount_error.message(),
    ), panel.amount_error.message()
    assert panel.findChild(ConfirmTransactionDialog) is None  # nothing to sign
    assert money.journal() == []
    assert panel.amount_edit.text() == "999999"  # what was typed stays
    assert panel.wallet_balance_label.text() == "10 OGPU"


@pytest.mark.asyncio
async def test_a_deposit_shows_its_fee_and_total_before_signing_and_a_second_one_follows(
    money: Money,
) -> None:
    panel = money.panel
    await _press(panel, "deposit_button", "1.5")
    shown = await answer_transaction(panel, sign=False)
    assert shown["headline"] == (
        "Move 1.5 OGPU from your wallet into your vault, where tasks are paid from."
    )
    assert shown["amount"] == "1.5 OGPU from your wallet"
    assert re.fullmatch(rf"about {FEE}, at most {FEE} \(paid from the wallet\)", shown["fee"])
    assert re.fullmatch(r"about 1\.50\d* OGPU from your wallet \(at most 1\.50\d* OGPU\)",
                        shown["total"])
    assert re.fullmatch(r"10 OGPU now, about 8\.49\d* OGPU after", shown["wallet"])
    assert shown["network"] == "Sandbox (this computer) (chain ID 1337)"
    assert shown["sender"] == money.address
    await wait_for(lambda: panel.status_label.text() == "Nothing was sent.", "the note")
    assert money.journal() == []

    await _press(panel, "deposit_button", "1.5")
    await answer_transaction(panel, sign=True)
    await wait_for(lambda: panel.vault_available_label.text() == "1.5 OGPU", "the deposit")
    assert "Deposited 1.5 OGPU" in panel.status_label.text()
    await _press(panel, "deposit_button", "0.5")
    await answer_transaction(panel, sign=True)
    await wait_for(lambda: panel.vault_available_label.text() == "2 OGPU", "the second deposit")
    # After two fees the wallet holds 18 decimals: shown to six, rounded down, exact elsewhere.
    await wait_for(lambda: panel.wallet_balance_label.text() != "10 OGPU", "the fees")
    exact = panel.wallet_balance_label.exact()
    assert exact is not None
    assert len(exact.partition(".")[2]) > 6
    shown_balance = panel.wallet_balance_label.text()
    assert re.fullmatch(r"7\.99\d{0,4} OGPU", shown_balance), shown_balance
    assert exact.startswith(shown_balance.removesuffix(" OGPU").rstrip("0"))
    assert panel.wallet_balance_label.toolTip() == f"Exactly {exact} OGPU"
    panel.wallet_balance_label.copy_exact()
    assert QGuiApplication.clipboard().text() == exact
    assert [(e.kind, e.nonce, e.state) for e in sorted(money.journal(), key=lambda e: e.nonce)
            ] == [("deposit", 0, "mined"), ("deposit", 1, "mined")]

    await _press(panel, "withdraw_button", "5")
    await wait_for(panel.amount_error.message, "the withdrawal's message")
    assert panel.amount_error.message() == (
        "Your vault has 2 OGPU available; this withdrawal needs 5 OGPU."
    )
    await _press(panel, "withdraw_button", "0.5")
    shown = await answer_transaction(panel, sign=True)
    assert shown["headline"] == "Move 0.5 OGPU from your vault back to your wallet."
    assert shown["amount"] == "Nothing besides the fee"
    await wait_for(lambda: panel.vault_available_label.text() == "1.5 OGPU", "the withdrawal")


@pytest.mark.asyncio
async def test_the_review_says_why_an_absurd_payment_cannot_be_topped_up(
    qtbot: QtBot, money: Money, sandbox_info: dict[str, Any]
) -> None:
    services = money.services
    preview = await services.publish.preview(
        [{"function_name": "inference", "data": {"input": "absurd"}}],
        source=source_address(sandbox_info, "text-classification"),
        payment_wei=999_999 * ETHER, duration_s=600, sender=money.address,
        task_type="text-classification",
    )
    offered: list[int] = []

    async def top_up(amount: int, _over: object) -> None:
        offered.append(amount)

    dialog = ConfirmPublishDialog(preview, top_up)
    try:
        dialog.show()
        assert not dialog.sign_button.isEnabled()
        assert not dialog.deposit_button.isEnabled()
        why = (
            "Your wallet has 10 OGPU, so it cannot deposit the 999,999 OGPU still missing (plus "
            "the deposit's network fee). Lower the payment or the number of tasks, or add funds "
            "to the wallet first."
        )
        assert dialog.top_up.choice.currentIndex() == 0  # the smallest: none is affordable
        assert dialog.top_up.note.text() == why
        assert "Your vault has 0 OGPU available; this task needs 999,999 OGPU." in (
            dialog.problems.text())
        assert offered == []
    finally:
        dispose(dialog)


@pytest.mark.asyncio
async def test_balances_follow_a_send_made_elsewhere_without_a_refresh(money: Money) -> None:
    panel = money.panel
    assert panel.vault_available_label.text() == "0 OGPU"
    # A deposit sent by another part of the app (as a publish's top-up is), not by this panel.
    services = money.services
    signer = services.wallet.signer_for(money.address, services.session.chain_id)
    plan = await services.actions.plan_deposit(money.address, ETHER // 4)
    await services.actions.execute(plan, signer)
    await wait_for(lambda: panel.vault_available_label.text() == "0.25 OGPU",
                   "the balances to follow the settled send")
