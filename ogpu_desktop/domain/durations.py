"""Read a task lifetime typed on a command line: ``600``, ``10m``, ``2h``, ``1h30m``, ``1 day``."""

from __future__ import annotations

import re

from ogpu_desktop.errors import ValidationError

_UNIT_SECONDS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}
_PART = re.compile(r"\s*(\d{1,9})\s*([a-z]*)\s*")
_EXAMPLES = "such as 600 (seconds), 10m, 2h, 1h30m or 1 day"


def parse_duration(text: str, field: str | None = "expires") -> int:
    """Read a duration; a bare number is seconds.

    Raises:
        ValidationError: Not a duration (the message gives examples), or zero.
    """
    value = text.strip().lower()
    if not value:
        raise ValidationError(f"Enter how long each task may wait, {_EXAMPLES}.", field)
    total, position = 0, 0
    while position < len(value):
        match = _PART.match(value, position)
        if match is None or match.end() == position:
            raise ValidationError(f"“{text}” is not a duration; write it {_EXAMPLES}.", field)
        unit = match.group(2) or "s"
        if unit not in _UNIT_SECONDS:
            raise ValidationError(
                f"“{match.group(2)}” is not a unit of time; write the duration {_EXAMPLES}.",
                field,
            )
        total += int(match.group(1)) * _UNIT_SECONDS[unit]
        position = match.end()
    if total <= 0:
        raise ValidationError("The duration must be more than zero.", field)
    return total
