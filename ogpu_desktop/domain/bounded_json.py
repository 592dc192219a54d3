"""JSON parsing for text from outside the app, with a nesting limit checked before parsing.

Importing web3 (through py_ecc) raises Python's recursion limit to 100,000, so ``json.loads`` no
longer stops deep nesting with a ``RecursionError``: the C parser runs off the thread's stack and
the process crashes. A provider's response, a source's metadata or a keystore file could nest
that deep, so every such text is measured first, without recursion and at C speed.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_JSON_DEPTH = 64
"""Deeper than any payload, metadata or keystore the app reads; far below the C stack limit."""

# A JSON string, including escaped quotes; brackets inside it do not nest.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonTooDeepError(ValueError):
    """The text nests arrays/objects deeper than allowed; it was not parsed."""


def nesting_depth(text: str) -> int:
    """Return how deep ``text`` nests JSON arrays and objects (0 for a scalar)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(0, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))


def loads_bounded(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse ``text`` as JSON after checking it nests at most ``max_depth`` levels.

    Raises:
        JsonTooDeepError: The text nests deeper than ``max_depth`` (a ``ValueError``).
        ValueError: The text is not JSON (``json.JSONDecodeError`` or a decode error).
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonTooDeepError(f"JSON nested {depth} levels deep (at most {max_depth} allowed)")
    return json.loads(text)
