"""Task expiry: a duration the user picks -> the absolute unix time the contract wants, checked."""

from __future__ import annotations

from ogpu_desktop.errors import ValidationError

# The contract takes expiryTime as absolute unix seconds that must lie before now +
# maxExpiryDuration of the source. EXPIRY_MARGIN_S stays below that maximum because "now" on chain
# is the time of the block that includes the transaction, and this computer's clock may run ahead;
# MIN_DURATION_S is the shortest lifetime, since pinning the config (up to a minute when the
# pinning service retries) and block inclusion eat into it before any provider can start.
# Compute the absolute time right before publishing, not when the form opens.
MIN_DURATION_S = 60
"""Shortest task lifetime accepted, in seconds."""
EXPIRY_MARGIN_S = 60
"""Seconds kept below a source's maximum expiry duration."""
DURATION_PRESETS_S: tuple[int, ...] = (300, 600, 1800, 3600, 6 * 3600, 86400)
"""Lifetimes a form offers at once: 5 and 10 minutes, half an hour, 1 and 6 hours, 1 day."""

_UNITS: tuple[tuple[int, str], ...] = (
    (86400, "day"),
    (3600, "hour"),
    (60, "minute"),
    (1, "second"),
)
_YEAR_2000 = 946_684_800


def max_duration(max_expiry_s: int, margin_s: int = EXPIRY_MARGIN_S) -> int:
    """Return the longest lifetime to offer for a source allowing ``max_expiry_s`` seconds."""
    return max(0, max_expiry_s - margin_s)


def check_duration(
    duration_s: int,
    *,
    max_expiry_s: int | None = None,
    margin_s: int = EXPIRY_MARGIN_S,
    field: str | None = "expiry",
) -> None:
    """Check a task lifetime against the minimum and the source's maximum.

    Args:
        duration_s: Seconds from now until the task expires.
        max_expiry_s: The source's ``maxExpiryDuration``, or ``None`` when it is not known yet.
        margin_s: Seconds kept below the source's maximum.
        field: Form field to name in errors.

    Raises:
        ValidationError: The lifetime is too short, or too long for the source.
    """
    if max_expiry_s is not None:
        longest = max_duration(max_expiry_s, margin_s)
        if longest < MIN_DURATION_S:
            raise ValidationError(
                f"This source lets tasks live only {format_duration(max_expiry_s)}, too short to "
                "publish safely. Choose another source.",
                field,
            )
        if duration_s > longest:
            raise ValidationError(
                f"This source lets tasks live at most {format_duration(longest)} (its limit is "
                f"{format_duration(max_expiry_s)}, less a safety margin). Choose a shorter time.",
                field,
            )
    if duration_s < MIN_DURATION_S:
        raise ValidationError(
            f"A task needs at least {format_duration(MIN_DURATION_S)} to be answered.", field
        )


def expiry_time(
    duration_s: int,
    *,
    now: int,
    max_expiry_s: int | None = None,
    margin_s: int = EXPIRY_MARGIN_S,
) -> int:
    """Return the absolute expiry time ``now + duration_s`` after checking the duration.

    Args:
        duration_s: Seconds the task may live.
        now: The current unix time in seconds.
        max_expiry_s: The source's ``maxExpiryDuration``, when known.
        margin_s: Seconds kept below the source's maximum.

    Raises:
        ValidationError: See :func:`check_duration`.
    """
    check_duration(duration_s, max_expiry_s=max_expiry_s, margin_s=margin_s)
    return now + duration_s


def check_expiry_time(
    expiry: int,
    *,
    now: int,
    max_expiry_s: int | None = None,
    margin_s: int = EXPIRY_MARGIN_S,
    field: str | None = "expiry",
) -> None:
    """Check an absolute expiry time, for example one read from a saved or imported task.

    A small number such as ``86400`` is a duration mistaken for a time: taken as a time it is a
    moment in 1970, and the task would be expired before it was published.

    Raises:
        ValidationError: The time is a duration in disguise, in the past, too soon or too far.
    """
    if expiry < _YEAR_2000:
        raise ValidationError(
            f"{expiry} looks like a duration ({format_duration(max(expiry, 0))}), not a point in "
            f"time: the expiry must be an absolute time, so use now + {expiry}.",
            field,
        )
    if expiry <= now:
        raise ValidationError("This expiry time has already passed.", field)
    check_duration(expiry - now, max_expiry_s=max_expiry_s, margin_s=margin_s, field=field)


def format_duration(seconds: int, *, parts: int = 2) -> str:
    """Write a number of seconds in words, largest units first: ``"1 hour 30 minutes"``.

    Args:
        seconds: The duration (negative values are written as their size).
        parts: How many units to show at most; smaller remainders are dropped.
    """
    remaining = abs(seconds)
    words: list[str] = []
    for size, name in _UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            words.append(f"{count} {name}{'' if count == 1 else 's'}")
        if len(words) == parts:
            break
    return " ".join(words) if words else "0 seconds"


def format_time_left(expiry: int, *, now: int) -> str:
    """Time until ``expiry``: ``"4 minutes 10 seconds left"`` or ``"expired 1 minute ago"``."""
    if expiry > now:
        return f"{format_duration(expiry - now)} left"
    return f"expired {format_duration(now - expiry)} ago" if expiry < now else "expired just now"
