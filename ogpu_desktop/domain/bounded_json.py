"""The one reader of JSON text from outside the app: linear in time and memory, bounded in depth.

Importing web3 (through py_ecc) raises Python's recursion limit to 100,000, so ``json.loads`` no
longer stops deep nesting with a ``RecursionError``: the C parser runs off the thread's stack and
the process crashes. A provider's response, a source's metadata or a keystore file could nest
that deep, so every such text is measured first, and only then parsed.

The measuring never backtracks: escaped backslashes and quotes are blanked, every byte that is not
structure (brackets, commas, colons, quotes) is dropped, strings are cut out, and what is left is
walked run by run. Each step is one pass of C code over the text (``bytes.replace``,
``bytes.translate``, a possessive regular expression), so a text of n bytes costs O(n) whatever
it holds: escaped quotes, unclosed brackets, brackets inside strings.

:func:`read_capped` reads at most the first :data:`MAX_READ_ITEMS` entries of a document (for
showing it), so that a text of a million tiny values is not turned into a million objects.
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

MAX_JSON_DEPTH = 64
"""Deeper than any payload, metadata or keystore the app reads; far below the C stack limit."""
MAX_READ_ITEMS = 20_000
"""Most commas, and most lists and objects, :func:`read_capped` reads before it stops."""

_STRUCTURE = frozenset(b'"[]{},:')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in _STRUCTURE)
_RUNS = re.compile(rb"\[++|\]++")
_TYPED_RUNS = re.compile(rb"[\[{]++|[\]}]++")
_NEXT_TOKEN = re.compile(rb'[,"\[\]{}]')
_OPENS = frozenset(b"[{")
_CLOSE_TO_OPEN = bytes.maketrans(b"]}", b"[{")
_OPEN_TO_CLOSE = bytes.maketrans(b"[{", b"]}")
_CURLY_TO_SQUARE = bytes.maketrans(b"{}", b"[]")
_COMMA, _QUOTE = ord(","), ord('"')


class JsonTooDeepError(ValueError):
    """The text nests arrays/objects deeper than allowed; it was not parsed."""


@dataclass(frozen=True)
class JsonRead:
    """What :func:`read_capped` read.

    Attributes:
        value: The parsed value.
        complete: ``False`` when the text held more than was read: ``value`` is its beginning,
            every list and object open at the cut closed there.
    """

    value: Any
    complete: bool


def loads_bounded(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse ``text`` as JSON after checking it nests at most ``max_depth`` levels.

    Raises:
        JsonTooDeepError: The text nests deeper than ``max_depth`` (a ``ValueError``).
        ValueError: The text is not JSON (``json.JSONDecodeError`` or a decode error).
    """
    text = _as_text(text)
    if _opens(text) > max_depth:
        brackets = _brackets(_outside_strings(_blank_escapes(text)))
        # A run of opening brackets longer than allowed settles it without walking the runs.
        if b"[" * (max_depth + 1) in brackets or _depth(brackets) > max_depth:
            raise _too_deep(max_depth)
    return json.loads(text)


def read_capped(
    text: str | bytes, *, max_items: int = MAX_READ_ITEMS, max_depth: int = MAX_JSON_DEPTH
) -> JsonRead:
    """Parse at most the beginning of ``text``: up to about ``max_items`` entries.

    A text with fewer than ``max_items`` commas and fewer than ``max_items`` opening brackets is
    parsed whole. A longer one is cut at the first comma between values past that point, and the
    lists and objects still open there are closed.

    Raises:
        JsonTooDeepError: The text nests deeper than ``max_depth`` (a ``ValueError``).
        ValueError: The text (the part read) is not JSON.
    """
    text = _as_text(text)
    opens, commas = _opens(text), text.count(",")
    if opens < max_items and commas < max_items:
        return JsonRead(loads_bounded(text, max_depth), True)
    blanked = _blank_escapes(text)
    reached = []
    if commas >= max_items:
        reached.append(_nth_position(blanked, b",", max_items))
    if opens >= max_items:
        reached.append(_nth_position(blanked.translate(_CURLY_TO_SQUARE), b"[", max_items))
    cut = _cut_position(text, blanked, min(reached), max_depth)
    head = blanked if cut is None else blanked[:cut]
    still_open = _open_brackets(_outside_strings(head), max_depth)
    if cut is None:
        return JsonRead(json.loads(text), True)
    closers = (still_open or b"")[::-1].translate(_OPEN_TO_CLOSE).decode("ascii")
    return JsonRead(json.loads(text[: _char_index(text, blanked, cut)] + closers), False)


def nesting_depth(text: str | bytes) -> int:
    """Return how deep ``text`` nests JSON arrays and objects (0 for a scalar).

    Brackets inside strings do not count. For text that is not JSON this is the deepest any
    prefix goes, which is at least as deep as a parser reading it could go before failing.
    """
    return _depth(_brackets(_outside_strings(_blank_escapes(_as_text(text)))))


def _as_text(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


def _opens(text: str) -> int:
    """Opening brackets anywhere in ``text`` (strings included): a bound on the nesting."""
    return text.count("[") + text.count("{")


def _too_deep(max_depth: int) -> JsonTooDeepError:
    return JsonTooDeepError(f"JSON nested more than {max_depth} levels deep")


def _blank_escapes(text: str) -> bytes:
    """``text`` as UTF-8 with every escaped backslash and quote made ``__``.

    Positions stay those of the UTF-8 bytes, and a quote left is one that opens or closes a string.
    """
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" not in data:
        return data
    return data.replace(b"\\\\", b"__").replace(b'\\"', b"__")


def _outside_strings(blanked: bytes) -> bytes:
    """The brackets, commas and colons of ``blanked`` that are not inside a string."""
    # Dropping two adjacent quotes keeps every other quote's parity, so empty strings (all the
    # strings without structure characters once those are gone) can go first, cheaply.
    kept = blanked.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' not in kept:
        return kept
    # Between quotes 2k and 2k+1 is outside; an unclosed last string leaves an even count.
    return b"".join(kept.split(b'"')[::2])


def _brackets(structure: bytes) -> bytes:
    """Only the brackets of ``structure``, every one written ``[`` or ``]``."""
    return structure.translate(_CURLY_TO_SQUARE, b",:")


def _depth(brackets: bytes) -> int:
    """The deepest prefix of ``[``/``]`` text: runs alternate, so closing runs are negated."""
    steps = list(map(len, _RUNS.findall(brackets)))
    first_close = 0 if brackets[:1] == b"]" else 1
    steps[first_close::2] = map(operator.neg, steps[first_close::2])
    return max(0, max(accumulate(steps), default=0))


def _open_brackets(structure: bytes, max_depth: int) -> bytes | None:
    """The brackets still open at the end of ``structure``, outermost first.

    Returns ``None`` when a bracket closes one that is not open: the text is not JSON and a parser
    stops there, so nothing after it was measured.

    Raises:
        JsonTooDeepError: More than ``max_depth`` brackets were open at once.
    """
    stack = bytearray()
    for run in _TYPED_RUNS.findall(structure.translate(None, b",:")):
        if run[0] in _OPENS:
            stack += run
            if len(stack) > max_depth:
                raise _too_deep(max_depth)
            continue
        size = len(run)
        if size > len(stack) or stack[-size:] != run[::-1].translate(_CLOSE_TO_OPEN):
            return None
        del stack[-size:]
    return bytes(stack)


def _nth_position(data: bytes, byte: bytes, count: int) -> int:
    """The position of the ``count``-th ``byte`` of ``data`` (there must be that many)."""
    rest = data.split(byte, count)[-1]
    return len(data) - len(rest) - 1


def _cut_position(text: str, blanked: bytes, start: int, max_depth: int) -> int | None:
    """Where :func:`read_capped` stops: the first comma between values from ``start`` on.

    Returns ``None`` when there is none: the whole text is read.

    Raises:
        JsonTooDeepError: Brackets open deeper than ``max_depth`` where the comma was sought.
        json.JSONDecodeError: A string there never ends.
    """
    position = start
    if blanked.count(b'"', 0, position) % 2:  # inside a string: continue after its end
        position = _string_end(text, blanked, blanked.rfind(b'"', 0, position))
    climb = 0
    # In JSON, fewer tokens than this lie between two commas unless it nests deeper.
    for _ in range(4 * max_depth + 8):
        token = _NEXT_TOKEN.search(blanked, position)
        if token is None:
            return None
        kind = blanked[token.start()]
        if kind == _COMMA:
            return token.start()
        if kind == _QUOTE:
            position = _string_end(text, blanked, token.start())
            continue
        climb = climb + 1 if kind in _OPENS else 0
        if climb > max_depth:
            break
        position = token.end()
    raise _too_deep(max_depth)


def _string_end(text: str, blanked: bytes, start: int) -> int:
    """The position just after the string opening at ``start``.

    Raises:
        json.JSONDecodeError: The string never ends.
    """
    end = blanked.find(b'"', start + 1)
    if end < 0:
        raise json.JSONDecodeError(
            "Unterminated string starting at", text, _char_index(text, blanked, start)
        )
    return end + 1


def _char_index(text: str, blanked: bytes, position: int) -> int:
    """The index in ``text`` of the byte at ``position`` of its UTF-8 form."""
    if text.isascii():
        return position
    return len(blanked[:position].decode("utf-8", "surrogatepass"))
