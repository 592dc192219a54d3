"""Review a batch before signing: its inputs listed, its settings checked, its price and fees.

Usage (window or command)::

    listing = await list_inputs(["~/photos"], "image-classification")
    plan = plan_for(settings)                     # PayloadValidationError: bad shared settings
    review = await review_batch(session, listing, settings, sender)
    review.lines()                                # the review in plain words
    review.deposit_needed_wei                     # offer the deposit when not 0

Listing reads headers and text files, so it runs in a worker thread; the review reads the
source, the balances and the fees from the chain (a few requests, whatever the batch's size):
the network fee of one publish is estimated once and multiplied.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable

from ogpu_desktop.chain.chain_clock import chain_now
from ogpu_desktop.chain.errors import TransactionRevertedError
from ogpu_desktop.chain.fees import quote_fees
from ogpu_desktop.chain.transactions import dry_run, estimate_gas
from ogpu_desktop.domain.batch_configs import BatchPlan, plan_batch
from ogpu_desktop.domain.batch_entries import BatchListing
from ogpu_desktop.domain.batch_inputs import ProgressCallback, list_batch_inputs
from ogpu_desktop.domain.money_words import wallet_shortfall
from ogpu_desktop.domain.source_terms import check_terms
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.batch_models import BatchReview, BatchSettings
from ogpu_desktop.services.publish import FALLBACK_GAS, PLACEHOLDER_CONFIG_URL
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService, checked_address

ROUGH_FEE_NOTE = (
    "The vault holds less than one task's payment, so the network fee could not be simulated: "
    "the fee shown is a rough upper estimate until the deposit is made."
)


async def list_inputs(
    paths: Iterable[str | os.PathLike[str]],
    task_type: str,
    *,
    column: str | None = None,
    progress: ProgressCallback | None = None,
) -> BatchListing:
    """List a batch's inputs in a worker thread (see ``domain.batch_inputs.list_batch_inputs``).

    Args:
        paths: Folders, image files, ``.txt`` and ``.csv`` files, in the user's order.
        task_type: The task type key.
        column: For CSV files, the column to read.
        progress: Called from the worker thread with the number listed so far; what it raises
            stops the listing and comes out of this call.
    """
    given = list(paths)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        None, lambda: list_batch_inputs(given, task_type, column=column, progress=progress)
    )


def plan_for(settings: BatchSettings, source_pipeline: str | None = None) -> BatchPlan:
    """Check the settings every task shares once, and return the plan that builds each config.

    Raises:
        PayloadValidationError: The shared settings cannot be published.
    """
    return plan_batch(settings.task_type, settings.values, source_pipeline=source_pipeline)


async def review_batch(
    session: ChainSession,
    listing: BatchListing,
    settings: BatchSettings,
    sender: str,
    *,
    task_count: int | None = None,
) -> BatchReview:
    """Check everything that can be checked before signing a batch, for the one review.

    Args:
        session: The open network.
        listing: The inputs.
        settings: What every task shares.
        sender: The account that will sign.
        task_count: How many tasks are still to publish (a resumed batch); all the accepted
            inputs by default.

    Raises:
        PayloadValidationError: The shared settings cannot be published.
        ValidationError: A malformed source or wallet address.
        ChainError: The network could not be read.
    """
    sender = checked_address(sender, "wallet")
    count = len(listing.accepted) if task_count is None else task_count
    info = await SourceService(session).get(settings.source, fresh=True)
    plan = plan_for(settings, info.pipeline_task)
    symbol = session.network.symbol
    check = check_terms(
        info.terms(), task_type=settings.task_type, payment_wei=settings.payment_wei,
        duration_s=settings.duration_s, symbol=symbol,
    )
    problems = [e.message for e in check.errors]
    notices = [n.message for n in check.notices] + [n.message for n in plan.notices]
    if info.metadata_error:
        notices.append(f"The source's description could not be read: {info.metadata_error}")
    notices.append("Task inputs are published on IPFS and are public.")
    if count == 0 and listing.accepted:
        notices.append("Every input of this batch is published already.")
    balances = await ActionService(session).balances(sender)
    fees = await quote_fees(session.client)
    gas = FALLBACK_GAS
    if not problems and balances.vault_available >= settings.payment_wei:
        expiry = await chain_now(session.client) + settings.duration_s
        call = session.contracts.publish_task(
            source=info.address, config_url=PLACEHOLDER_CONFIG_URL, expiry_time=expiry,
            payment=settings.payment_wei,
        )
        try:
            await dry_run(session.client, call, sender)
            gas = await estimate_gas(session.client, call, sender)
        except TransactionRevertedError as exc:
            problems.append(exc.message)
    elif not problems and count:
        notices.append(ROUGH_FEE_NOTE)
    max_fee = gas * fees.price_cap * count
    deposit = max(0, settings.payment_wei * count - balances.vault_available)
    if balances.wallet < max_fee + deposit:
        problems.append(wallet_shortfall(
            what="publishing these tasks" + (" and the deposit" if deposit else ""),
            have_wei=balances.wallet, amount_wei=deposit,
            likely_fee_wei=gas * fees.likely_price * count, max_fee_wei=max_fee, symbol=symbol,
        ))
    return BatchReview(
        listing=listing,
        settings=settings,
        task_count=count,
        network_name=session.network.name,
        symbol=symbol,
        sender=sender,
        source_name=info.name,
        gas_per_task=gas,
        likely_fee_wei=gas * fees.likely_price * count,
        max_fee_wei=max_fee,
        wallet_balance_wei=balances.wallet,
        vault_available_wei=balances.vault_available,
        problems=tuple(problems),
        notices=tuple(notices),
    )
