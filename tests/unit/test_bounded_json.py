"""Deep JSON from outside is refused before the parser can run off the stack."""

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.bounded_json import (
    JsonRead,
    JsonTooDeepError,
    loads_bounded,
    nesting_depth,
    read_capped,
)
from ogpu_desktop.domain.input_values import _parse_json
from ogpu_desktop.domain.result_views import RawJsonView, ViewKind
from ogpu_desktop.domain.results import normalise
from ogpu_desktop.errors import ValidationError

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@settings(deadline=None)
@given(JSON_VALUES)
def test_depth_matches_the_structure_and_parsing_round_trips(value: object) -> None:
    text = json.dumps(value)
    assert nesting_depth(text) == _depth(value)
    assert loads_bounded(text) == value


def test_brackets_inside_strings_do_not_count() -> None:
    assert nesting_depth('{"a": "[[[[{{{{\\"]]]]"}') == 1
    assert loads_bounded('["[[[[[[[["]', max_depth=1) == ["[[[[[[[["]


def test_deep_text_is_refused_without_parsing_even_with_a_raised_recursion_limit() -> None:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)  # what importing web3 does (through py_ecc)
    try:
        with pytest.raises(JsonTooDeepError, match="more than 64 levels"):
            loads_bounded("[" * 200_000 + "]" * 200_000)
    finally:
        sys.setrecursionlimit(old)


def test_bytes_and_errors_are_value_errors() -> None:
    assert loads_bounded(b'{"x": [1]}') == {"x": [1]}
    with pytest.raises(ValueError, match="Expecting"):
        loads_bounded("{not json")
    with pytest.raises(ValueError, match="levels"):
        loads_bounded("[[[1]]]", max_depth=2)


def test_results_and_typed_json_survive_deep_text_after_web3_raised_the_limit() -> None:
    deep = "[" * 300_000 + "]" * 300_000
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        view = normalise(deep)
        with pytest.raises(ValidationError, match="more than 64 levels deep"):
            _parse_json(deep, "Input", "input")
    finally:
        sys.setrecursionlimit(old)
    assert isinstance(view, RawJsonView)
    assert view.truncated is True


# --- linear on hostile text ---------------------------------------------------------------------

MB = 1024 * 1024


def _reference_depth(text: str) -> tuple[int, bool]:
    """The deepest prefix, read character by character as a JSON lexer would.

    Returns:
        The depth, and whether a backslash outside a string (where a parser stops) was met.
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == "\\":
            return deepest, True
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest, False


@settings(deadline=None)
@given(st.text(alphabet='[]{}",:\\ a1é', max_size=60))
def test_depth_matches_a_character_by_character_lexer(text: str) -> None:
    expected, stopped = _reference_depth(text)
    if stopped:  # past a stray backslash a parser reads nothing: counting more is only safer
        assert nesting_depth(text) >= expected
    else:
        assert nesting_depth(text) == expected


def _is_beginning(read: object, whole: object) -> bool:
    """Whether ``read`` is ``whole`` cut after some entry (every container open there closed)."""
    if isinstance(whole, list):
        if not isinstance(read, list) or len(read) > len(whole):
            return False
        return not read or (
            read[:-1] == whole[: len(read) - 1] and _is_beginning(read[-1], whole[len(read) - 1])
        )
    if isinstance(whole, dict):
        if not isinstance(read, dict) or list(read) != list(whole)[: len(read)]:
            return False
        keys = list(read)
        return not keys or (
            all(read[k] == whole[k] for k in keys[:-1])
            and _is_beginning(read[keys[-1]], whole[keys[-1]])
        )
    return read == whole


TRICKY_TEXTS = st.sampled_from(["", "a,b", "[{", "}]", 'q"\\', "é[,", ":", "\\u005c"])
NESTED_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY_TEXTS,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(TRICKY_TEXTS | st.text(max_size=3), children, max_size=5),
    max_leaves=40,
)


@settings(deadline=None)
@given(NESTED_VALUES, st.integers(1, 8), st.booleans(), st.sampled_from([None, 1]))
def test_a_capped_read_is_the_beginning_of_the_document(
    value: object, items: int, ascii_only: bool, indent: int | None
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    read = read_capped(text, max_items=items)
    if read.complete:
        assert read.value == value
    else:
        assert _is_beginning(read.value, value)
    assert read_capped(text) == JsonRead(value, True)


@settings(deadline=None)
@given(st.text(alphabet='[]{}",:\\ a1', max_size=50), st.integers(1, 6), st.integers(1, 5))
def test_any_text_is_read_or_refused_with_a_value_error(text: str, items: int, depth: int) -> None:
    try:
        read = read_capped(text, max_items=items, max_depth=depth)
    except ValueError:
        return
    if read.complete:
        assert read.value == json.loads(text)


ADVERSARIAL = {
    "escaped quotes": lambda size: '"' + '\\"' * (size // 2),
    "open brackets": lambda size: "[" * size,
    "brackets inside strings": lambda size: '["' + "[{" * (size // 2) + '"]',
    "many keys": lambda size: "{" + ",".join(f'"k{i}":{i}' for i in range(size // 12)) + "}",
    "one long string": lambda size: '"' + "a" * size + '"',
    "closed pairs": lambda size: "[" + "[]," * (size // 3) + "[]]",
    "strings of brackets": lambda size: "[" + '"[",' * (size // 4) + "1]",
}


@pytest.mark.timeout(120)  # the old measure ran for hours on 1 MB; this only guards a hang
@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_a_megabyte_of_hostile_json_is_read_or_refused(case: str) -> None:
    text = ADVERSARIAL[case](MB)
    try:
        read = read_capped(text)
    except JsonTooDeepError:
        assert case == "open brackets"
    except ValueError:
        assert case == "escaped quotes"
    else:
        assert case not in ("open brackets", "escaped quotes")
        assert read.complete is (case not in ("many keys", "closed pairs", "strings of brackets"))
    view = normalise(text, "text-classification")
    assert view.raw_json
    assert view.truncated  # a megabyte never fits the display caps


@pytest.mark.timeout(120)
def test_the_depth_of_hostile_text_is_measured() -> None:
    assert nesting_depth('"' + '\\"' * MB) == 0
    assert nesting_depth("[" * MB) == MB
    assert nesting_depth('["' + "[" * MB + '"]') == 1
    with pytest.raises(JsonTooDeepError):
        loads_bounded('{"a": ' * (MB // 6))


def test_a_huge_document_is_read_to_a_cap_and_closed() -> None:
    values = list(range(100_000))
    read = read_capped(json.dumps({"result": values, "after": 1}), max_items=1_000)
    assert read.complete is False
    assert list(read.value) == ["result"]
    assert read.value["result"] == values[: len(read.value["result"])]
    assert 1_000 <= len(read.value["result"]) < 1_100
    # A cut that falls inside a string waits for its end.
    text = json.dumps(["a," * 5_000, "b"])
    assert read_capped(text, max_items=1_000).value == ["a," * 5_000]
    with pytest.raises(json.JSONDecodeError, match="Unterminated string"):
        read_capped('["' + "a," * 5_000, max_items=1_000)


def test_normalise_marks_a_result_read_to_the_cap_as_shortened() -> None:
    labels = [{"label": f"class {i}", "score": 1 - i / 100_000} for i in range(60_000)]
    view = normalise(json.dumps(labels), "image-classification")
    assert view.kind is ViewKind.LABEL_SCORES
    assert view.truncated is True
    assert view.items[0].label == "class 0"
