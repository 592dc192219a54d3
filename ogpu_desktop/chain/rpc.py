"""Async JSON-RPC access over HTTP: connect with a chain-ID check, and plain-words errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from web3 import AsyncWeb3
from web3.exceptions import (
    ContractLogicError,
    ProviderConnectionError,
    TimeExhausted,
    Web3Exception,
    Web3RPCError,
)
from web3.types import RPCEndpoint

from ogpu_desktop.chain.errors import (
    ChainError,
    InsufficientFundsError,
    NonceConflictError,
    ReplacementUnderpricedError,
    RpcError,
    RpcUnreachableError,
    TransactionRevertedError,
    WrongNetworkError,
)
from ogpu_desktop.chain.http_provider import HttpxProvider
from ogpu_desktop.chain.networks import Network

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 20.0
_UNREACHABLE = (
    httpx.HTTPError,
    httpx.InvalidURL,
    TimeoutError,
    OSError,
    OverflowError,  # a port outside 0-65535 fails only when connecting
    ProviderConnectionError,
    TimeExhausted,
)


def revert_reason(exc: ContractLogicError) -> str | None:
    """Return the contract's revert reason without the node's ``execution reverted`` prefix."""
    message = exc.message or ""
    for prefix in ("execution reverted: ", "execution reverted:", "execution reverted"):
        if message.startswith(prefix):
            message = message[len(prefix) :]
            break
    message = message.strip()
    return message or None


def translate(exc: BaseException, url: str, action: str) -> ChainError:
    """Map a transport or node error to a typed, plain-words error."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        # httpx's connection set-up can wrap its one failure in a group (e.g. a bad port).
        exc = exc.exceptions[0]
    if isinstance(exc, ChainError):
        return exc
    if isinstance(exc, ContractLogicError):
        return TransactionRevertedError(action, revert_reason(exc))
    if isinstance(exc, _UNREACHABLE):
        return RpcUnreachableError(url, _reason(exc))
    message = _node_message(exc) if isinstance(exc, Web3RPCError) else str(exc)
    lowered = message.lower()
    for needle, kind, explanation in _NODE_REFUSALS:
        if needle in lowered:
            return kind(f"{action}: {explanation}")
    if isinstance(exc, Web3Exception | ValueError | KeyError):
        return RpcError(f"{action}: the node answered with an error: {message}")
    return RpcError(f"{action}: unexpected failure ({type(exc).__name__}: {message})")


def _node_message(exc: Web3RPCError) -> str:
    """The node's own error text (web3 puts the whole error object's repr in ``message``)."""
    error = (exc.rpc_response or {}).get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    return exc.message


_INSUFFICIENT_FUNDS = "the wallet does not hold enough to pay the amount plus the network fee."
_NODE_REFUSALS: tuple[tuple[str, type[ChainError], str], ...] = (
    ("insufficient funds", InsufficientFundsError, _INSUFFICIENT_FUNDS),
    # py-evm's own words (eth-tester based nodes) for the same refusal.
    ("does not have enough balance", InsufficientFundsError, _INSUFFICIENT_FUNDS),
    (
        "nonce too low",
        NonceConflictError,
        "this transaction's slot was already used by another transaction.",
    ),
    (
        "underpriced",
        ReplacementUnderpricedError,
        "the node wants a higher fee to replace the pending transaction.",
    ),
)


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in a few plain words."""
    if isinstance(exc, TimeoutError | TimeExhausted | httpx.TimeoutException):
        return "no answer in time"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"the server answered HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused or the host is unknown"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.NetworkError):
        return "the connection was closed before an answer arrived"
    return str(exc) or type(exc).__name__


@asynccontextmanager
async def rpc_errors(url: str, action: str) -> AsyncIterator[None]:
    """Re-raise anything from the block as a typed ChainError (cancellation passes through)."""
    try:
        yield
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        raise translate(exc, url, action) from exc


class RpcClient:
    """One AsyncWeb3 connection to a verified network.

    Use :meth:`connect`; close with :meth:`close` (or ``async with``).
    """

    def __init__(self, network: Network, w3: AsyncWeb3[HttpxProvider]) -> None:
        self.network = network
        self.w3 = w3

    @classmethod
    async def connect(
        cls,
        network: Network,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        http: httpx.AsyncClient | None = None,
    ) -> RpcClient:
        """Open a connection and check that the endpoint serves ``network.chain_id``.

        Args:
            network: The network to reach.
            timeout: Seconds one request may take in all.
            http: The HTTP client to send with (its owner closes it); the client makes its own
                when omitted.

        Raises:
            RpcUnreachableError: When the endpoint does not answer.
            WrongNetworkError: When it answers with another chain ID.
        """
        w3 = make_web3(network.rpc_url, timeout=timeout, http=http)
        client = cls(network, w3)
        try:
            actual = await client.run(w3.eth.chain_id, "Checking the network")
            if actual != network.chain_id:
                raise WrongNetworkError(network.chain_id, actual)
        except BaseException:
            await client.close()
            raise
        return client

    @property
    def url(self) -> str:
        """The RPC endpoint."""
        return self.network.rpc_url

    async def run(self, awaitable: Awaitable[T], action: str) -> T:
        """Await one RPC call, translating failures into typed errors."""
        async with rpc_errors(self.url, action):
            return await awaitable

    async def request(self, method: str, params: list[Any], action: str) -> Any:
        """Send a raw JSON-RPC request and return its ``result``."""
        async with rpc_errors(self.url, action):
            response = await self.w3.provider.make_request(RPCEndpoint(method), params)
            if "error" in response:
                error = response["error"]
                message = error.get("message", str(error)) if isinstance(error, dict) else error
                raise Web3RPCError(str(message))
            return response.get("result")

    async def close(self) -> None:
        """Close the HTTP client if this connection made it (safe to call twice)."""
        await self.w3.provider.disconnect()

    async def __aenter__(self) -> RpcClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def make_web3(
    url: str, *, timeout: float = DEFAULT_TIMEOUT_S, http: httpx.AsyncClient | None = None
) -> AsyncWeb3[HttpxProvider]:
    """Return an AsyncWeb3 over HTTP that never retries on its own.

    Retries are decided by the callers: a blind retry of ``eth_sendRawTransaction`` is harmless
    (same bytes), but the app must know it happened to check by hash first.
    """
    return AsyncWeb3(HttpxProvider(url, timeout=timeout, http=http))
