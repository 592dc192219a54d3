"""Amounts typed in OGPU become exact wei, and wei is written back exactly, never through float."""

from decimal import Decimal

import pytest
from eth_utils import to_wei
from hypothesis import given
from hypothesis import strategies as st

from ogpu_desktop.domain.amounts import (
    MAX_WEI,
    WEI_PER_TOKEN,
    decimal_to_wei,
    format_amount,
    parse_amount,
    wei_to_decimal,
)
from ogpu_desktop.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "wei"),
    [
        ("0.002", 2 * 10**15),
        ("1", WEI_PER_TOKEN),
        ("1.", WEI_PER_TOKEN),
        (".5", WEI_PER_TOKEN // 2),
        ("  0.25  ", WEI_PER_TOKEN // 4),
        ("0.000000000000000001", 1),
        ("0.100000000000000000000", WEI_PER_TOKEN // 10),
        ("0.002 OGPU", 2 * 10**15),
        ("0.002ogpu", 2 * 10**15),
        (
            "123456789012345678901234567890.123456789012345678",
            123456789012345678901234567890123456789012345678,
        ),
    ],
)
def test_parse_exact(text: str, wei: int) -> None:
    assert parse_amount(text) == wei


@pytest.mark.parametrize("guide_amount", ["0.001", "0.002", "0.004"])
def test_guide_payments_match_web3_conversion(guide_amount: str) -> None:
    expected = to_wei(Decimal(guide_amount), "ether")
    assert parse_amount(guide_amount) == expected
    assert parse_amount(guide_amount) == int(guide_amount[-1]) * 10**15
    assert format_amount(expected) == f"{guide_amount} OGPU"


def test_symbol_of_the_network_is_used() -> None:
    assert parse_amount("0.5 ToGPU", symbol="ToGPU") == WEI_PER_TOKEN // 2
    assert format_amount(WEI_PER_TOKEN // 2, "ToGPU") == "0.5 ToGPU"
    with pytest.raises(ValidationError) as caught:
        parse_amount("0.5 OGPU", symbol="ToGPU")
    assert caught.value.message == "Enter the amount as a plain number, such as 0.002."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount in OGPU, such as 0.002."),
        ("OGPU", "Enter an amount in OGPU, such as 0.002."),
        ("1,5", "Use a dot for decimals and no thousands separators, such as 1.5 or 1500."),
        ("1,000.5", "Use a dot for decimals and no thousands separators, such as 1.5 or 1500."),
        ("-0.1", "The amount cannot be negative."),
        ("0", "The amount must be more than zero."),
        ("0.000", "The amount must be more than zero."),
        ("0.0000000000000000001", "OGPU amounts have at most 18 decimal places."),
        ("NaN", "Enter the amount as a plain number, such as 0.002."),
        ("inf", "Enter the amount as a plain number, such as 0.002."),
        ("Infinity", "Enter the amount as a plain number, such as 0.002."),
        ("1e-3", "Enter the amount as a plain number, such as 0.002."),
        ("1_000", "Enter the amount as a plain number, such as 0.002."),
        ("+1", "Enter the amount as a plain number, such as 0.002."),
        (".", "Enter the amount as a plain number, such as 0.002."),
        ("1 000", "Enter the amount as a plain number, such as 0.002."),
        ("0x10", "Enter the amount as a plain number, such as 0.002."),
        ("1" * 80, "This amount is too large."),
        ("9" * 5000, "This amount is too large."),
        (
            "115792089237316195423570985008687907853269984665640564039458",
            "This amount is too large.",
        ),
    ],
)
def test_parse_refusals(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount(text)
    assert caught.value.message == message
    assert caught.value.field == "payment"


def test_zero_allowed_when_asked_and_field_named() -> None:
    assert parse_amount("0", allow_zero=True) == 0
    with pytest.raises(ValidationError) as caught:
        parse_amount("x", field="deposit")
    assert caught.value.field == "deposit"


@pytest.mark.parametrize(
    ("wei", "text"),
    [
        (0, "0 OGPU"),
        (1, "0.000000000000000001 OGPU"),
        (WEI_PER_TOKEN, "1 OGPU"),
        (15 * 10**17, "1.5 OGPU"),
        (-(2 * 10**15), "-0.002 OGPU"),
    ],
)
def test_format_exact(wei: int, text: str) -> None:
    assert format_amount(wei) == text


def test_format_without_symbol_and_shortened() -> None:
    assert format_amount(2 * 10**15, None) == "0.002"
    assert format_amount(1_234_567_890_000_000_000, max_places=4) == "≈ 1.2345 OGPU"
    assert format_amount(1_230_000_000_000_000_000, max_places=4) == "1.23 OGPU"
    assert format_amount(10**9, max_places=6) == "< 0.000001 OGPU"
    assert format_amount(-(10**9), max_places=6) == "> -0.000001 OGPU"
    assert format_amount(10**9, max_places=0) == "< 1 OGPU"


def test_decimal_conversions_are_exact_at_any_size() -> None:
    huge = MAX_WEI
    assert decimal_to_wei(wei_to_decimal(huge)) == huge
    assert wei_to_decimal(1) == Decimal("0.000000000000000001")
    assert decimal_to_wei(Decimal("0.002")) == 2 * 10**15
    assert decimal_to_wei(Decimal("-1.5")) == -15 * 10**17
    with pytest.raises(ValueError, match="decimal places"):
        decimal_to_wei(Decimal("1e-19"))
    with pytest.raises(ValueError, match="finite"):
        decimal_to_wei(Decimal("NaN"))


@given(st.integers(min_value=1, max_value=MAX_WEI))
def test_format_then_parse_round_trips(wei: int) -> None:
    assert parse_amount(format_amount(wei)) == wei
    assert parse_amount(format_amount(wei, None)) == wei
    assert decimal_to_wei(wei_to_decimal(wei)) == wei


@given(
    st.from_regex(r"\A[0-9]{1,30}(\.[0-9]{0,18})?\Z").filter(
        lambda s: any(c in "123456789" for c in s)
    )
)
def test_parse_then_format_gives_the_canonical_text(text: str) -> None:
    wei = parse_amount(text)
    canonical = format_amount(wei, None)
    assert Decimal(canonical) == Decimal(text)
    assert parse_amount(canonical) == wei
    assert not canonical.endswith(".")
    assert "." not in canonical or not canonical.endswith("0")


@given(st.text(max_size=30))
def test_parse_never_fails_with_anything_but_a_validation_error(text: str) -> None:
    message = ""
    try:
        wei = parse_amount(text)
    except ValidationError as exc:
        message = exc.message
        wei = None
    if wei is None:
        assert message.endswith(".")
    else:
        assert 0 < wei <= MAX_WEI
        assert text.strip()[0] in "0123456789."


def test_only_ascii_digits_are_amounts() -> None:
    with pytest.raises(ValidationError):
        parse_amount("\u0663")  # ARABIC-INDIC DIGIT THREE
