"""Amounts on screen: six significant decimals at most, balances down, costs up, exact kept."""

from __future__ import annotations

import pytest

from ogpu_desktop.domain.amounts import format_amount, parse_amount, short_amount, short_places
from ogpu_desktop.domain.money_words import amount_words
from ogpu_desktop.domain.top_up import fee_in_passing, preferred_choice, top_up_choices

TOKEN = 10**18
LONG_BALANCE = 99_991138024624340339  # 99.991138024624340339 OGPU, a balance after four fees


def test_a_long_balance_is_cut_to_six_decimals_and_rounded_down() -> None:
    assert short_amount(LONG_BALANCE) == "99.991138 OGPU"
    assert amount_words(LONG_BALANCE, "OGPU") == "99.991138 OGPU"
    # The exact value stays available for the tooltip and for copies.
    assert format_amount(LONG_BALANCE) == "99.991138024624340339 OGPU"
    assert parse_amount(format_amount(LONG_BALANCE, None)) == LONG_BALANCE


def test_a_cost_is_rounded_up_so_it_never_reads_as_less_than_it_is() -> None:
    assert short_amount(LONG_BALANCE, up=True) == "99.991139 OGPU"
    assert amount_words(1_000000000000000001, "OGPU", up=True) == "1.000001 OGPU"
    assert short_amount(1_000000000000000001) == "1 OGPU"
    # Rounding up across a whole token carries into the whole part.
    assert short_amount(999_999_999_999_999_999, up=True) == "1 OGPU"


def test_small_amounts_keep_six_significant_decimals_and_never_read_as_zero() -> None:
    fee = 1_743_829_123_456_789  # 0.001743829123456789
    assert short_places(fee) == 8
    assert short_amount(fee) == "0.00174382 OGPU"
    assert short_amount(fee, up=True) == "0.00174383 OGPU"
    assert short_amount(fee, up=True, significant=2) == "0.0018 OGPU"
    assert short_amount(1) == "0.000000000000000001 OGPU"
    assert short_amount(0) == "0 OGPU"


@pytest.mark.parametrize("wei", [1, 7 * 10**11 + 3, 10**15, LONG_BALANCE, 12345 * TOKEN + 1])
def test_down_is_at_most_and_up_at_least_the_exact_amount(wei: int) -> None:
    down = parse_amount(short_amount(wei, None), allow_zero=True)
    up = parse_amount(short_amount(wei, None, up=True))
    assert down <= wei <= up
    assert len(short_amount(wei, None).partition(".")[2].lstrip("0")) <= 6


def test_grouped_and_bare_forms() -> None:
    assert short_amount(1_234_567 * TOKEN + LONG_BALANCE % TOKEN, "ToGPU", grouped=True) == (
        "1,234,567.991138 ToGPU"
    )
    assert short_amount(LONG_BALANCE, None) == "99.991138"


def test_top_up_choices_cover_several_tasks_and_prefer_ten() -> None:
    payment = 10**15  # 0.001
    choices = top_up_choices(payment_wei=payment, count=1, vault_wei=0)
    assert [c.tasks for c in choices] == [1, 5, 10, 20, 50, 100]
    ten = choices[preferred_choice(choices, None)]
    assert ten.amount_wei == 10 * payment
    assert ten.words("OGPU") == "Deposit 0.01 OGPU — enough for 10 tasks like this"
    assert choices[0].words("OGPU") == "Deposit 0.001 OGPU — enough for this task"
    assert fee_in_passing(1_743_829_123_456_789, "OGPU") == "0.0018 OGPU"
    # What the vault holds already counts; the remembered count wins over ten.
    part = top_up_choices(payment_wei=payment, count=1, vault_wei=payment // 2)
    assert part[0].amount_wei == payment // 2
    assert part[preferred_choice(part, 20)].tasks == 20
    assert part[preferred_choice(part, 20)].amount_wei == 20 * payment - payment // 2
    # A batch of 30: the smallest choice is the batch itself, and it is preferred over ten.
    batch = top_up_choices(payment_wei=payment, count=30, vault_wei=0)
    assert [c.tasks for c in batch] == [30, 50, 100]
    assert batch[preferred_choice(batch, None)].tasks == 30
    assert top_up_choices(payment_wei=payment, count=2, vault_wei=2 * payment) == []
    # The wallet holds 0.007: five tasks is the most it can deposit for; with 0.0005, none.
    assert choices[preferred_choice(choices, None, wallet_wei=7 * payment)].tasks == 5
    assert preferred_choice(choices, None, wallet_wei=payment // 2) == 0
