"""A web3 JSON-RPC provider over httpx whose requests may be cancelled at any moment.

The app cancels reads whenever the user switches task, source or network, and when it closes. A
cancellation that reaches the HTTP machinery at the wrong moment can starve every later request:
web3's own ``AsyncHTTPProvider`` then leaves a process-wide session lock taken (web3.py issue
#3867), and httpcore's connection pool keeps a half-opened connection that holds a slot forever
(httpcore issue #1093). So this provider, on web3's public async JSON provider base and the
``httpx`` client the app already uses, never lets a cancellation in: each POST runs as its own
task behind :func:`asyncio.shield`, bounded by its own deadline, and a cancelled caller only stops
waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, cast

import httpx
from web3.providers.async_base import AsyncJSONBaseProvider
from web3.types import RPCEndpoint, RPCRequest, RPCResponse

log = logging.getLogger(__name__)

_HEADERS = {"Content-Type": "application/json", "User-Agent": "OGPU-Desktop"}


class HttpxProvider(AsyncJSONBaseProvider):
    """JSON-RPC over HTTP(S): single and batch requests, one POST each, never retried.

    Args:
        url: The RPC endpoint.
        timeout: Seconds one request may take in all (connecting, sending, the answer).
        http: The client to send with; the provider makes (and later closes) its own when omitted.
    """

    def __init__(self, url: str, *, timeout: float, http: httpx.AsyncClient | None = None) -> None:
        super().__init__()
        self.endpoint_uri = url
        self._timeout = timeout
        self._http = http if http is not None else httpx.AsyncClient()
        self._owns_http = http is None
        self._exchanges: set[asyncio.Task[bytes]] = set()

    def __str__(self) -> str:
        return f"JSON-RPC over HTTP at {self.endpoint_uri}"

    async def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        """Send one call and return the node's answer object (``result`` or ``error``)."""
        return cast(RPCResponse, await self._post(self.encode_rpc_request(method, params)))

    async def make_batch_request(
        self, requests: list[tuple[RPCEndpoint, Any]]
    ) -> list[RPCResponse] | RPCResponse:
        """Send several calls in one POST; answers come back in the order of ``requests``.

        A node that refuses the whole batch answers with one error object, returned as is.
        """
        calls = [self.form_request(method, params) for method, params in requests]
        answer = await self._post(self.encode_batch_request_dicts(calls))
        if not isinstance(answer, list):
            return cast(RPCResponse, answer)
        return in_request_order(calls, cast(list[RPCResponse], answer))

    async def disconnect(self) -> None:
        """Stop abandoned exchanges, then close the HTTP client if this provider made it.

        Safe to call twice.
        """
        left = list(self._exchanges)
        for exchange in left:
            exchange.cancel()  # the pool is of no further use to this provider
        await asyncio.gather(*left, return_exceptions=True)
        if self._owns_http:
            await self._http.aclose()

    async def _post(self, body: bytes) -> Any:
        exchange = asyncio.ensure_future(self._exchange(body))
        self._exchanges.add(exchange)
        exchange.add_done_callback(self._forget)
        # A cancelled caller stops waiting here; the exchange itself runs to its end.
        answer = await asyncio.shield(exchange)
        return self.decode_rpc_response(answer)

    async def _exchange(self, body: bytes) -> bytes:
        """POST ``body`` and read the whole answer within one deadline, without cancelling."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        async with self._http.stream(
            "POST",
            self.endpoint_uri,
            content=body,
            headers=_HEADERS,
            timeout=self._timeout,
            follow_redirects=True,
        ) as response:
            response.raise_for_status()
            chunks: list[bytes] = []
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                if loop.time() > deadline:
                    # httpx times each read; a node that trickles its answer is cut off here.
                    raise TimeoutError("the answer took longer than the deadline")
        return b"".join(chunks)

    def _forget(self, exchange: asyncio.Task[bytes]) -> None:
        self._exchanges.discard(exchange)
        if not exchange.cancelled():
            exchange.exception()  # retrieved: an abandoned exchange's failure concerns nobody


def in_request_order(
    calls: Sequence[RPCRequest], answers: list[RPCResponse]
) -> list[RPCResponse]:
    """Put batch ``answers`` in the order of ``calls`` (JSON-RPC lets a node answer in any order).

    When an answer lacks a known ``id`` (some nodes drop it on errors), the node's order is kept.
    """
    position = {call["id"]: index for index, call in enumerate(calls)}
    ids = [answer.get("id") for answer in answers]
    if len(answers) != len(calls) or any(i not in position for i in ids):
        log.warning("batch answers do not carry the request ids; keeping the node's order")
        return answers
    return sorted(answers, key=lambda answer: position[answer["id"]])
