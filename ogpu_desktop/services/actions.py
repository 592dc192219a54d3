"""Task and vault actions: cancel, confirm, deposit, withdraw, and the three balances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner
from ogpu_desktop.domain.task_status import state_of
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import checked_address
from ogpu_desktop.services.tx_runner import transact
from ogpu_desktop.store import JournalEntry

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
    """Single-transaction actions; each is dry-run first so refusals come before signing."""

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

    async def cancel(self, signer: TransactionSigner, task: str) -> Mapping[str, Any]:
        """Cancel a task that no provider has attempted yet (its escrow returns to the vault).

        Raises:
            ValidationError: The task is past NEW; the message says what state it is in.
        """
        task = checked_address(task, "task")
        status = await self.task_status(task)
        if status != TASK_NEW:
            name = state_of(status).label.lower()
            raise ValidationError(
                f"This task can no longer be cancelled: it is {name}. Only a task that no "
                "provider has attempted yet can be cancelled.",
                "task",
            )
        receipt = await transact(
            self.session, signer, self.session.contracts.cancel_task(task), kind="cancel",
            meta={"task": task},
        )
        self.session.store.tasks.update_tasks(self.session.chain_id, [(task, 3, None)])
        return receipt

    async def confirm(self, signer: TransactionSigner, response: str) -> Mapping[str, Any]:
        """Accept a response (manual-confirmation sources): the task is finalized and paid."""
        response = checked_address(response, "response")
        return await transact(
            self.session, signer, self.session.contracts.confirm_response(response),
            kind="confirm", meta={"response": response},
        )

    async def deposit(self, signer: TransactionSigner, amount_wei: int) -> Mapping[str, Any]:
        """Move ``amount_wei`` from the wallet into the user's vault balance."""
        if amount_wei <= 0:
            raise ValidationError("Enter an amount above zero to deposit.", "amount")
        call = self.session.contracts.vault_deposit(signer.address, amount_wei)
        return await transact(
            self.session, signer, call, kind="deposit", meta={"amount_wei": str(amount_wei)}
        )

    async def withdraw(self, signer: TransactionSigner, amount_wei: int) -> Mapping[str, Any]:
        """Move ``amount_wei`` of the available vault balance back to the wallet.

        Raises:
            ValidationError: More than the available balance is asked for.
        """
        if amount_wei <= 0:
            raise ValidationError("Enter an amount above zero to withdraw.", "amount")
        balances = await self.balances(signer.address)
        if amount_wei > balances.vault_available:
            symbol = self.session.network.symbol
            raise ValidationError(
                f"Only {format_amount(balances.vault_available, symbol)} can be withdrawn; "
                f"{format_amount(balances.escrowed, symbol)} is held for published tasks.",
                "amount",
            )
        return await transact(
            self.session, signer, self.session.contracts.vault_withdraw(amount_wei),
            kind="withdraw", meta={"amount_wei": str(amount_wei)},
        )

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
