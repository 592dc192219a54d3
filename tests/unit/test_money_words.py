"""Money in plain words: grouped amounts, fees rounded the safe way, shortfalls with numbers."""

from __future__ import annotations

from ogpu_desktop.domain.amounts import format_amount, parse_amount
from ogpu_desktop.domain.money_words import (
    cannot_top_up,
    fee_line,
    fee_words,
    vault_shortfall,
    wallet_shortfall,
)

TOKEN = 10**18
FEE = 47_250 * 10**9  # 0.00004725


def test_grouped_amounts_are_for_reading_only() -> None:
    assert format_amount(999_999 * TOKEN, grouped=True) == "999,999 OGPU"
    assert format_amount(-1_234_567 * TOKEN // 1000, "ToGPU", grouped=True) == "-1,234.567 ToGPU"
    assert format_amount(999_999 * TOKEN) == "999999 OGPU"  # the default still parses back
    assert parse_amount(format_amount(999_999 * TOKEN, None)) == 999_999 * TOKEN


def test_fees_round_down_for_about_and_up_for_at_most() -> None:
    odd = 123_456_789_123  # 0.000000123456789123
    assert fee_words(odd, "OGPU") == "0.00000012 OGPU"
    assert fee_words(odd, "OGPU", up=True) == "0.00000013 OGPU"
    assert fee_line(FEE, 2 * FEE, "OGPU") == (
        "about 0.00004725 OGPU, at most 0.0000945 OGPU (paid from the wallet)"
    )
    assert fee_line(FEE, FEE, "OGPU") == "about 0.00004725 OGPU (paid from the wallet)"


def test_a_deposit_above_the_wallet_names_what_there_is_what_is_needed_and_the_most_to_enter() -> (
    None
):
    assert wallet_shortfall(
        what="this deposit", have_wei=100 * TOKEN, amount_wei=999_999 * TOKEN,
        likely_fee_wei=FEE, max_fee_wei=2 * FEE, symbol="OGPU",
    ) == (
        "You have 100 OGPU; this deposit needs 999,999 OGPU plus a fee of about 0.00004725 OGPU. "
        "Enter at most 99.999905 OGPU, or add funds to the wallet."
    )


def test_a_fee_the_wallet_cannot_cover_says_how_much_to_add_rounded_up() -> None:
    assert wallet_shortfall(
        what="cancelling this task", have_wei=10**12, amount_wei=0, likely_fee_wei=FEE,
        max_fee_wei=2 * FEE + 1, symbol="OGPU",
    ) == (
        "You have 0.000001 OGPU; cancelling this task needs a network fee of about "
        "0.00004725 OGPU. Add at least 0.00009351 OGPU to the wallet first."
    )


def test_enough_for_the_likely_fee_but_not_the_most_it_can_be() -> None:
    text = wallet_shortfall(
        what="this deposit", have_wei=TOKEN, amount_wei=TOKEN - 3 * FEE // 2,
        likely_fee_wei=FEE, max_fee_wei=2 * FEE, symbol="OGPU",
    )
    assert "The wallet must hold the most the fee can be (0.0000945 OGPU) when it signs." in text
    assert text.endswith("Enter at most 0.999905 OGPU, or add funds to the wallet.")


def test_vault_shortfalls_and_top_ups() -> None:
    assert vault_shortfall(
        what="this withdrawal", available_wei=2 * TOKEN, amount_wei=5 * TOKEN,
        held_wei=3 * TOKEN // 1000, symbol="OGPU",
    ) == (
        "Your vault has 2 OGPU available; this withdrawal needs 5 OGPU. 0.003 OGPU more is held "
        "for tasks still running and comes back when they end."
    )
    assert cannot_top_up(wallet_wei=10 * TOKEN, missing_wei=999_990 * TOKEN, symbol="OGPU") == (
        "Your wallet has 10 OGPU, so it cannot deposit the 999,990 OGPU still missing (plus the "
        "deposit's network fee). Lower the payment or the number of tasks, or add funds to the "
        "wallet first."
    )
