"""Task and vault actions: cancel, confirm, deposit, withdraw, and the three balances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.domain.money_words import amount_words, vault_shortfall
from ogpu_desktop.domain.records import JournalEntry, ResponseRecord
from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner
from ogpu_desktop.domain.task_status import state_of
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import checked_address
from ogpu_desktop.services.tx_plans import NotEnoughFundsError, TxPlan, execute_plan, plan_call

TASK_NEW = 0
TASK_STATUS_NAMES = {
    0: "new", 1: "attempted", 2: "responded", 3: "canceled", 4: "expired", 5: "finalized",
}


@dataclass(frozen=True)
class Balances:
    """Where the user's money is, in wei.

    Attributes:
        wallet: Native balance of the wallet (pays network fees and deposits).
        vault_available: ``Vault.balanceOf``: what new tasks can use and what can be withdrawn.
        escrowed: ``Vault.frozenPayment``: held for published tasks not yet settled.
    """

    wallet: int
    vault_available: int
    escrowed: int


class ActionService:
    """Single-transaction actions, planned (fee and total known) before they are signed."""

    def __init__(self, session: ChainSession) -> None:
        self.session = session

    async def balances(self, account: str) -> Balances:
        """Wallet, vault-available and escrowed amounts, read in one batched request."""
        account = checked_address(account, "wallet")
        vault = self.session.contracts.vault
        client = self.session.client
        async with client.w3.batch_requests() as batch:
            batch.add(client.w3.eth.get_balance(account))  # type: ignore[arg-type]
            batch.add(vault.functions.balanceOf(account))
            batch.add(vault.functions.frozenPayment(account))
            wallet, available, frozen = await client.run(
                batch.async_execute(), "Reading the balances"
            )
        return Balances(int(wallet), int(available), int(frozen))  # type: ignore[call-overload]

    async def task_status(self, task: str) -> int:
        """The on-chain status of a task."""
        contract = self.session.contracts.task(checked_address(task, "task"))
        return int(
            await self.session.client.run(contract.functions.getStatus().call(),
                                          "Reading the task status")
        )

    # Each transaction is planned first (simulated, fee quoted, balances checked) so a dialog
    # can show its fee and total before anything is signed; ``execute`` then signs that plan.

    async def plan_cancel(self, sender: str, task: str, *, name: str | None = None) -> TxPlan:
        """Plan cancelling a task no provider has attempted yet (its escrow returns).

        Args:
            sender: The task's client.
            task: The task's address.
            name: How to call the task in the summary (default: its address).

        Raises:
            ValidationError: The task is past NEW; the message says what state it is in.
        """
        task = checked_address(task, "task")
        status = await self.task_status(task)
        if status != TASK_NEW:
            raise ValidationError(
                f"This task can no longer be cancelled: it is {state_of(status).label.lower()}. "
                "Only a task that no provider has attempted yet can be cancelled.",
                "task",
            )
        record = self.session.store.tasks.get_task(self.session.chain_id, task)
        payment = (
            f"its payment of {amount_words(record.payment_wei, self._symbol, up=True)}"
            if record is not None else "its payment"
        )
        return await plan_call(
            self.session, self.session.contracts.cancel_task(task), sender, kind="cancel",
            title="Cancel the task",
            summary=f"Cancel {name or task}: no provider will answer it, and {payment} goes "
            "back to your vault.",
            what="cancelling this task", meta={"task": task},
        )

    async def plan_confirm(self, sender: str, response: str) -> TxPlan:
        """Plan accepting a response (manual-confirmation sources): the task is finalized."""
        response = checked_address(response, "response")
        store, chain_id = self.session.store.tasks, self.session.chain_id
        task = store.response_map(chain_id).get(response)
        record = store.get_task(chain_id, task) if task is not None else None
        provider = next((r.provider for r in store.responses_of(chain_id, task or "")
                         if r.address.lower() == response.lower() and r.provider), None)
        paid = (
            f" is paid {amount_words(record.payment_wei, self._symbol, up=True)} from the "
            "task's escrow"
            if record is not None else " is paid from the task's escrow"
        )
        return await plan_call(
            self.session, self.session.contracts.confirm_response(response), sender,
            kind="confirm", title="Confirm the response",
            summary=f"Accept the answer of {provider or response}: the task is finished and "
            f"the provider{paid}. This cannot be undone.",
            what="confirming this answer", meta={"response": response},
        )

    async def plan_deposit(self, sender: str, amount_wei: int) -> TxPlan:
        """Plan moving ``amount_wei`` from the wallet into the sender's vault balance."""
        if amount_wei <= 0:
            raise ValidationError("Enter an amount above zero to deposit.", "amount")
        sender = checked_address(sender, "wallet")
        return await plan_call(
            self.session, self.session.contracts.vault_deposit(sender, amount_wei), sender,
            kind="deposit", title="Deposit into the vault",
            summary=f"Move {amount_words(amount_wei, self._symbol, up=True)} from your wallet "
            "into your vault, where tasks are paid from.",
            what="this deposit", meta={"amount_wei": str(amount_wei)},
        )

    async def plan_withdraw(self, sender: str, amount_wei: int) -> TxPlan:
        """Plan moving ``amount_wei`` of the available vault balance back to the wallet.

        Raises:
            NotEnoughFundsError: More than the available balance is asked for.
        """
        if amount_wei <= 0:
            raise ValidationError("Enter an amount above zero to withdraw.", "amount")
        sender = checked_address(sender, "wallet")
        balances = await self.balances(sender)
        if amount_wei > balances.vault_available:
            raise NotEnoughFundsError(vault_shortfall(
                what="this withdrawal", available_wei=balances.vault_available,
                amount_wei=amount_wei, held_wei=balances.escrowed, symbol=self._symbol,
            ))
        return await plan_call(
            self.session, self.session.contracts.vault_withdraw(amount_wei), sender,
            kind="withdraw", title="Withdraw from the vault",
            summary=f"Move {amount_words(amount_wei, self._symbol)} from your vault back to "
            "your wallet.",
            what="this withdrawal", meta={"amount_wei": str(amount_wei)},
            wallet_gain_wei=amount_wei,
        )

    async def execute(self, plan: TxPlan, signer: TransactionSigner) -> Mapping[str, Any]:
        """Sign and send exactly what ``plan`` showed; return the receipt."""
        receipt = await execute_plan(self.session, plan, signer)
        task = plan.meta.get("task")
        if plan.kind == "cancel" and isinstance(task, str):
            self.session.store.tasks.update_tasks(self.session.chain_id, [(task, 3, None)])
        return receipt

    # One-step forms (plan, then sign at once) for callers that show no dialog: scripts, the
    # Sandbox's own funding and tests.

    async def cancel(self, signer: TransactionSigner, task: str) -> Mapping[str, Any]:
        """Plan and sign a cancel (see :meth:`plan_cancel`)."""
        return await self.execute(await self.plan_cancel(signer.address, task), signer)

    async def confirm(self, signer: TransactionSigner, response: str) -> Mapping[str, Any]:
        """Plan and sign a confirmation (see :meth:`plan_confirm`)."""
        return await self.execute(await self.plan_confirm(signer.address, response), signer)

    async def record_confirmation(
        self, task: str, response: str, receipt: Mapping[str, Any]
    ) -> None:
        """Record in the history that ``response`` of ``task`` was confirmed in ``receipt``.

        The task's status is read again; ``seen_at`` keeps the task followed until the
        tracker has read up to the confirmation, so a response submitted just before it is
        still recorded.
        """
        status = await self.task_status(task)
        chain_id = self.session.chain_id
        self.session.store.tasks.apply_tracking(
            chain_id, statuses={task: status}, seen_at=int(receipt["blockNumber"]),
            responses=[ResponseRecord(chain_id, response, task, None, None, 1, None, None)],
        )

    async def deposit(self, signer: TransactionSigner, amount_wei: int) -> Mapping[str, Any]:
        """Plan and sign a deposit (see :meth:`plan_deposit`)."""
        return await self.execute(await self.plan_deposit(signer.address, amount_wei), signer)

    async def withdraw(self, signer: TransactionSigner, amount_wei: int) -> Mapping[str, Any]:
        """Plan and sign a withdrawal (see :meth:`plan_withdraw`)."""
        return await self.execute(await self.plan_withdraw(signer.address, amount_wei), signer)

    @property
    def _symbol(self) -> str:
        return self.session.network.symbol

    def pending_transactions(self) -> list[JournalEntry]:
        """Signed transactions not yet known to be mined or dropped, oldest nonce first."""
        return list(self.session.store.journal.journal_open(self.session.chain_id))

    async def speed_up(self, signer: TransactionSigner, tx_hash: str) -> SignedTransaction:
        """Replace a pending transaction with the same one at a higher fee (same nonce).

        Only on the user's request; never a cancelling transaction. The bump is 12.5 % plus
        one wei on both fee fields (nodes require 10 %), and never below the current market.
        """
        async with self.session.send_lock:
            return await self.session.journal.speed_up(tx_hash, signer)
