"""Checks of what the user types on the Settings page, with plain-words messages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ogpu_desktop.errors import ValidationError

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
MAX_CHAIN_ID = 2**63 - 1


def check_http_url(text: str, what: str, field: str, *, blank_ok: bool = False) -> str:
    """Return ``text`` stripped if it is an http(s) URL with a host.

    Args:
        text: What the user typed.
        what: How to name the URL in messages ("The pinning endpoint").
        field: Field name carried by the error.
        blank_ok: Accept an empty text (meaning "use the default") and return ``""``.

    Raises:
        ValidationError: When it is not such a URL.
    """
    url = text.strip()
    if not url:
        if blank_ok:
            return ""
        raise ValidationError(f"{what} is needed: enter an address starting with https://.", field)
    if any(c.isspace() for c in url):
        raise ValidationError(f"{what} cannot contain spaces.", field)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(f"{what} must start with http:// or https://.", field)
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = None
    if not host:
        raise ValidationError(
            f"{what} needs a host name after {parts.scheme}://, such as https://example.org.",
            field,
        )
    return url


def check_chain_id(text: str) -> int:
    """Return the chain ID typed as a positive whole number.

    Raises:
        ValidationError: With field ``chain_id``.
    """
    digits = text.strip()
    if not digits.isdigit() or not digits.isascii() or len(digits) > 19:
        raise ValidationError("The chain ID is a positive whole number, such as 1071.", "chain_id")
    value = int(digits)
    if not 0 < value <= MAX_CHAIN_ID:
        raise ValidationError("The chain ID is a positive whole number, such as 1071.", "chain_id")
    return value


def check_contract_address(text: str, name: str) -> str:
    """Return the address typed for the ``name`` contract (``0x`` and 40 hex digits).

    Raises:
        ValidationError: With the contract's name as field.
    """
    address = text.strip()
    if not _ADDRESS.fullmatch(address):
        raise ValidationError(
            f"The {name.capitalize()} address is 0x followed by 40 hexadecimal characters.", name
        )
    return address
