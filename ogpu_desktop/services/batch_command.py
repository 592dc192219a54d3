"""``ogpu-desktop batch``: the batch services behind a command, for power users and automation.

One run: connect, list the inputs (or find the batch this output file belongs to), print the
review, ask before signing (unless told yes), deposit what the vault lacks, publish in chunks,
follow every task to its end, and write the results file. Progress goes to stderr, the review to
stdout. Running it again with the same output file and data folder continues the same batch:
what was published is never published again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ogpu_desktop.domain.amounts import format_amount, parse_amount
from ogpu_desktop.domain.batch_entries import BatchListing
from ogpu_desktop.domain.batch_status import BatchItemStatus
from ogpu_desktop.domain.catalogue import CATALOGUE, CUSTOM, TEXT_CLASSIFICATION
from ogpu_desktop.domain.durations import parse_duration
from ogpu_desktop.domain.expiry import max_duration
from ogpu_desktop.errors import UserFacingError, ValidationError
from ogpu_desktop.services.batch_models import (
    BatchProgress,
    BatchReview,
    BatchSettings,
    BatchStage,
    RunEnd,
)
from ogpu_desktop.services.batch_publish import BatchPublisher
from ogpu_desktop.services.batch_results import BatchResults
from ogpu_desktop.services.batch_review import list_inputs, review_batch
from ogpu_desktop.services.connection import Connection, NetworkChoice
from ogpu_desktop.services.sandbox_funding import LOW_WALLET_WEI, fund_from_faucet
from ogpu_desktop.services.sources import SourceService, checked_address
from ogpu_desktop.store import BatchRecord, Store
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.signer import KeychainSigner

log = logging.getLogger(__name__)

DEFAULT_DURATION_S = 3600
"""Each task's lifetime when ``--expires`` is not given (shorter when the source allows less)."""
PROGRESS_EVERY_S = 2.0
SESSION_ACCOUNT_NOTE = (
    "This profile has no wallet account, so a session-only Sandbox account was made for this "
    "run (its key is never saved and is forgotten when the command ends)."
)
Say = Callable[[str], None]
Ask = Callable[[str], bool]


class BatchCommandError(UserFacingError):
    """The command cannot go on; the message says why in plain words."""


@dataclass(frozen=True)
class BatchCommand:
    """What the command was asked to do (the parsed options).

    Attributes:
        task_type: The task type key.
        inputs: Folders, image files, ``.txt`` and ``.csv`` files.
        out: The results file (CSV); it also names the batch when the command is run again.
        column: For CSV inputs, the column holding the texts.
        network: ``sandbox``, ``testnet`` or ``mainnet``.
        sandbox_url: A running Sandbox to use instead of starting one.
        source: The source to publish to (on the Sandbox, its demo source by default).
        payment: Payment of each task as typed (the source's minimum by default).
        expires: Each task's lifetime as typed (one hour by default).
        values: Other form values every task shares (``question`` for visual question
            answering, arguments).
        yes: Publish without asking.
    """

    task_type: str
    inputs: tuple[Path, ...]
    out: Path
    column: str | None = None
    network: str = "sandbox"
    sandbox_url: str | None = None
    source: str | None = None
    payment: str | None = None
    expires: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    yes: bool = False


@dataclass
class _Run:
    """One run of the command over an open connection."""

    command: BatchCommand
    connection: Connection
    say: Say
    note: Say
    ask: Ask
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    last_note: float = 0.0
    last_stage: BatchStage | None = None

    @property
    def store(self) -> Store:
        return self.connection.session.store

    async def go(self) -> int:
        command, session = self.command, self.connection.session
        resume_key = str(command.out.expanduser().resolve())
        batch = session.store.batches.find_resumable(session.chain_id, resume_key)
        signer = await self._signer()
        if batch is None:
            settings = await self._settings()
            self.note(f"Listing the inputs of {len(command.inputs)} path(s)…")
            listing = await list_inputs([str(p) for p in command.inputs], command.task_type,
                                        column=command.column)
            to_publish = len(listing.accepted)
        else:
            settings = self._check_same(batch)
            listing = BatchListing(batch.task_type, tuple(
                i.entry for i in session.store.batches.items(batch.batch_id)))
            to_publish = sum(1 for i in session.store.batches.items(
                batch.batch_id, [BatchItemStatus.PENDING]) if i.tx_hash is None)
            self.note(f"Continuing batch {batch.batch_id} of {command.out.name}: "
                      f"{to_publish:,} input(s) still to publish.")
        review = await review_batch(session, listing, settings, signer.address,
                                    task_count=to_publish)
        for line in review.lines():
            self.say(line)
        if not listing.accepted:
            raise BatchCommandError("None of the inputs can be used: nothing was published.")
        if review.problems:
            raise BatchCommandError(f"Nothing was published: {review.problems[0]}")
        if to_publish and not command.yes and not self.ask(self._question(review)):
            raise BatchCommandError(
                "Nothing was published: not confirmed. Add --yes to publish without asking."
            )
        if review.deposit_needed_wei and to_publish:
            amount = format_amount(review.deposit_needed_wei, review.symbol)
            self.note(f"Depositing {amount} into the vault…")
            await self.connection.services.actions.deposit(signer, review.deposit_needed_wei)
        batch_id = batch.batch_id if batch is not None else BatchPublisher(session).create(
            listing, settings, resume_key=resume_key)
        return await self._publish_and_follow(batch_id, signer)

    async def _publish_and_follow(self, batch_id: int, signer: KeychainSigner) -> int:
        session = self.connection.session
        publisher = BatchPublisher(session)
        results = BatchResults(session, self.connection.services.results,
                               self.connection.services.actions)
        publisher.progress.subscribe(self._progress)
        results.progress.subscribe(self._progress)
        self._on_interrupt(publisher)
        outcome = await publisher.publish(batch_id, signer)
        message = outcome.message if outcome.end is not RunEnd.DONE else ""
        if outcome.end is RunEnd.DONE or outcome.in_flight:
            if results.counts(batch_id).get(BatchItemStatus.WAITING, 0) or outcome.in_flight:
                self.note("Waiting for the answers (Ctrl+C stops waiting; run the command "
                          "again to go on)…")
            await results.follow(batch_id, self.connection.services.tracking, stop=self.stop,
                                 before_poll=lambda: publisher.reconcile(batch_id))
        counts = await results.refresh(batch_id)
        rows = await results.export_csv(batch_id, self.command.out)
        self.note(f"Wrote {rows:,} row(s) to {self.command.out}: {_count_words(counts)}.")
        unfinished = counts.get(BatchItemStatus.PENDING, 0) + counts.get(
            BatchItemStatus.WAITING, 0)
        if unfinished:
            reason = message or ("Stopped before every input was final."
                                 if self.stop.is_set() else "Some inputs are not final yet.")
            raise BatchCommandError(
                f"{reason} {unfinished:,} input(s) are not final yet; run the same command again "
                "to continue (nothing is published twice)."
            )
        return 0

    def _on_interrupt(self, publisher: BatchPublisher) -> None:
        def interrupted() -> None:
            self.note("Stopping after the tasks being sent; run the same command again to "
                      "continue.")
            publisher.stop()
            self.stop.set()

        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, interrupted)

    def _progress(self, event: BatchProgress) -> None:
        now = time.monotonic()
        if event.stage is self.last_stage and now - self.last_note < PROGRESS_EVERY_S:
            return
        self.last_note, self.last_stage = now, event.stage
        self.note(f"{event.stage.value}: {event.published:,} of {event.accepted:,} published, "
                  f"{event.final:,} final ({_count_words(event.counts)}). {event.message}")

    async def _signer(self) -> KeychainSigner:
        services = self.connection.services
        wallet = services.wallet
        sandbox = self.connection.sandbox_info is not None
        if wallet.active_account() is None:
            if not sandbox:
                raise BatchCommandError(
                    "This profile has no wallet account. Create or import one in the window "
                    "(Wallet page), or use the Sandbox."
                )
            account = wallet.create_account("Batch (session only)", session_only=True).account
            wallet.set_active(account.address)
            self.note(SESSION_ACCOUNT_NOTE)
        signer = services.active_signer()
        faucet = self.connection.faucet_url
        if sandbox and faucet:
            balances = await services.actions.balances(signer.address)
            if balances.wallet < LOW_WALLET_WEI:
                self.note("Asking the Sandbox faucet for test tokens (free, local)…")
                await fund_from_faucet(services, faucet, signer.address)
        return signer

    async def _settings(self) -> BatchSettings:
        command = self.command
        source = await self._source()
        info = await SourceService(self.connection.session).get(source)
        symbol = self.connection.network.symbol
        payment = (parse_amount(command.payment, symbol=symbol)
                   if command.payment else info.min_payment_wei)
        if command.expires:
            duration = parse_duration(command.expires)
        else:
            duration = min(DEFAULT_DURATION_S, max_duration(info.max_expiry_seconds))
        return BatchSettings(
            task_type=command.task_type, source=info.address, payment_wei=payment,
            duration_s=duration, values=dict(command.values),
            paths=tuple(str(p.expanduser().resolve()) for p in command.inputs),
            column=command.column,
        )

    async def _source(self) -> str:
        if self.command.source:
            return checked_address(self.command.source)
        info = self.connection.sandbox_info
        if info is None:
            raise BatchCommandError(
                f"Name the source to publish to with --source ADDRESS on "
                f"{self.connection.network.name}."
            )
        pipeline = TEXT_CLASSIFICATION if self.command.task_type == CUSTOM else (
            self.command.task_type)
        demo = info.demo_source(pipeline)
        if demo is None:
            raise BatchCommandError(f"The Sandbox has no source for {pipeline} tasks.")
        return demo.address

    def _check_same(self, batch: BatchRecord) -> BatchSettings:
        settings = BatchSettings.from_json(batch.settings)
        given = tuple(str(p.expanduser().resolve()) for p in self.command.inputs)
        if batch.task_type != self.command.task_type or settings.paths != given or (
            settings.column != self.command.column
        ):
            raise BatchCommandError(
                f"{self.command.out} belongs to a batch of other inputs or another task type "
                f"({batch.task_type}: {', '.join(settings.paths)}). Run it with those inputs "
                "to continue it, or choose another --out for a new batch."
            )
        return settings

    @staticmethod
    def _question(review: BatchReview) -> str:
        total = format_amount(review.total_payment_wei, review.symbol)
        deposit = (f", after depositing {format_amount(review.deposit_needed_wei, review.symbol)}"
                   f" into the vault" if review.deposit_needed_wei else "")
        return (f"Publish {review.task_count:,} task(s) for {total} plus network fees"
                f"{deposit}? [y/N] ")


def _count_words(counts: Mapping[BatchItemStatus, int]) -> str:
    parts = [f"{n:,} {s.value}" for s in BatchItemStatus if (n := counts.get(s, 0))]
    return ", ".join(parts) or "no inputs"


async def run_batch_command(
    command: BatchCommand, data_dir: Path, config_dir: Path, *, say: Say, note: Say, ask: Ask,
    wallet: Wallet | None = None,
) -> int:
    """Run the ``batch`` command; return the exit code (0: every accepted input is final).

    Args:
        command: The parsed options.
        data_dir: The profile's data folder (its history holds the batch).
        config_dir: The profile's config folder (its wallet).
        say: Prints a line on stdout (the review).
        note: Prints a line on stderr (progress and notes).
        ask: Asks a yes/no question; ``True`` for yes.
        wallet: The wallet to sign with (the profile's, with the OS keychain, by default).

    Raises:
        UserFacingError: Anything that stops the command, in plain words.
    """
    if command.task_type not in CATALOGUE:
        raise ValidationError(
            f"Unknown task type “{command.task_type}”. Choose one of: {', '.join(CATALOGUE)}."
        )
    store = Store.in_folder(data_dir)
    connection: Connection | None = None
    try:
        wallet = wallet if wallet is not None else Wallet.for_config_dir(config_dir)
        choice = NetworkChoice(command.network, sandbox_url=command.sandbox_url)
        connection = await Connection.open(choice, store, wallet, on_progress=note)
        return await _Run(command, connection, say, note, ask).go()
    finally:
        if connection is not None:
            await connection.close()
        store.close()
