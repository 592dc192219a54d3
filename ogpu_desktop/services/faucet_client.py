"""The Wallet page's "Get test tokens": the Sandbox faucet request of the services layer."""

from __future__ import annotations

from ogpu_desktop.services.sandbox_funding import FaucetRefusedError, ask_faucet
from ogpu_desktop.services.wallet_link import FaucetRequest

FaucetError = FaucetRefusedError
"""The faucet did not send tokens; the message says why."""


def faucet_request(faucet_url: str) -> FaucetRequest:
    """Return a :data:`FaucetRequest` that posts to ``faucet_url`` (from the Sandbox's ``/info``).

    Args:
        faucet_url: The faucet endpoint, such as ``http://127.0.0.1:8545/faucet``.
    """

    async def request(address: str) -> str:
        # Imported here: httpx is not needed before the window paints.
        import httpx  # noqa: PLC0415

        async with httpx.AsyncClient() as http:
            return await ask_faucet(http, faucet_url, address)

    return request
