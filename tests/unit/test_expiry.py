"""Expiry durations become absolute times, checked against the source's limit and the 86400 trap."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogpu_desktop.domain.expiry import (
    DURATION_PRESETS_S,
    EXPIRY_MARGIN_S,
    MIN_DURATION_S,
    check_duration,
    check_expiry_time,
    expiry_time,
    format_duration,
    format_time_left,
    max_duration,
)
from ogpu_desktop.errors import ValidationError

NOW = 1_790_000_000  # a fixed moment in 2026


@pytest.mark.parametrize("duration", [300, 400, 600])
def test_guide_durations_become_now_plus_duration(duration: int) -> None:
    assert expiry_time(duration, now=NOW) == NOW + duration
    assert expiry_time(duration, now=NOW, max_expiry_s=3600) == NOW + duration


def test_the_source_limit_keeps_a_margin() -> None:
    assert max_duration(3600) == 3600 - EXPIRY_MARGIN_S
    assert expiry_time(3600 - EXPIRY_MARGIN_S, now=NOW, max_expiry_s=3600) == NOW + 3540
    with pytest.raises(ValidationError) as caught:
        expiry_time(3600, now=NOW, max_expiry_s=3600)
    assert caught.value.field == "expiry"
    assert caught.value.message == (
        "This source lets tasks live at most 59 minutes (its limit is 1 hour, less a safety "
        "margin). Choose a shorter time."
    )


def test_too_short_duration_is_refused() -> None:
    assert expiry_time(MIN_DURATION_S, now=NOW) == NOW + 60
    for duration in (59, 0, -300):
        with pytest.raises(ValidationError) as caught:
            expiry_time(duration, now=NOW)
        assert caught.value.message == "A task needs at least 1 minute to be answered."


def test_source_whose_limit_is_too_short_for_any_task() -> None:
    with pytest.raises(ValidationError) as caught:
        check_duration(60, max_expiry_s=90)
    assert caught.value.message == (
        "This source lets tasks live only 1 minute 30 seconds, too short to publish safely. "
        "Choose another source."
    )
    assert max_duration(30) == 0


def test_the_86400_trap_is_explained() -> None:
    # The HF repository's notebook passes expiryTime=86400: a duration used as an absolute time.
    with pytest.raises(ValidationError) as caught:
        check_expiry_time(86400, now=NOW)
    assert caught.value.message == (
        "86400 looks like a duration (1 day), not a point in time: the expiry must be an "
        "absolute time, so use now + 86400."
    )
    check_expiry_time(expiry_time(86400, now=NOW), now=NOW)


def test_absolute_expiry_checks() -> None:
    with pytest.raises(ValidationError, match="already passed"):
        check_expiry_time(NOW, now=NOW)
    with pytest.raises(ValidationError, match="at least 1 minute"):
        check_expiry_time(NOW + 30, now=NOW)
    with pytest.raises(ValidationError, match="at most 9 minutes"):
        check_expiry_time(NOW + 600, now=NOW, max_expiry_s=600)
    check_expiry_time(NOW + 540, now=NOW, max_expiry_s=600)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (90, "1 minute 30 seconds"),
        (600, "10 minutes"),
        (3600, "1 hour"),
        (5400, "1 hour 30 minutes"),
        (3661, "1 hour 1 minute"),
        (86400, "1 day"),
        (2 * 86400 + 7200 + 5, "2 days 2 hours"),
        (-90, "1 minute 30 seconds"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_precision_and_time_left() -> None:
    assert format_duration(3661, parts=3) == "1 hour 1 minute 1 second"
    assert format_duration(3661, parts=1) == "1 hour"
    assert format_time_left(NOW + 250, now=NOW) == "4 minutes 10 seconds left"
    assert format_time_left(NOW - 120, now=NOW) == "expired 2 minutes ago"
    assert format_time_left(NOW, now=NOW) == "expired just now"


def test_presets_are_all_valid_without_a_source_limit() -> None:
    assert list(DURATION_PRESETS_S) == sorted(DURATION_PRESETS_S)
    for preset in DURATION_PRESETS_S:
        check_duration(preset)


@given(
    st.integers(min_value=MIN_DURATION_S, max_value=10**7),
    st.integers(min_value=0, max_value=10**7),
)
def test_accepted_durations_always_respect_the_source_limit(duration: int, limit: int) -> None:
    try:
        expiry = expiry_time(duration, now=NOW, max_expiry_s=limit)
    except ValidationError:
        assert duration > limit - EXPIRY_MARGIN_S or limit - EXPIRY_MARGIN_S < MIN_DURATION_S
    else:
        assert expiry == NOW + duration
        assert expiry < NOW + limit
