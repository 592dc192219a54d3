"""Sources: on-chain terms, metadata and pipeline, discovery of the network's active sources."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from eth_utils.address import is_address, to_checksum_address

from ogpu_desktop.chain.errors import ChainError, FetchError, RpcUnreachableError
from ogpu_desktop.chain.fetch_guard import trusted_origins
from ogpu_desktop.chain.metadata import read_metadata
from ogpu_desktop.domain.source_terms import DeliveryMethod, SourceTerms
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.session import ChainSession

log = logging.getLogger(__name__)

SOURCE_ACTIVE = 0
DISCOVERY_BATCH = 50
CACHE_TTL_S = 600


@dataclass(frozen=True)
class SourceInfo:
    """A source as the app shows it.

    Attributes:
        name: From the metadata JSON (free text from the source's owner), "" if unreadable.
        pipeline_task: From the compose file's ``PIPE_ARGS_STR``, when it could be read.
        metadata_error: Why the metadata could not be read, if it could not.
    """

    address: str
    owner: str
    active: bool
    min_payment_wei: int
    max_expiry_seconds: int
    delivery_method: int
    environments: int
    metadata_url: str
    name: str = ""
    description: str = ""
    pipeline_task: str | None = None
    pipeline_model: str | None = None
    metadata_error: str | None = None

    def terms(self) -> SourceTerms:
        """The domain's view of what this source demands."""
        return SourceTerms(
            active=self.active,
            min_payment_wei=self.min_payment_wei,
            max_expiry_seconds=self.max_expiry_seconds,
            delivery_method=DeliveryMethod(self.delivery_method),
            pipeline_task=self.pipeline_task,
            pipeline_model=self.pipeline_model,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (wei as strings) for the cache."""
        values = asdict(self)
        values["min_payment_wei"] = str(self.min_payment_wei)
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> SourceInfo:
        """Inverse of :meth:`to_json`."""
        values = dict(values)
        values["min_payment_wei"] = int(values["min_payment_wei"])
        return cls(**values)


def checked_address(text: str, what: str = "source") -> str:
    """Return ``text`` as a checksummed address, or raise a ValidationError."""
    value = text.strip()
    if not is_address(value):
        raise ValidationError(f"This is not a valid {what} address: {value!r}.", what)
    return to_checksum_address(value)


class SourceService:
    """Reads sources from the chain (batched), their metadata over HTTP, and caches both."""

    def __init__(self, session: ChainSession) -> None:
        self.session = session

    def address_book(self) -> list[tuple[str, str]]:
        """The saved sources of this network as (address, label), oldest first."""
        chain_id = self.session.chain_id
        return [(s.address, s.label) for s in self.session.store.misc.saved_sources(chain_id)]

    def save(self, address: str, label: str) -> None:
        """Keep ``address`` in this network's address book under ``label``."""
        self.session.store.misc.save_source(self.session.chain_id, address, label)

    async def read_onchain(self, addresses: Sequence[str]) -> list[SourceInfo]:
        """Status and parameters of several sources, in one batched JSON-RPC request per 50."""
        infos: list[SourceInfo] = []
        for start in range(0, len(addresses), DISCOVERY_BATCH):
            part = [to_checksum_address(a) for a in addresses[start : start + DISCOVERY_BATCH]]
            async with self.session.client.w3.batch_requests() as batch:
                for address in part:
                    contract = self.session.contracts.source(address)
                    batch.add(contract.functions.getStatus())
                    batch.add(contract.functions.getSourceParams())
                answers = await self.session.client.run(
                    batch.async_execute(), "Reading the sources"
                )
            for index, address in enumerate(part):
                status = int(answers[2 * index])  # type: ignore[call-overload]
                params: Any = answers[2 * index + 1]
                infos.append(
                    SourceInfo(
                        address=address,
                        owner=to_checksum_address(params[0]),
                        active=status == SOURCE_ACTIVE,
                        min_payment_wei=int(params[3]),
                        max_expiry_seconds=int(params[5]),
                        delivery_method=int(params[8]),
                        environments=int(params[2]),
                        metadata_url=str(params[1]),
                    )
                )
        return infos

    async def with_metadata(self, info: SourceInfo) -> SourceInfo:
        """Add name, description and pipeline from the metadata (best effort, never raises)."""
        try:
            meta = await read_metadata(
                self.session.http, info.metadata_url, gateways=self.session.network.gateways,
                trusted=trusted_origins(self.session.network),
            )
        except FetchError as exc:
            return _replace(info, metadata_error=exc.message)
        return _replace(
            info,
            name=meta.name,
            description=meta.description,
            pipeline_task=meta.pipeline_task,
            pipeline_model=meta.pipeline_model,
        )

    async def get(self, address: str, *, fresh: bool = False) -> SourceInfo:
        """One source with metadata; the cache answers when younger than 10 minutes.

        Raises:
            ValidationError: Malformed address.
            ChainError: The address is not a source on this network, or the RPC failed.
        """
        address = checked_address(address)
        cached = self.session.store.misc.cached_source_info(self.session.chain_id, address)
        if cached is not None and not fresh and time.time() - cached[1] < CACHE_TTL_S:
            return SourceInfo.from_json(cached[0])
        try:
            (info,) = await self.read_onchain([address])
        except RpcUnreachableError:
            raise
        except ChainError as exc:
            log.info("reading source %s failed: %s", address, exc.message)
            raise ChainError(
                f"{address} does not look like a source on {self.session.network.name}: no "
                "source contract answers at this address. Check the address and the network."
            ) from exc
        info = await self.with_metadata(info)
        self.session.store.misc.cache_source_info(self.session.chain_id, address, info.to_json())
        return info

    async def discover(self, *, include_inactive: bool = False) -> list[SourceInfo]:
        """The network's sources (``Nexus.getSourceCount``/``getSources``), active ones only.

        Addresses are listed in pages of 50 (inclusive bounds); their terms are read in
        batches and their metadata fetched one by one; every result is cached.
        """
        nexus = self.session.contracts.nexus
        count = int(
            await self.session.client.run(
                nexus.functions.getSourceCount().call(), "Counting the sources"
            )
        )
        addresses: list[str] = []
        for low in range(0, count, DISCOVERY_BATCH):
            high = min(count, low + DISCOVERY_BATCH) - 1
            page = await self.session.client.run(
                nexus.functions.getSources(low, high).call(), "Listing the sources"
            )
            addresses.extend(to_checksum_address(a) for a in page)
        infos = await self.read_onchain(addresses)
        found: list[SourceInfo] = []
        for info in infos:
            if not info.active and not include_inactive:
                continue
            full = await self.with_metadata(info)
            self.session.store.misc.cache_source_info(
                self.session.chain_id, full.address, full.to_json()
            )
            found.append(full)
        return found


def _replace(info: SourceInfo, **changes: Any) -> SourceInfo:
    values = asdict(info)
    values.update(changes)
    return SourceInfo(**values)
