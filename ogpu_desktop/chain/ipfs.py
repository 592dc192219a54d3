"""IPFS over HTTP: pin a task configuration, and fetch documents with a size cap and fallbacks."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from ogpu_desktop.chain.errors import FetchError, PinError
from ogpu_desktop.chain.fetch_guard import Origin, check_hop
from ogpu_desktop.domain.bounded_json import loads_bounded

log = logging.getLogger(__name__)

PIN_ATTEMPTS = 2
PIN_BACKOFF_S = 0.5
PIN_TIMEOUT_S = 30.0
FETCH_TIMEOUT_S = 30.0
MAX_FETCH_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchTimeoutError(FetchError):
    """A download did not finish in the time allowed (trying again may work)."""


async def pin_json(
    http: httpx.AsyncClient,
    pinning_url: str,
    text: str,
    *,
    file_name: str = "taskConfig.json",
    attempts: int = PIN_ATTEMPTS,
    backoff: float = PIN_BACKOFF_S,
    timeout: float = PIN_TIMEOUT_S,
) -> str:
    """Upload ``text`` as a JSON file and return the link the service gives for it.

    Same contract as the OGPU pinning API: multipart field ``file``; HTTP 200/201 with a JSON
    body whose ``link`` is the URL. Connection errors, timeouts and 5xx are retried with a
    doubling back-off; a 4xx or a malformed success body is not.

    Raises:
        PinError: With a plain explanation when the upload does not succeed.
    """
    if not pinning_url:
        raise PinError("This network has no pinning service configured, so nothing can be sent.")
    body = text.encode("utf-8")
    last = "no attempt was made"
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(backoff * 2 ** (attempt - 1))
        try:
            response = await http.post(
                pinning_url,
                files={"file": (file_name, body, "application/json")},
                timeout=timeout,
            )
        except httpx.TimeoutException:
            last = f"no answer within {timeout:.0f} s"
            continue
        except httpx.HTTPError as exc:
            last = f"cannot connect ({type(exc).__name__})"
            continue
        if response.status_code >= 500:
            last = f"the service had an internal error (HTTP {response.status_code})"
            continue
        if response.status_code not in (200, 201):
            raise PinError(
                f"The pinning service refused the task configuration (HTTP "
                f"{response.status_code}): {_short(response.text)}"
            )
        return _link_from(response)
    raise PinError(
        f"The task configuration could not be uploaded to IPFS after {attempts} tries: {last}. "
        "Nothing was published; try again later."
    )


def _link_from(response: httpx.Response) -> str:
    try:
        payload = loads_bounded(response.text)
    except ValueError:
        payload = None
    link = payload.get("link") if isinstance(payload, dict) else None
    if not isinstance(link, str) or not link.startswith(("http://", "https://")):
        raise PinError(
            "The pinning service answered without a usable link "
            f"({_short(response.text)}); nothing was published."
        )
    return link


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass(frozen=True)
class FetchedDocument:
    """A downloaded document.

    Attributes:
        text: The body decoded as UTF-8 (undecodable bytes replaced).
        url: The URL that finally answered (a fallback gateway, maybe).
        content_type: The server's Content-Type, if any.
    """

    text: str
    url: str
    content_type: str | None

    def json(self) -> Any:
        """The body parsed as JSON.

        Raises:
            FetchError: When it is not JSON.
        """
        try:
            return loads_bounded(self.text)
        except ValueError as exc:
            raise FetchError(f"The document at {self.url} is not valid JSON.") from exc


def gateway_candidates(url: str, gateways: tuple[str, ...]) -> list[str]:
    """``url`` first, then the same ``/ipfs/<cid>/...`` path on every other gateway."""
    candidates = [url]
    marker = "/ipfs/"
    if marker in url:
        path = url.split(marker, 1)[1]
        for gateway in gateways:
            root = gateway if gateway.endswith(marker) else gateway.rstrip("/") + marker
            alternative = root + path
            if alternative not in candidates:
                candidates.append(alternative)
    return candidates


async def fetch_document(
    http: httpx.AsyncClient,
    url: str,
    *,
    gateways: tuple[str, ...] = (),
    max_bytes: int = MAX_FETCH_BYTES,
    timeout: float = FETCH_TIMEOUT_S,
    trusted: frozenset[Origin] = frozenset(),
) -> FetchedDocument:
    """Download ``url`` (streamed, refused beyond ``max_bytes``), trying other gateways on failure.

    Every address, and every address a redirect leads to, must be public unless its origin is in
    ``trusted`` (what the network names itself: see :func:`fetch_guard.trusted_origins`).
    A document that is too big is refused at once: another gateway would serve the same bytes.

    Raises:
        FetchError: When no candidate answers with the document (a
            :class:`fetch_guard.RefusedAddressError` when the only one was not public).
    """
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{_short(url, 80)} is not a web address.")
    problems: list[FetchError] = []
    for candidate in gateway_candidates(url, gateways):
        try:
            return await _fetch_one(
                http, candidate, max_bytes=max_bytes, timeout=timeout, trusted=trusted
            )
        except _TooBigError as exc:
            raise FetchError(
                f"The document at {candidate} is larger than {max_bytes // (1024 * 1024)} MB "
                "and was not downloaded."
            ) from exc
        except FetchError as exc:
            log.info("fetch %s failed: %s", candidate, exc.message)
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    message = "; ".join(problem.message for problem in problems)
    if all(isinstance(problem, FetchTimeoutError) for problem in problems):
        raise FetchTimeoutError(message)
    raise FetchError(message)


class _TooBigError(Exception):
    pass


async def _fetch_one(
    http: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    trusted: frozenset[Origin],
) -> FetchedDocument:
    try:
        async with asyncio.timeout(timeout):
            return await _follow(http, httpx.URL(url), max_bytes, timeout, trusted)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise FetchTimeoutError(f"{url} did not answer within {timeout:g} s") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"{_short(url, 80)} is not a valid web address.") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{url} cannot be reached ({type(exc).__name__})") from exc


async def _follow(
    http: httpx.AsyncClient,
    url: httpx.URL,
    max_bytes: int,
    timeout: float,
    trusted: frozenset[Origin],
) -> FetchedDocument:
    """Request ``url``, following at most :data:`MAX_REDIRECTS` redirects, each hop checked."""
    for _ in range(MAX_REDIRECTS + 1):
        hop = await check_hop(url, trusted)
        headers = {"Host": hop.host_header} if hop.host_header else None
        async with http.stream(
            "GET", hop.url, headers=headers, timeout=timeout, follow_redirects=False
        ) as resp:
            location = resp.headers.get("Location")
            if resp.status_code in _REDIRECTS and location:
                url = url.join(location)
                continue
            if resp.status_code != 200:
                raise FetchError(f"{url} answered HTTP {resp.status_code}")
            declared = resp.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise _TooBigError
            body = await _read_capped(resp, max_bytes)
            return FetchedDocument(
                body.decode("utf-8", "replace"), str(url), resp.headers.get("Content-Type")
            )
    raise FetchError(f"{url} redirected more than {MAX_REDIRECTS} times; it was not followed.")


async def _read_capped(resp: httpx.Response, max_bytes: int) -> bytes:
    """The body, refused as soon as it passes ``max_bytes``.

    The chunks come through a chain of nested async generators (httpx, then httpcore). Leaving
    the loop early would leave the inner ones suspended, to be finalised by the garbage collector
    outside any task ("async generator ignored GeneratorExit", cancel-scope errors). So past the
    cap the response is closed and the loop runs on: the next read fails at the bottom of the
    chain and every generator ends in this task.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                await resp.aclose()
            elif not resp.is_closed:
                chunks.append(chunk)
    except httpx.HTTPError:
        if size <= max_bytes:
            raise
    if size > max_bytes:
        raise _TooBigError
    return b"".join(chunks)
