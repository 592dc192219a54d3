"""Bounded, plain-JSON copies of untrusted result values, and capped text and JSON rendering."""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any, TypeAlias

from ogpu_desktop.domain.result_views import MAX_DEPTH, MAX_TEXT_CHARS, TRUNCATION_MARKER

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None

MAX_SCAN_ITEMS = 10_000
"""Most entries read from one list or dict; the rest are dropped."""
MAX_NODES = 100_000
"""Most values read from one payload in total; the rest are replaced by :data:`SKIPPED_MARKER`."""
MAX_INT_BITS = 1_000
"""Larger integers are replaced by a description (their decimal form alone could be huge)."""
MAX_KEY_CHARS = 200
"""Longest dict key kept."""
DEPTH_MARKER = "… (nested too deep)"
SKIPPED_MARKER = "… (not read: too many values)"
UNREADABLE_MARKER = "… (unreadable value)"

_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})
_PRETTY = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=True)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=True)


@dataclass(frozen=True)
class Sanitised:
    """A bounded copy of a value, made only of dict, list, str, int, float, bool and None.

    Attributes:
        value: The copy: nesting at most ``MAX_DEPTH`` deep, at most ``MAX_SCAN_ITEMS`` entries per
            container, at most ``MAX_NODES`` values, strings at most ``MAX_TEXT_CHARS + 1`` long
            (one more than is ever shown, so that whoever shows them knows to mark the cut).
        lost: ``id()`` of every container in ``value`` below which something was dropped or cut.
        root_lost: Something anywhere in the value was dropped or cut.
    """

    value: JsonValue
    lost: frozenset[int]
    root_lost: bool

    def lost_below(self, node: JsonValue) -> bool:
        """Whether something was dropped or cut inside ``node`` (a part of ``value``)."""
        if node is self.value:
            return self.root_lost
        return isinstance(node, dict | list) and id(node) in self.lost


def cap_text(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` characters, ending with the truncation marker if cut.

    Lone surrogates (possible in JSON ``\\ud800`` escapes) are replaced, so the text can be encoded.

    Returns:
        The text and whether it was cut.
    """
    cut = len(text) > limit
    if cut:
        keep = max(0, limit - len(TRUNCATION_MARKER))
        text = (text[:keep] + TRUNCATION_MARKER)[:limit]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text, cut


def json_text(value: JsonValue, limit: int, *, pretty: bool = True) -> tuple[str, bool]:
    """Render a sanitised value as JSON text of at most ``limit`` characters.

    The encoder is consumed lazily and stopped once the limit is passed, so a big value costs
    little more than the text kept. NaN and infinities are written as ``NaN``/``Infinity``.

    Returns:
        The text and whether it was cut.
    """
    encoder = _PRETTY if pretty else _COMPACT
    parts: list[str] = []
    size = 0
    try:
        for chunk in encoder.iterencode(value):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                break
    except (ValueError, TypeError, OverflowError, RecursionError):
        return cap_text(UNREADABLE_MARKER, limit)[0], True
    return cap_text("".join(parts), limit)


def sanitise(value: object) -> Sanitised:
    """Copy any Python value into plain, bounded JSON types without recursion.

    Mappings become dicts with string keys; lists, tuples and sets become lists; bytes are decoded
    as UTF-8 with replacement; other numbers become floats; any other object becomes its capped
    ``repr``. Anything that raises while being read becomes :data:`UNREADABLE_MARKER`.
    """
    holder: list[Any] = [None]
    holder_id = id(holder)
    parents: dict[int, int] = {}
    direct: set[int] = set()
    budget = MAX_NODES - 1
    stack: list[tuple[object, int, Any, Any, int]] = [(value, 0, holder, 0, holder_id)]
    while stack:
        src, depth, target, slot, parent = stack.pop()
        try:
            opened = _open_container(src)
            if opened is None:
                target[slot], lost = _scalar(src)
                if lost:
                    direct.add(parent)
                continue
        except Exception:  # a hostile object may raise anything while being read
            target[slot] = UNREADABLE_MARKER
            direct.add(parent)
            continue
        if depth >= MAX_DEPTH:
            target[slot] = DEPTH_MARKER
            direct.add(parent)
            continue
        new, entries, lost = opened
        target[slot] = new
        parents[id(new)] = parent
        if len(entries) > budget:
            del entries[budget:]
            lost = True
        budget -= len(entries)
        if lost:
            direct.add(id(new))
        _place(new, entries, depth + 1, stack)
    lost_ids: set[int] = set()
    for node_id in direct:
        current = node_id
        while current != holder_id and current not in lost_ids:
            lost_ids.add(current)
            current = parents.get(current, holder_id)
    return Sanitised(value=holder[0], lost=frozenset(lost_ids), root_lost=bool(direct))


def _place(
    new: list[Any] | dict[str, Any],
    entries: list[tuple[Any, object]],
    depth: int,
    stack: list[tuple[object, int, Any, Any, int]],
) -> None:
    """Put the entries of a container copy in place: plain scalars (most of a parsed payload)
    at once, anything else as a marker, stacked to be read."""
    if isinstance(new, list):
        new.extend([None] * len(entries))
    for key, child in entries:
        if _plain(child):
            new[key] = child
            continue
        if isinstance(new, dict):
            new[key] = SKIPPED_MARKER
        stack.append((child, depth, new, key, id(new)))


def _plain(src: object) -> bool:
    """Whether ``src`` is kept exactly as it is: a JSON scalar that needs no cut."""
    if type(src) is str:
        return len(src) <= MAX_TEXT_CHARS + 1
    if type(src) is int:
        return src.bit_length() <= MAX_INT_BITS
    return src is None or type(src) is float or type(src) is bool


def _open_container(
    src: object,
) -> tuple[list[Any] | dict[str, Any], list[tuple[Any, object]], bool] | None:
    """For a container: an empty copy, its first entries as (slot, child), and whether any were cut.

    Returns ``None`` for anything that is not a container.
    """
    # The plain types first: the abstract checks below are slow.
    if type(src) in _PLAIN_SCALARS or isinstance(src, str | bytes | bytearray | memoryview):
        return None
    if type(src) is list:
        items = src[: MAX_SCAN_ITEMS + 1]
        return [], list(enumerate(items[:MAX_SCAN_ITEMS])), len(items) > MAX_SCAN_ITEMS
    if type(src) is dict and all(map(_plain_key, islice(src, MAX_SCAN_ITEMS))):
        # What JSON text gives: string keys kept as they are.
        pairs = list(islice(src.items(), MAX_SCAN_ITEMS + 1))
        return {}, pairs[:MAX_SCAN_ITEMS], len(pairs) > MAX_SCAN_ITEMS
    if isinstance(src, Mapping):
        pairs = list(islice(iter(src.items()), MAX_SCAN_ITEMS + 1))
        lost = len(pairs) > MAX_SCAN_ITEMS
        entries: list[tuple[Any, object]] = []
        for raw_key, child in pairs[:MAX_SCAN_ITEMS]:
            key, key_cut = _key(raw_key)
            lost = lost or key_cut
            entries.append((key, child))
        return {}, entries, lost
    if isinstance(src, Sequence | AbstractSet):
        items = list(islice(iter(src), MAX_SCAN_ITEMS + 1))
        lost = len(items) > MAX_SCAN_ITEMS
        return [], list(enumerate(items[:MAX_SCAN_ITEMS])), lost
    return None


def _plain_key(raw: object) -> bool:
    """Whether a dict key is kept exactly as it is (short ASCII text: no cut, no surrogates)."""
    return type(raw) is str and len(raw) <= MAX_KEY_CHARS and raw.isascii()


def _key(raw: object) -> tuple[str, bool]:
    """A dict key as a capped string, and whether it was cut or unreadable."""
    if isinstance(raw, str):
        text = str.__str__(raw)
    else:
        scalar, lost = _scalar(raw)
        if lost or isinstance(scalar, dict | list):
            return UNREADABLE_MARKER, True
        text = scalar if isinstance(scalar, str) else json_text(scalar, MAX_KEY_CHARS)[0]
    return cap_text(text, MAX_KEY_CHARS)


def _scalar(src: object) -> tuple[JsonValue, bool]:
    """A non-container as a plain JSON scalar, and whether something was cut or replaced."""
    if type(src) is str and len(src) <= MAX_TEXT_CHARS + 1:  # what JSON text gives, as it is
        return src, False
    if type(src) is float:
        return src, False
    if src is None or isinstance(src, bool):
        return src, False
    if isinstance(src, numbers.Real | Decimal):
        return _number(src)
    if isinstance(src, str | bytes | bytearray | memoryview):
        return _text(src)
    return cap_text(repr(src), MAX_KEY_CHARS)


def _number(src: numbers.Real | Decimal) -> tuple[JsonValue, bool]:
    """Ints stay exact ints (unless huge), floats stay floats, other reals become floats."""
    if isinstance(src, int):
        bits = src.bit_length()
        if bits > MAX_INT_BITS:
            return f"… (an integer of {bits} bits)", True
        return int.__int__(src), False
    if isinstance(src, float):
        return float.__float__(src), False
    return float(src), False


def _text(src: str | bytes | bytearray | memoryview) -> tuple[str, bool]:
    """Text, or bytes decoded as UTF-8 with replacement, cut one past the longest ever shown."""
    keep = MAX_TEXT_CHARS + 1
    if isinstance(src, str):
        text = str.__str__(src)
        return text[:keep], len(text) > keep
    return decode_bytes(src, keep)


def decode_bytes(src: bytes | bytearray | memoryview, keep: int) -> tuple[str, bool]:
    """Bytes of any buffer decoded as UTF-8 with replacement, at most ``keep`` characters.

    Returns:
        The text and whether the bytes held more than was kept.
    """
    view = memoryview(src)
    if view.c_contiguous:
        data = view.cast("B")[: 4 * keep].tobytes()
        size = view.nbytes
    else:  # strided views cannot be sliced as bytes; copying them is the only way to read them
        data = view.tobytes()
        size = len(data)
    decoded = data[: 4 * keep].decode("utf-8", "replace")
    return decoded[:keep], size > 4 * keep or len(decoded) > keep
