"""Task lifetimes typed on the command line."""

from __future__ import annotations

import pytest

from ogpu_desktop.domain.durations import parse_duration
from ogpu_desktop.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("600", 600), ("90s", 90), ("10m", 600), ("10 min", 600), ("2h", 7200),
     ("1h30m", 5400), ("1 day", 86400), (" 1H 5M ", 3900)],
)
def test_durations_in_words_and_units(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "Enter how long"), ("ten minutes", "not a duration"), ("5 weeks", "not a unit"),
     ("0", "more than zero"), ("-5m", "not a duration")],
)
def test_bad_durations_say_why(text: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        parse_duration(text)
