"""Deep JSON from outside is refused before the parser can run off the stack."""

import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogpu_desktop.domain.bounded_json import JsonTooDeepError, loads_bounded, nesting_depth
from ogpu_desktop.domain.input_values import _parse_json
from ogpu_desktop.domain.result_views import RawJsonView
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
        with pytest.raises(JsonTooDeepError, match="200000 levels"):
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
