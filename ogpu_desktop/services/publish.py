"""Publish tasks: an immutable preview first, then pin, sign, journal, send and confirm."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ogpu_desktop.chain.chain_clock import chain_now
from ogpu_desktop.chain.errors import (
    ChainError,
    ReceiptTimeoutError,
    RpcUnreachableError,
    TransactionRevertedError,
)
from ogpu_desktop.chain.fees import quote_fees
from ogpu_desktop.chain.ipfs import pin_json
from ogpu_desktop.chain.transactions import (
    build_tx,
    dry_run,
    estimate_gas,
    mined_receipts,
    next_nonce,
    require_success,
)
from ogpu_desktop.domain.catalogue import CUSTOM
from ogpu_desktop.domain.expiry import check_duration
from ogpu_desktop.domain.money_words import amount_words, vault_shortfall, wallet_shortfall
from ogpu_desktop.domain.signing import SignedTransaction, TransactionSigner
from ogpu_desktop.domain.source_terms import check_terms
from ogpu_desktop.errors import UserFacingError, ValidationError
from ogpu_desktop.services.progress import ProgressCallback, PublishProgress, PublishStage
from ogpu_desktop.services.publish_models import (
    PublishOutcome,
    PublishPreview,
    TaskOutcome,
    config_text,
)
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService, checked_address
from ogpu_desktop.services.task_records import record_published_task

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# Longer than any real pin link, so the gas estimated with it covers the real call.
PLACEHOLDER_CONFIG_URL = "https://ipfs.invalid/ipfs/" + "Q" * 170
FALLBACK_GAS = 1_000_000  # shown only when the dry run fails and no estimate exists
MAX_BATCH = 100
PIN_CONCURRENCY = 8  # uploads in flight at once: enough to hide their latency, kind to a gateway
RECEIPT_CONCURRENCY = 8
UNSURE_SEND = (
    "The network stopped answering while this task was being sent. It may still be published: "
    "it stays in the list of pending transactions on the Tasks page and is followed until it "
    "is mined (it is never sent as a second task)."
)


SignedHook = Callable[[int, SignedTransaction], None]
"""Called with a task's index and its signed publish right before the journal records it (and so
before it can ever be sent); whatever it raises stops that task unsent, and the later ones."""


class _SendUnsureError(Exception):
    """A journaled transaction whose broadcast could not be confirmed either way."""

    def __init__(self, signed: SignedTransaction) -> None:
        super().__init__(signed.tx_hash)
        self.signed = signed


def _pending(future: asyncio.Future[_T] | None) -> asyncio.Future[_T]:
    if future is None:  # the loop schedules one per task before it needs it
        raise RuntimeError("no signed transaction was prepared")
    return future


class _Pins:
    """Every configuration of a batch pinned in the background, ``PIN_CONCURRENCY`` at a time."""

    def __init__(self, session: ChainSession, texts: Sequence[str]) -> None:
        gate = asyncio.Semaphore(PIN_CONCURRENCY)

        async def pin(text: str) -> str:
            async with gate:
                return await pin_json(session.http, session.network.pinning_url, text)

        self._tasks = [asyncio.ensure_future(pin(text)) for text in texts]

    async def link(self, index: int) -> str:
        """The link of configuration ``index`` (raises the pin's ``PinError``)."""
        return await self._tasks[index]

    async def close(self) -> None:
        """Stop the pins still running; collect every outcome so none is left unread."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class PublishService:
    """Builds previews and publishes them."""

    def __init__(self, session: ChainSession) -> None:
        self.session = session
        self.sources = SourceService(session)

    async def preview(
        self,
        configs: Sequence[Mapping[str, Any]],
        *,
        source: str,
        payment_wei: int,
        duration_s: int,
        sender: str,
        task_type: str = CUSTOM,
    ) -> PublishPreview:
        """Check everything that can be checked without signing, for one or many tasks.

        Raises:
            ValidationError: Bad input (no task, too many, malformed address).
            ChainError: The network could not be read.
        """
        if not configs:
            raise ValidationError("There is nothing to publish.")
        if len(configs) > MAX_BATCH:
            raise ValidationError(f"Publish at most {MAX_BATCH} tasks at once.")
        texts = tuple(config_text(c) for c in configs)
        sender = checked_address(sender, "wallet")
        info = await self.sources.get(source, fresh=True)
        symbol = self.session.network.symbol
        check = check_terms(
            info.terms(), task_type=task_type, payment_wei=payment_wei, duration_s=duration_s,
            symbol=symbol,
        )
        problems = [e.message for e in check.errors]
        notices = [n.message for n in check.notices]
        if info.metadata_error:
            notices.append(f"The source's description could not be read: {info.metadata_error}")
        notices.append("Task inputs are published on IPFS and are public.")
        wallet, vault = await self._balances(sender)
        total = payment_wei * len(texts)
        what = "this task" if len(texts) == 1 else "these tasks"
        vault_problem = ""
        if vault < total:
            vault_problem = (
                vault_shortfall(what=what, available_wei=vault, amount_wei=total, held_wei=0,
                                symbol=symbol)
                + f" Deposit at least {amount_words(total - vault, symbol, up=True)} into the "
                "vault first."
            )
            problems.append(vault_problem)
        expiry = await chain_now(self.session.client) + duration_s
        call = self.session.contracts.publish_task(
            source=info.address, config_url=PLACEHOLDER_CONFIG_URL, expiry_time=expiry,
            payment=payment_wei,
        )
        fees = await quote_fees(self.session.client)
        gas = FALLBACK_GAS
        if not problems:
            try:
                await dry_run(self.session.client, call, sender)
                gas = await estimate_gas(self.session.client, call, sender)
            except TransactionRevertedError as exc:
                problems.append(exc.message)
        max_fee = gas * fees.price_cap * len(texts)
        if wallet < max_fee:
            problems.append(wallet_shortfall(
                what=f"publishing {what}", have_wei=wallet, amount_wei=0,
                likely_fee_wei=gas * fees.likely_price * len(texts), max_fee_wei=max_fee,
                symbol=symbol,
            ))
        return PublishPreview(
            chain_id=self.session.chain_id,
            network_name=self.session.network.name,
            symbol=symbol,
            sender=sender,
            source=info,
            task_type=task_type,
            config_texts=texts,
            payment_wei=payment_wei,
            duration_s=duration_s,
            expiry_estimate=expiry,
            gas_per_task=gas,
            fees=fees,
            wallet_balance_wei=wallet,
            vault_available_wei=vault,
            problems=tuple(problems),
            notices=tuple(notices),
            vault_problem=vault_problem,
        )

    async def _balances(self, sender: str) -> tuple[int, int]:
        client = self.session.client
        wallet = await client.run(
            client.w3.eth.get_balance(sender),  # type: ignore[arg-type]
            "Reading the wallet balance",
        )
        vault = await client.run(
            self.session.contracts.vault.functions.balanceOf(sender).call(),
            "Reading the vault balance",
        )
        return int(wallet), int(vault)

    async def execute(
        self,
        preview: PublishPreview,
        signer: TransactionSigner,
        on_progress: ProgressCallback | None = None,
        *,
        receipt_timeout: float = 120.0,
        before_journal: SignedHook | None = None,
    ) -> PublishOutcome:
        """Publish what ``preview`` shows: pin every task, then per task sign, journal and send,
        then confirm them all (see ``_PublishRun`` for what overlaps).

        Tasks get consecutive nonces. When one fails before it is sent, the later ones are
        not sent (they would be stuck behind the gap) and are reported as ``skipped``; the
        earlier ones still complete.

        Args:
            before_journal: Called for each task right before its signed publish is journaled
                (a batch notes which input it is for; see :data:`SignedHook`).

        Raises:
            ValidationError: The preview has problems, is for another wallet or network, or
                its lifetime no longer fits the source.
        """
        self._check_executable(preview, signer)
        run = _PublishRun(
            session=self.session,
            preview=preview,
            signer=signer,
            emit=on_progress or (lambda _event: None),
            expiry=await chain_now(self.session.client) + preview.duration_s,
            receipt_timeout=receipt_timeout,
            before_journal=before_journal,
        )
        return await run.go()

    def _check_executable(self, preview: PublishPreview, signer: TransactionSigner) -> None:
        if not preview.can_publish:
            raise ValidationError(preview.problems[0])
        if preview.chain_id != self.session.chain_id:
            raise ValidationError("This preview was made for another network; review it again.")
        if signer.address.lower() != preview.sender.lower():
            raise ValidationError("This preview was made for another wallet; review it again.")
        check_duration(preview.duration_s, max_expiry_s=preview.source.max_expiry_seconds)


@dataclass
class _PublishRun:
    """The state of one execution of a preview.

    Where a batch's time goes, measured on the Sandbox (``tests/bench/bench_publish_batch.py``):
    the node executing each ``publishTask`` (py-evm running the Task contract's creation and
    writing its storage to the state trie: 30 to 100 ms a task, with the machine's load)
    dwarfs the app's own work (signing, journal, HTTP: a few milliseconds). Sends must reach
    the node in nonce order (a node refuses a gap), so they go one after another, each
    journaled right before it is sent: the node's execution time bounds a batch. What can
    overlap does: every configuration is pinned up front, a few at a time, while the first
    sends go out (so the pins cost about one pin's time); the next task is signed while a send
    is answered (it is journaled, and so can ever be sent, only after that send succeeded); no
    send waits for a receipt; the receipts are read at the end in one batched request. A
    configuration pinned for a task that is then not sent (an earlier one failed) stays
    pinned: it was public as soon as the batch started, as the preview says of every input.
    """

    session: ChainSession
    preview: PublishPreview
    signer: TransactionSigner
    emit: ProgressCallback
    expiry: int
    receipt_timeout: float
    before_journal: SignedHook | None = None
    timings: dict[str, float] = field(
        default_factory=lambda: {"pin": 0.0, "sign_send": 0.0, "receipt_wait": 0.0}
    )
    outcomes: dict[int, TaskOutcome] = field(default_factory=dict)

    async def go(self) -> PublishOutcome:
        started = time.perf_counter()
        total = self.preview.count
        sent: list[tuple[int, SignedTransaction, dict[str, Any]]] = []
        pins = _Pins(self.session, self.preview.config_texts)
        ahead: asyncio.Future[tuple[SignedTransaction, dict[str, Any]]] | None = None
        try:
            async with self.session.send_lock:
                nonce = await next_nonce(self.session.client, self.signer.address)
                ahead = asyncio.ensure_future(self._sign(0, nonce, pins))
                for index in range(total):
                    try:
                        waited = time.perf_counter()
                        signed, meta = await _pending(ahead)
                        self.timings["pin"] += (time.perf_counter() - waited) * 1000
                        # The next task is signed while this one is sent (nothing else: it is
                        # journaled only once this send has succeeded, and dropped otherwise).
                        ahead = None if index + 1 == total else asyncio.ensure_future(
                            self._sign(index + 1, nonce + index + 1, pins)
                        )
                        await self._send(index, signed, meta)
                    except _SendUnsureError as unsure:
                        self._fail_from(index, UNSURE_SEND, state="pending",
                                        tx_hash=unsure.signed.tx_hash)
                        break
                    except UserFacingError as exc:
                        self._fail_from(index, exc.message)
                        break
                    sent.append((index, signed, meta))
        finally:
            if ahead is not None:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)
            await pins.close()
        wait_start = time.perf_counter()
        await self._confirm_all(sent)
        self.timings["receipt_wait"] = (time.perf_counter() - wait_start) * 1000
        self.timings["total"] = (time.perf_counter() - started) * 1000
        return PublishOutcome(tuple(self.outcomes[i] for i in range(total)), self.timings)

    async def _confirm_all(self, sent: Sequence[tuple[int, SignedTransaction, dict[str, Any]]]
                           ) -> None:
        """Gather the receipts of every sent task: those mined already in one batched request,
        the others each waited for, a few at a time."""
        mined = await mined_receipts(self.session.client, [signed.tx_hash for _, signed, _ in sent])
        gate = asyncio.Semaphore(RECEIPT_CONCURRENCY)

        async def confirm(index: int, signed: SignedTransaction, meta: dict[str, Any]) -> None:
            async with gate:
                self.outcomes[index] = await self._confirm_one(
                    index, signed, meta, mined.get(signed.tx_hash)
                )

        results = await asyncio.gather(*(confirm(*one) for one in sent), return_exceptions=True)
        for result in results:  # each was awaited to its end: nothing is left running
            if isinstance(result, BaseException):
                raise result

    def _fail_from(
        self, index: int, message: str, *, state: str = "failed", tx_hash: str | None = None
    ) -> None:
        total = self.preview.count
        self.outcomes[index] = TaskOutcome(index, state, tx_hash=tx_hash, message=message)
        self.emit(PublishProgress(PublishStage.FAILED, index, total, message, tx_hash))
        for later in range(index + 1, total):
            note = f"Not sent because task {index + 1} failed."
            self.outcomes[later] = TaskOutcome(later, "skipped", message=note)
            self.emit(PublishProgress(PublishStage.SKIPPED, later, total, note))

    async def _sign(
        self, index: int, nonce: int, pins: _Pins
    ) -> tuple[SignedTransaction, dict[str, Any]]:
        """Wait for task ``index``'s pin and sign its publish with ``nonce`` (not journaled).

        Raises:
            ChainReplacedError: The chain was replaced since the review (a restarted Sandbox):
                nothing is signed for a chain the user did not review.
        """
        preview, total = self.preview, self.preview.count
        self.emit(PublishProgress(PublishStage.PIN, index, total, "Uploading the task to IPFS"))
        url = await pins.link(index)
        call = self.session.contracts.publish_task(
            source=preview.source.address, config_url=url, expiry_time=self.expiry,
            payment=preview.payment_wei,
        )
        meta: dict[str, Any] = {
            "source": preview.source.address,
            "config_url": url,
            "config_json": preview.config_texts[index],
            "payment_wei": str(preview.payment_wei),
            "expiry_time": self.expiry,
            "delivery_method": preview.source.delivery_method,
            "pipeline": preview.source.pipeline_task,
            "batch_index": index,
        }
        self.emit(PublishProgress(PublishStage.SIGN, index, total, "Signing"))
        await self.session.check_run()
        tx = build_tx(call, sender=self.signer.address, nonce=nonce, gas=preview.gas_per_task,
                      fees=preview.fees, chain_id=self.session.chain_id)
        return await self.signer.sign_transaction(tx), meta

    async def _send(self, index: int, signed: SignedTransaction, meta: dict[str, Any]) -> None:
        """Journal task ``index``'s signed publish, then broadcast it."""
        started = time.perf_counter()
        if self.before_journal is not None:
            self.before_journal(index, signed)
        await self.session.journal.record(signed, "publish", meta)
        try:
            await self.session.journal.broadcast(signed)
        except RpcUnreachableError as exc:
            raise _SendUnsureError(signed) from exc
        self.timings["sign_send"] += (time.perf_counter() - started) * 1000
        self.emit(PublishProgress(PublishStage.SEND, index, self.preview.count, "Sent",
                                  signed.tx_hash))

    async def _confirm_one(
        self, index: int, signed: SignedTransaction, meta: dict[str, Any],
        receipt: Mapping[str, Any] | None = None,
    ) -> TaskOutcome:
        total = self.preview.count
        try:
            if receipt is None:
                receipt = await self.session.journal.settle(
                    signed.tx_hash, timeout=self.receipt_timeout
                )
            else:
                self.session.journal.mark_mined(signed.tx_hash, receipt)
            require_success(receipt, "Publishing the task")
            task = record_published_task(self.session, signed.tx_hash, signed.sender, receipt, meta)
        except ReceiptTimeoutError as exc:
            self.emit(PublishProgress(PublishStage.FAILED, index, total, exc.message,
                                      signed.tx_hash))
            return TaskOutcome(index, "pending", tx_hash=signed.tx_hash, message=exc.message)
        except ChainError as exc:
            self.emit(PublishProgress(PublishStage.FAILED, index, total, exc.message,
                                      signed.tx_hash))
            return TaskOutcome(index, "failed", tx_hash=signed.tx_hash, message=exc.message)
        self.emit(PublishProgress(PublishStage.CONFIRMED, index, total, "Published",
                                  tx_hash=signed.tx_hash, task=task))
        return TaskOutcome(index, "published", task=task, tx_hash=signed.tx_hash)
