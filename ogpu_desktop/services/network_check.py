"""The real check of a custom network: its RPC endpoint must answer the chain ID typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class CustomNetworkLike(Protocol):
    """A custom network as the Settings page describes it."""

    @property
    def rpc_url(self) -> str:
        """The RPC endpoint."""

    @property
    def chain_id(self) -> int:
        """The chain ID typed."""

    def contracts(self) -> dict[str, str]:
        """The four contract addresses by name."""


NetworkChecker = Callable[[CustomNetworkLike], Awaitable[None]]
"""Checks a custom network; raises a ``UserFacingError`` that says what is wrong."""

CHECK_TIMEOUT_S = 10.0


async def check_custom_network(network: CustomNetworkLike) -> None:
    """Connect to the custom RPC endpoint and verify its chain ID (the chain layer's check).

    Raises:
        WrongNetworkError: The endpoint serves another chain ("expected X, answered Y").
        RpcUnreachableError: The endpoint does not answer.
        ValidationError: The description is malformed.
    """
    # Imported here: web3 takes seconds to import and the window must paint first.
    from ogpu_desktop.chain.networks import custom_network  # noqa: PLC0415
    from ogpu_desktop.chain.rpc import RpcClient  # noqa: PLC0415

    described = custom_network(
        name="Custom network",
        rpc_url=network.rpc_url,
        chain_id=network.chain_id,
        contracts=network.contracts(),
    )
    client = await RpcClient.connect(described, timeout=CHECK_TIMEOUT_S)
    await client.close()
