"""Which addresses a result may be downloaded from: public ones, and those the network names.

A response's data URL is written by a stranger. Fetched blindly, it could make the app reach any
address on the user's machine or network (``http://127.0.0.1:8545``, a router at
``192.168.1.1``), as browsers prevent for web pages. So every hop (the first address and each
redirect) is resolved and refused unless all its addresses are public; only the addresses the
network itself names (its pinning service and gateways: the Sandbox's own on this computer, or
those typed for a custom network) are reached as they are.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from ogpu_desktop.chain.errors import FetchError
from ogpu_desktop.chain.networks import Network

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Origin = tuple[str, str, int]
"""Scheme, lower-case host and port of a web address."""

_DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class RefusedAddressError(FetchError):
    """An address outside the public internet that the network does not name; not fetched."""


@dataclass(frozen=True)
class Hop:
    """One checked request: where to connect, and what to send so the server sees the name.

    Attributes:
        url: The address to request: the original one, or (plain HTTP) with the checked IP
            address as its host, so a second DNS answer cannot move the connection elsewhere.
        host_header: The ``Host`` header to send when ``url`` names an IP address instead.
    """

    url: httpx.URL
    host_header: str | None


def origin_of(url: httpx.URL | str) -> Origin | None:
    """The origin of ``url``, or ``None`` when it is not an http(s) address with a host."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    scheme = parsed.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parsed.host:
        return None
    return scheme, parsed.host.lower(), parsed.port or _DEFAULT_PORTS[scheme]


def trusted_origins(network: Network) -> frozenset[Origin]:
    """The origins ``network`` names itself: its pinning service and its gateways."""
    return origins((network.pinning_url, *network.gateways))


def origins(urls: Iterable[str]) -> frozenset[Origin]:
    """The origins of ``urls`` (addresses that are not http(s) are left out)."""
    found = set()
    for url in urls:
        try:
            origin = origin_of(url) if url else None
        except httpx.InvalidURL:
            continue
        if origin is not None:
            found.add(origin)
    return frozenset(found)


def is_public(address: IpAddress) -> bool:
    """Whether ``address`` is on the public internet.

    Refused: loopback, private (RFC 1918, unique-local), link-local, shared/CGNAT (100.64/10),
    multicast, reserved, unspecified, documentation ranges, and IPv6 forms that carry one of
    those IPv4 addresses (mapped, NAT64, 6to4).
    """
    address = _carried(address)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def _carried(address: IpAddress) -> IpAddress:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), else ``address``."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return embedded
    return address


async def check_hop(url: httpx.URL, trusted: frozenset[Origin]) -> Hop:
    """Check one address before it is requested.

    Raises:
        RefusedAddressError: It is not http(s), or it resolves to an address that is not public
            (and the network does not name it).
        FetchError: Its host name does not resolve.
    """
    origin = origin_of(url)
    if origin is None:
        raise RefusedAddressError(f"{_short(url)} is not a web address, so it was not fetched.")
    if origin in trusted:
        return Hop(url, None)
    scheme, host, port = origin
    addresses = await _resolve(host, port, url)
    for address in addresses:
        if not is_public(address):
            raise RefusedAddressError(
                f"{_short(url)} points to {_where(address)} ({address}). Results and source "
                "descriptions are only downloaded from public addresses, so it was not fetched."
            )
    if scheme == "https":
        # TLS checks the certificate against the name: a second DNS answer pointing at a
        # machine inside the network cannot present a valid one, so the name is kept.
        return Hop(url, None)
    host_header = host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return Hop(url.copy_with(host=str(addresses[0])), host_header)


async def _resolve(host: str, port: int, url: httpx.URL) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        answers = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"{_short(url)} cannot be reached: its name does not resolve.") from exc
    found: list[IpAddress] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        # Drop an IPv6 zone ("fe80::1%eth0"): the address itself decides.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise FetchError(f"{_short(url)} cannot be reached: its name does not resolve.")
    return found


def _where(address: IpAddress) -> str:
    address = _carried(address)
    if address.is_loopback or address.is_unspecified:  # connecting to 0.0.0.0 reaches this host
        return "this computer"
    if address.is_private or address.is_link_local or address in _SHARED:
        return "a private network"
    return "an address that is not public"


_SHARED = ipaddress.IPv4Network("100.64.0.0/10")


def _short(url: httpx.URL | str, limit: int = 120) -> str:
    text = str(url)
    return text if len(text) <= limit else text[:limit] + "…"
