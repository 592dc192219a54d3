"""Fetch a response's result (URL, inline JSON or text), cache it, and normalise it for display."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

from eth_utils.address import to_checksum_address

from ogpu_desktop.chain.errors import FetchError
from ogpu_desktop.chain.fetch_guard import RefusedAddressError, trusted_origins
from ogpu_desktop.chain.ipfs import MAX_FETCH_BYTES, FetchTimeoutError, fetch_document
from ogpu_desktop.domain.result_views import ResultView
from ogpu_desktop.domain.results import normalise
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import ResponseRecord

INLINE = "inline"
URL = "url"


@dataclass(frozen=True)
class FetchedResult:
    """A response's result, ready to show.

    Attributes:
        raw: The payload text as received (the raw-JSON toggle shows it).
        view: The normalised view model.
        origin: ``url`` (downloaded; ``fetched_from`` says where) or ``inline``.
    """

    response: str
    task: str
    provider: str
    raw: str
    view: ResultView
    origin: str
    fetched_from: str | None
    from_cache: bool


class ReadProblem(StrEnum):
    """Why a result could not be shown, as far as what the user can do about it."""

    TIMED_OUT = "timed_out"
    """The download did not finish in time: trying again may work."""
    FAILED = "failed"
    """The download or the chain read failed: trying again may work."""
    REFUSED = "refused"
    """The result's address is not public: trying again cannot help."""


_READ_FAILED = {
    ReadProblem.TIMED_OUT: "The download of this result timed out: {message}. Try again.",
    ReadProblem.FAILED: "The result could not be downloaded: {message}. Try again.",
    ReadProblem.REFUSED: "The result was not downloaded. {message}.",
}


def read_problem(error: UserFacingError) -> ReadProblem:
    """What kind of problem ``error``, raised by :meth:`ResultsService.fetch`, is."""
    if isinstance(error, RefusedAddressError):
        return ReadProblem.REFUSED
    if isinstance(error, FetchTimeoutError):
        return ReadProblem.TIMED_OUT
    return ReadProblem.FAILED


def read_failure(error: UserFacingError) -> tuple[str, bool]:
    """What to tell the user when :meth:`ResultsService.fetch` raised ``error``.

    Returns:
        The message in plain words, and whether trying again may help.
    """
    problem = read_problem(error)
    text = _READ_FAILED[problem].format(message=error.message.rstrip("."))
    return text, problem is not ReadProblem.REFUSED


async def normalise_off_thread(raw: str, pipeline: str | None) -> ResultView:
    """:func:`normalise` ``raw`` in a worker thread: a big result never stalls the window."""
    return await asyncio.get_running_loop().run_in_executor(None, normalise, raw, pipeline)


class ResultsService:
    """Reads response data from the chain and its payload from IPFS, once, then from the store.

    Args:
        session: The open network session.
        max_bytes: Largest payload downloaded (streamed; refused beyond).
        timeout_s: Time allowed per download attempt.
    """

    def __init__(
        self, session: ChainSession, *, max_bytes: int = MAX_FETCH_BYTES, timeout_s: float = 30.0
    ) -> None:
        self.session = session
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def _response_params(self, response: str) -> tuple[str, str, str, int]:
        contract = self.session.contracts.response(response)
        task, provider, data, payment = await self.session.client.run(
            contract.functions.getResponseParams().call(), "Reading the response"
        )
        return to_checksum_address(task), to_checksum_address(provider), str(data), int(payment)

    async def fetch(self, response: str, *, refresh: bool = False) -> FetchedResult:
        """The result of ``response``, from the cache unless ``refresh``.

        Raises:
            FetchError: The payload URL could not be downloaded from any gateway, or was too big.
            ChainError: The response could not be read from the chain.
        """
        response = to_checksum_address(response)
        # The run is taken before reading: a chain replaced meanwhile gets no result of the old.
        chain_id = self.session.history_key
        task, provider, data, payment = await self._response_params(response)
        self.session.store.tasks.upsert_responses(
            [ResponseRecord(chain_id, response, task, provider, data, 0, payment, None)]
        )
        record = self.session.store.tasks.get_task(chain_id, task)
        pipeline = record.pipeline if record is not None else None
        cached = None if refresh else self.session.store.misc.get_result(chain_id, response)
        if cached is not None:
            return FetchedResult(response, task, provider, cached.raw,
                                 await normalise_off_thread(cached.raw, pipeline),
                                 cached.content_type, cached.fetched_from, True)
        raw, origin, where = await self._payload(data)
        self.session.store.misc.save_result(chain_id, response, raw, origin, where)
        return FetchedResult(response, task, provider, raw,
                             await normalise_off_thread(raw, pipeline), origin, where, False)

    async def _payload(self, data: str) -> tuple[str, str, str | None]:
        text = data.strip()
        if text.startswith(("http://", "https://")) and " " not in text:
            document = await fetch_document(
                self.session.http, text, gateways=self.session.network.gateways,
                max_bytes=self.max_bytes, timeout=self.timeout_s,
                trusted=trusted_origins(self.session.network),
            )
            return document.text, URL, document.url
        if len(text.encode()) > self.max_bytes:
            raise FetchError("The response's inline result is too large to show.")
        return data, INLINE, None
