"""Check an image link the user gave, which is sent as it is (the provider downloads it)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ogpu_desktop.domain.image_decoding import ImageError

MAX_URL_CHARS = 2048
PUBLIC_LINK_NOTICE = (
    "The link is sent as it is: the provider downloads the image itself, and anyone can see "
    "the link in the public task."
)
LOCAL_LINK_NOTICE = (
    "This link points to this computer or a local network, which providers on the OGPU network "
    "can't reach."
)
# Letters (any script), digits, dots and hyphens: a DNS name as people type it.
_HOST_NAME = re.compile(r"[^\W_](?:[\w.-]*[^\W_])?")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


@dataclass(frozen=True)
class ImageLink:
    """An image to send as a link: the task input is the URL itself.

    Attributes:
        url: The checked ``http(s)`` URL.
        notices: What the user should know about sending it, in plain words.
    """

    url: str
    notices: tuple[str, ...] = field(default=())

    @property
    def value(self) -> str:
        """The string that goes into the task input."""
        return self.url


def validate_image_url(url: str, max_chars: int = MAX_URL_CHARS) -> ImageLink:
    """Check that ``url`` is an http(s) link a provider could download. Nothing is fetched.

    Args:
        url: The link as the user gave it; surrounding spaces are ignored.
        max_chars: Longest link accepted.

    Returns:
        The link with notices (it is public; it may point to a local address).

    Raises:
        ImageError: For other schemes, a missing host, a user name or password in the link,
            spaces or control characters, a bad port, or a link longer than ``max_chars``.
    """
    text = url.strip()
    if not text:
        raise ImageError("No link was given.")
    if len(text) > max_chars:
        raise ImageError(
            f"The link is {len(text):,} characters long; links up to {max_chars:,} characters "
            "can be used. Upload the image somewhere with a shorter address, or send the file."
        )
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ImageError(
            "The link contains spaces or invisible characters. Copy it again from the address bar."
        )
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ImageError("Only links starting with http:// or https:// can be sent.")
    if "@" in parts.netloc:
        raise ImageError(
            "The link contains a user name or password (the part before “@”). It would be public "
            "in the task; use a link that works without signing in."
        )
    host = parts.hostname or ""
    if not host:
        raise ImageError(f"The link has no website address after {scheme}://.")
    try:
        parts.port  # noqa: B018 - reading the property is what validates the port
    except ValueError:
        raise ImageError("The link has an invalid port number (the part after “:”).") from None
    address = _ip_address(host)
    if address is None and not _HOST_NAME.fullmatch(host):
        raise ImageError(f"“{host}” is not a valid website address.")
    notices = [PUBLIC_LINK_NOTICE]
    if _is_local(host, address):
        notices.append(LOCAL_LINK_NOTICE)
    return ImageLink(text, tuple(notices))


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_local(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is not None:
        return not address.is_global
    name = host.rstrip(".")
    return name == "localhost" or "." not in name or name.endswith(_LOCAL_SUFFIXES)
