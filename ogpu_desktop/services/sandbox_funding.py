"""Test tokens on the Sandbox: ask its faucet, and top up an account's wallet and vault."""

from __future__ import annotations

import logging

import httpx

from ogpu_desktop.domain.amounts import WEI_PER_TOKEN
from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.app_services import AppServices

log = logging.getLogger(__name__)

FAUCET_TIMEOUT_S = 30.0
RECEIPT_TIMEOUT_S = 60.0
LOW_WALLET_WEI = 10 * WEI_PER_TOKEN  # below this, the faucet is asked again
DEFAULT_VAULT_WEI = WEI_PER_TOKEN


class FaucetRefusedError(UserFacingError):
    """The Sandbox faucet sent nothing; the message says why."""


async def ask_faucet(http: httpx.AsyncClient, faucet_url: str, address: str) -> str:
    """Ask the Sandbox faucet for test tokens; return the transaction hash.

    Raises:
        FaucetRefusedError: It did not answer or refused.
    """
    try:
        answer = await http.post(faucet_url, json={"address": address}, timeout=FAUCET_TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise FaucetRefusedError(
            f"The Sandbox faucet at {faucet_url} did not answer ({type(exc).__name__})."
        ) from exc
    try:
        body = loads_bounded(answer.content)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    tx_hash = body.get("tx_hash")
    if answer.is_success and isinstance(tx_hash, str):
        return tx_hash
    reason = body.get("error") or f"HTTP {answer.status_code}"
    raise FaucetRefusedError(f"The Sandbox faucet refused: {reason}")


async def fund_from_faucet(services: AppServices, faucet_url: str, address: str) -> None:
    """Ask the faucet for ``address`` and wait until the tokens arrived."""
    session = services.session
    tx_hash = await ask_faucet(session.http, faucet_url, address)
    client = session.client
    await client.run(
        client.w3.eth.wait_for_transaction_receipt(
            tx_hash, timeout=RECEIPT_TIMEOUT_S, poll_latency=0.1  # type: ignore[arg-type]
        ),
        "Waiting for the faucet's tokens",
    )


async def ready_sandbox_account(
    services: AppServices, faucet_url: str, *, vault_wei: int = 0
) -> str:
    """Make sure a funded account signs on the Sandbox; return its address.

    Without an active account, the wallet's Sandbox account is created (or found) and chosen.
    Its wallet is topped up from the faucet when low, and its vault balance raised to
    ``vault_wei`` with a deposit.
    """
    wallet = services.wallet
    address = wallet.active_address
    if address is None:
        address = await wallet.ensure_sandbox_account_async()
        wallet.set_active(address)
    balances = await services.actions.balances(address)
    if balances.wallet < LOW_WALLET_WEI + vault_wei:
        log.info("asking the Sandbox faucet for %s", address)
        await fund_from_faucet(services, faucet_url, address)
    if balances.vault_available < vault_wei:
        await services.actions.deposit(
            services.active_signer(), vault_wei - balances.vault_available
        )
    return address
