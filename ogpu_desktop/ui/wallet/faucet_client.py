"""Asks a Sandbox faucet (``POST <faucet_url>`` with ``{"address": ...}``) for test tokens."""

from __future__ import annotations

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.ui.wallet.chain_link import FaucetRequest

FAUCET_TIMEOUT_S = 30.0


class FaucetError(UserFacingError):
    """The faucet did not send tokens; the message says why."""


def faucet_request(faucet_url: str) -> FaucetRequest:
    """Return a :data:`FaucetRequest` that posts to ``faucet_url`` (from the Sandbox's ``/info``).

    Args:
        faucet_url: The faucet endpoint, such as ``http://127.0.0.1:8545/faucet``.
    """

    async def request(address: str) -> str:
        # Imported here: httpx is not needed before the window paints.
        import httpx  # noqa: PLC0415

        try:
            async with httpx.AsyncClient(timeout=FAUCET_TIMEOUT_S) as client:
                response = await client.post(faucet_url, json={"address": address})
        except httpx.HTTPError as exc:
            reason = type(exc).__name__
            message = f"The Sandbox faucet at {faucet_url} did not answer ({reason})."
            raise FaucetError(message) from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            answer = {}
        tx_hash = answer.get("tx_hash")
        if response.is_success and isinstance(tx_hash, str):
            return tx_hash
        error = answer.get("error")
        detail = error if isinstance(error, str) and error else f"HTTP {response.status_code}"
        raise FaucetError(f"The Sandbox faucet refused: {detail}")

    return request
