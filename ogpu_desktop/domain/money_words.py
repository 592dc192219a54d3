"""Money in plain words: fees, totals and shortfalls, with the numbers that matter."""

from __future__ import annotations

from ogpu_desktop.domain.amounts import format_amount, short_amount

FEE_PLACES = 8
"""A fee is an estimate: eight decimals say enough (the review shows the same)."""
_STEP = 10 ** (18 - FEE_PLACES)  # wei in the last decimal shown


def amount_words(wei: int, symbol: str, *, up: bool = False) -> str:
    """An amount for a message, thousands grouped (``"999,999 OGPU"``).

    At most six significant decimals: a balance rounded down, a cost (``up``) rounded up, so
    "you have" never says more and "needs" never says less than is true.
    """
    return short_amount(wei, symbol, up=up, grouped=True)


def fee_words(wei: int, symbol: str, *, up: bool = False) -> str:
    """A fee estimate for a message, to eight decimals (``"0.00004725 OGPU"``).

    Args:
        wei: The amount.
        symbol: The network's token symbol.
        up: Round up rather than down (for a most-it-can-be figure).
    """
    if up:
        wei = -(-wei // _STEP) * _STEP
    return format_amount(wei, symbol, max_places=FEE_PLACES, grouped=True).removeprefix("≈ ")


def fee_line(likely_wei: int, max_wei: int, symbol: str) -> str:
    """The fee of one transaction: what to expect and the most it can be."""
    if max_wei <= likely_wei:
        return f"about {fee_words(likely_wei, symbol)} (paid from the wallet)"
    return (
        f"about {fee_words(likely_wei, symbol)}, at most {fee_words(max_wei, symbol, up=True)} "
        "(paid from the wallet)"
    )


def wallet_shortfall(
    *, what: str, have_wei: int, amount_wei: int, likely_fee_wei: int, max_fee_wei: int,
    symbol: str,
) -> str:
    """Why the wallet cannot pay for a transaction, and what to do.

    Args:
        what: The transaction in a few words ("this deposit", "cancelling this task").
        have_wei: The wallet's balance.
        amount_wei: The value the transaction sends from the wallet (0 for none).
        likely_fee_wei: The fee to expect.
        max_fee_wei: The most the fee can be; the wallet must hold it when signing.
        symbol: The network's token symbol.

    Returns:
        For example "You have 10 OGPU; this deposit needs 999,999 OGPU plus a fee of about
        0.00005 OGPU. Enter at most 9.9999 OGPU, or add funds to the wallet first."
    """
    fee = fee_words(likely_fee_wei, symbol)
    if amount_wei:
        amount = amount_words(amount_wei, symbol, up=True)
        needs = f"{what} needs {amount} plus a fee of about {fee}"
    else:
        needs = f"{what} needs a network fee of about {fee}"
    text = f"You have {amount_words(have_wei, symbol)}; {needs}."
    if have_wei >= amount_wei + likely_fee_wei:
        text += (
            " The wallet must hold the most the fee can be "
            f"({fee_words(max_fee_wei, symbol, up=True)}) "
            "when it signs."
        )
    room = (have_wei - max_fee_wei) // _STEP * _STEP  # rounded down: "at most" must hold
    if amount_wei and room > 0:
        return f"{text} Enter at most {amount_words(room, symbol)}, or add funds to the wallet."
    missing = amount_wei + max_fee_wei - have_wei
    return f"{text} Add at least {fee_words(missing, symbol, up=True)} to the wallet first."


def cannot_top_up(*, wallet_wei: int, missing_wei: int, symbol: str) -> str:
    """Why the vault cannot be topped up from the wallet for a publish, and what to do."""
    return (
        f"Your wallet has {amount_words(wallet_wei, symbol)}, so it cannot deposit the "
        f"{amount_words(missing_wei, symbol, up=True)} still missing (plus the deposit's "
        "network fee). "
        "Lower the payment or the number of tasks, or add funds to the wallet first."
    )


def vault_shortfall(
    *, what: str, available_wei: int, amount_wei: int, held_wei: int, symbol: str
) -> str:
    """Why the vault cannot pay ``amount_wei``, and what to do.

    Args:
        what: What asks for the amount ("this withdrawal", "these tasks").
        available_wei: The vault's available balance.
        amount_wei: What is asked for.
        held_wei: What the vault holds for tasks still running (not available).
        symbol: The network's token symbol.
    """
    text = (
        f"Your vault has {amount_words(available_wei, symbol)} available; {what} needs "
        f"{amount_words(amount_wei, symbol, up=True)}."
    )
    if held_wei:
        text += (
            f" {amount_words(held_wei, symbol)} more is held for tasks still running and "
            "comes back when they end."
        )
    return text
