"""Token amounts: exact decimal OGPU text <-> int wei (18 decimals), never through float."""

from __future__ import annotations

import re
from decimal import Decimal

from ogpu_desktop.errors import ValidationError

DECIMALS = 18
"""Decimal places of OGPU and ToGPU (like ether)."""
WEI_PER_TOKEN = 10**DECIMALS
"""Wei in one whole token."""
MAX_WEI = 2**256 - 1
"""Largest amount a contract can hold (uint256)."""
DEFAULT_SYMBOL = "OGPU"

_PLAIN_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?")
_EXAMPLE = "such as 0.002"


def parse_amount(
    text: str,
    *,
    symbol: str = DEFAULT_SYMBOL,
    field: str | None = "payment",
    allow_zero: bool = False,
) -> int:
    """Read an amount typed by the user, in whole tokens, as exact wei.

    Accepted: digits with an optional dot and at most 18 decimal places (``"0.002"``, ``"1"``,
    ``".5"``), optionally followed by the token symbol (``"0.002 OGPU"``). Refused with a plain
    message: commas (decimal or thousands), signs, exponents, NaN/infinity, more than 18 decimal
    places, zero (unless ``allow_zero``) and amounts beyond uint256.

    Args:
        text: What the user typed.
        symbol: The network's token symbol, accepted after the number and used in messages.
        field: Form field to name in errors.
        allow_zero: Whether zero is a valid amount.

    Returns:
        The amount in wei.

    Raises:
        ValidationError: The text is not an amount that can be sent.
    """
    number = text.strip()
    if number.lower().endswith(symbol.lower()):
        number = number[: -len(symbol)].rstrip()
    if not number:
        raise ValidationError(f"Enter an amount in {symbol}, {_EXAMPLE}.", field)
    if "," in number:
        raise ValidationError(
            "Use a dot for decimals and no thousands separators, such as 1.5 or 1500.", field
        )
    if number.startswith("-"):
        raise ValidationError("The amount cannot be negative.", field)
    match = _PLAIN_NUMBER.fullmatch(number)
    if match is None or not (match.group(1) or match.group(2)):
        raise ValidationError(f"Enter the amount as a plain number, {_EXAMPLE}.", field)
    whole, fraction = match.group(1) or "0", match.group(2) or ""
    if len(whole.lstrip("0")) > len(str(MAX_WEI // WEI_PER_TOKEN)):
        # Checked before int() so that thousands of typed digits cannot hit int's digit limit.
        raise ValidationError("This amount is too large.", field)
    if len(fraction.rstrip("0")) > DECIMALS:
        raise ValidationError(
            f"{symbol} amounts have at most {DECIMALS} decimal places.", field
        )
    wei: int = int(whole) * WEI_PER_TOKEN + int(fraction[:DECIMALS].ljust(DECIMALS, "0"))
    if wei == 0 and not allow_zero:
        raise ValidationError("The amount must be more than zero.", field)
    if wei > MAX_WEI:
        raise ValidationError("This amount is too large.", field)
    return wei


def format_amount(
    wei: int, symbol: str | None = DEFAULT_SYMBOL, *, max_places: int | None = None,
    grouped: bool = False,
) -> str:
    """Write a wei amount in whole tokens, exactly, without trailing zeros.

    ``format_amount(2 * 10**15)`` is ``"0.002 OGPU"``; without a symbol the text parses back to
    the same wei with :func:`parse_amount`.

    Args:
        wei: The amount (may be negative, e.g. for a difference).
        symbol: Appended after a space; ``None`` for the bare number.
        max_places: Show at most this many decimal places; a shortened value is cut toward zero
            and marked with ``"≈ "`` (or shown as ``"< 0.0…1"`` when it would read as zero).
        grouped: Separate thousands with commas (``"999,999 OGPU"``), for messages; such text
            no longer parses back.

    Returns:
        The amount as text.
    """
    sign = "-" if wei < 0 else ""
    whole, rest = divmod(abs(wei), WEI_PER_TOKEN)
    fraction = str(rest).rjust(DECIMALS, "0").rstrip("0")
    prefix = ""
    if max_places is not None and len(fraction) > max_places:
        fraction = fraction[:max_places].rstrip("0")
        if whole == 0 and not fraction:
            smallest = "0." + "1".rjust(max_places, "0") if max_places else "1"
            return _with_symbol(f"> -{smallest}" if sign else f"< {smallest}", symbol)
        prefix = "≈ "
    digits = f"{whole:,}" if grouped else str(whole)
    number = f"{digits}.{fraction}" if fraction else digits
    return _with_symbol(f"{prefix}{sign}{number}", symbol)


SHORT_DECIMALS = 6
"""Significant decimals an amount shows on screen; the exact value goes in a tooltip."""


def short_places(wei: int, significant: int = SHORT_DECIMALS) -> int:
    """Decimal places that show ``significant`` significant decimals of ``wei``.

    From one token up every decimal is significant (``12.345678``); below one, the zeros after
    the dot do not count (``0.000047251234``), so a small fee never reads as zero.
    """
    whole, rest = divmod(abs(wei), WEI_PER_TOKEN)
    if whole or rest == 0:
        return significant
    zeros = DECIMALS - len(str(rest))
    return min(DECIMALS, zeros + significant)


def short_amount(
    wei: int, symbol: str | None = DEFAULT_SYMBOL, *, up: bool = False,
    significant: int = SHORT_DECIMALS, grouped: bool = False,
) -> str:
    """Write a wei amount for reading: at most ``significant`` significant decimals.

    A balance is rounded down (what is there, at least) and a cost up (what it takes, at most),
    so neither promises more than is true: ``short_amount(99_991138024624340339)`` is
    ``"99.991138 OGPU"``. Show :func:`format_amount`'s exact text beside it (a tooltip, a copy).

    Args:
        wei: The amount.
        symbol: Appended after a space; ``None`` for the bare number (which parses back).
        up: Round up (costs, fees, "at least" figures) rather than down (balances).
        significant: Significant decimals to keep at most.
        grouped: Separate thousands with commas, for messages.
    """
    step = 10 ** (DECIMALS - short_places(wei, significant))
    rounded = -(-wei // step) * step if up else wei // step * step
    return format_amount(rounded, symbol, grouped=grouped)


def _with_symbol(number: str, symbol: str | None) -> str:
    return f"{number} {symbol}" if symbol else number


def wei_to_decimal(wei: int) -> Decimal:
    """Return ``wei`` in whole tokens as an exact :class:`~decimal.Decimal`."""
    return Decimal(f"{wei}E-{DECIMALS}")


def decimal_to_wei(amount: Decimal) -> int:
    """Return a token amount in wei, exactly.

    Raises:
        ValueError: ``amount`` is not finite or has more than 18 decimal places.
    """
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {amount}")
    text = format(amount, "f")
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(fraction.rstrip("0")) > DECIMALS:
        raise ValueError(f"more than {DECIMALS} decimal places: {amount}")
    wei: int = int(whole) * WEI_PER_TOKEN + int(fraction[:DECIMALS].ljust(DECIMALS, "0"))
    return -wei if negative else wei
