"""Property-based tests of result normalisation over random and hostile payloads."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.result_items import MAX_SCORE_TEXT_CHARS
from ogpu_desktop.domain.result_views import (
    MAX_BATCH_ITEMS,
    MAX_LABEL_CHARS,
    MAX_LABELS,
    MAX_RAW_JSON_CHARS,
    MAX_TEXT_CHARS,
    MAX_TEXT_ITEMS,
    TRUNCATION_MARKER,
    Answer,
    AnswersView,
    BatchView,
    EmptyView,
    ErrorView,
    FailureCause,
    GeneratedTextsView,
    LabelScore,
    LabelScoresView,
    PlainTextView,
    RawJsonView,
    ScoreMark,
    TextsView,
    ViewKind,
)
from ogpu_desktop.domain.results import displayed_strings, headline, normalise

# Speed is not asserted here (every test has deadline=None); the caps and shapes are.

VIEW_TYPES: dict[ViewKind, type] = {
    ViewKind.LABEL_SCORES: LabelScoresView,
    ViewKind.ANSWERS: AnswersView,
    ViewKind.GENERATED_TEXTS: GeneratedTextsView,
    ViewKind.TRANSLATION: TextsView,
    ViewKind.SUMMARY: TextsView,
    ViewKind.BATCH: BatchView,
    ViewKind.PLAIN_TEXT: PlainTextView,
    ViewKind.ERROR: ErrorView,
    ViewKind.EMPTY: EmptyView,
    ViewKind.RAW_JSON: RawJsonView,
}
LIKELY_KEYS = [
    "result",
    "output",
    "label",
    "score",
    "answer",
    "generated_text",
    "translation_text",
    "summary_text",
    "labels",
    "scores",
    "role",
    "content",
    "text",
]
TASKS = st.sampled_from(
    [
        None,
        "text-classification",
        "image-classification",
        "text-generation",
        "visual-question-answering",
        "translation",
        "summarization",
        "custom",
    ]
)

keys = st.sampled_from(LIKELY_KEYS) | st.text(max_size=8)
scores = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    ["0.9", "1e3", "nan", "-inf", "high", "", " 0.5 "]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["<script>alert(1)</script>", "assistant", "user", "POSITIVE"])
    | scores
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(keys, children, max_size=6),
    max_leaves=40,
)
huge_ints = st.builds(pow, st.sampled_from([10, -7]), st.integers(300, 6_000))
odd_leaves = huge_ints | st.sampled_from(
    [
        b"\xff\xfe\x00bytes",
        bytearray(b"ok"),
        memoryview(b"view"),
        Decimal("NaN"),
        Decimal("1e999999"),
        Fraction(1, 3),
        complex(1, 2),
        object(),
        (1, "tuple"),
        frozenset({1}),
        range(3),
    ]
)
python_values = st.recursive(
    scalars | odd_leaves,
    lambda children: (
        st.lists(children, max_size=5)
        | st.tuples(children, children)
        | st.dictionaries(keys | st.integers() | st.none(), children, max_size=5)
    ),
    max_leaves=30,
)
label_items = st.fixed_dictionaries(
    {"label": scalars, "score": scores | st.integers() | st.none()},
    optional={"box": json_values},
)


def check_scores(items: tuple[LabelScore | Answer, ...]) -> None:
    """Numbers first, highest first; a score that is none is marked and shown as received."""
    numbers = [item.score for item in items if item.score is not None]
    assert all(math.isfinite(score) for score in numbers)
    assert numbers == sorted(numbers, reverse=True)
    assert [item.score is None for item in items] == sorted(item.score is None for item in items)
    for item in items:
        if item.score is None and item.mark is not ScoreMark.NONE:
            assert item.mark in (ScoreMark.NOT_FINITE, ScoreMark.NOT_A_NUMBER)
            assert 0 < len(item.received) <= MAX_SCORE_TEXT_CHARS
            assert item.score_text == item.received
        elif item.score is not None:
            assert item.mark in (ScoreMark.NONE, ScoreMark.TEXT)


def check_view(view: object) -> None:
    """Every property a view must hold, whatever the payload: kind, caps, order, immutability."""
    stack = [view]
    while stack:
        current = stack.pop()
        assert isinstance(current, tuple(VIEW_TYPES.values()))
        assert type(current) is VIEW_TYPES[current.kind]
        assert len(current.raw_json) <= MAX_RAW_JSON_CHARS
        assert isinstance(current.truncated, bool)
        if isinstance(current, LabelScoresView):
            assert isinstance(current.items, tuple)
            assert len(current.items) <= MAX_LABELS
            check_scores(current.items)
            assert all(len(item.label) <= MAX_LABEL_CHARS for item in current.items)
            assert current.total >= len(current.items) >= 1
            assert current.skipped >= 0
        elif isinstance(current, AnswersView):
            assert 1 <= len(current.items) <= MAX_LABELS
            check_scores(current.items)
            assert current.skipped >= 0
        elif isinstance(current, GeneratedTextsView):
            assert 1 <= len(current.items) <= MAX_TEXT_ITEMS
            assert all(len(item.conversation) <= MAX_TEXT_ITEMS for item in current.items)
            assert all(isinstance(item.conversation, tuple) for item in current.items)
        elif isinstance(current, TextsView):
            assert isinstance(current.texts, tuple)
            assert 1 <= len(current.texts) <= MAX_TEXT_ITEMS
        elif isinstance(current, ErrorView):
            assert isinstance(current.cause, FailureCause)
            assert len(current.message) <= MAX_TEXT_CHARS
        elif isinstance(current, BatchView):
            assert isinstance(current.items, tuple)
            assert len(current.items) <= MAX_BATCH_ITEMS
            assert current.total >= len(current.items)
            if current.total > len(current.items):
                assert current.truncated
            stack.extend(current.items)
        total = getattr(current, "total", None)
        shown = getattr(current, "items", getattr(current, "texts", ()))
        if total is not None and total > len(shown):
            assert current.truncated
    line = headline(view)  # type: ignore[arg-type]
    assert len(line) <= 120
    assert "\n" not in line
    for text in displayed_strings(view):  # type: ignore[arg-type]
        assert isinstance(text, str)
        assert len(text) <= MAX_TEXT_CHARS
        text.encode("utf-8")  # no lone surrogates reach a viewer


@settings(deadline=None, max_examples=300)
@given(payload=json_values, task=TASKS)
def test_any_json_value(payload: object, task: str | None) -> None:
    check_view(normalise(payload, task))


@settings(deadline=None, max_examples=200)
@given(payload=json_values, task=TASKS, batch=st.none() | st.integers(-2, 8))
def test_any_json_value_wrapped_like_the_hf_source(
    payload: object, task: str | None, batch: int | None
) -> None:
    check_view(normalise({"result": {"output": payload}}, task, batch_size=batch))
    check_view(normalise({"result": payload}, task, batch_size=batch))


@settings(deadline=None, max_examples=200)
@given(payload=json_values, task=TASKS)
def test_any_json_value_as_text_gives_the_same_view(payload: object, task: str | None) -> None:
    text = json.dumps(payload)
    view = normalise(text, task)
    check_view(view)
    if not isinstance(payload, str):
        assert view.kind is normalise(payload, task).kind


@settings(deadline=None, max_examples=300)
@given(text=st.text(), task=TASKS)
def test_any_string(text: str, task: str | None) -> None:
    check_view(normalise(text, task))
    check_view(normalise({"result": text}, task))


@settings(deadline=None, max_examples=100)
@given(data=st.binary())
def test_any_bytes(data: bytes) -> None:
    check_view(normalise(data))


@settings(deadline=None, max_examples=200)
@given(payload=python_values, task=TASKS)
def test_any_python_value(payload: object, task: str | None) -> None:
    check_view(normalise(payload, task))


@settings(deadline=None, max_examples=200)
@given(items=st.lists(label_items | json_values, max_size=30), task=TASKS)
def test_label_scores_always_sorted_descending(items: list[object], task: str | None) -> None:
    view = normalise({"result": {"output": items}}, task)
    check_view(view)
    has_valid = any(
        isinstance(item, dict)
        and item.get("label") is not None
        and not isinstance(item.get("score"), bool)
        and isinstance(item.get("score"), int | float)
        and math.isfinite(item["score"])
        for item in items
    )
    flat = not any(isinstance(item, list) for item in items)
    if task == "text-classification" and has_valid and flat:
        assert isinstance(view, LabelScoresView)
    # A label keeps its place whatever its score is: none is dropped for not being a number.
    scored = [
        item for item in items
        if isinstance(item, dict) and item.get("label") is not None and "score" in item
    ]
    if task == "text-classification" and flat and isinstance(view, LabelScoresView):
        assert view.total == min(len(scored), 10_000)


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    depth=st.integers(1, 3_000),
    container=st.sampled_from(["list", "dict", "result", "mixed"]),
    leaf=json_values,
)
def test_deep_nesting(depth: int, container: str, leaf: object) -> None:
    value: object = leaf
    for level in range(depth):
        if container == "list" or (container == "mixed" and level % 2):
            value = [value]
        elif container == "dict":
            value = {"label": value, "score": 0.5}
        else:
            value = {"result": {"output": value}}
    view = normalise(value)
    check_view(view)
    if depth > 40:
        assert view.truncated
    check_view(normalise(json.dumps(value) if depth < 500 else "[" * depth + "]" * depth))


@settings(deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(MAX_TEXT_CHARS - 2, 1_500_000),
    char=st.sampled_from(["x", "é", "<", "😀", "\n", '"']),
    field=st.sampled_from(
        ["label", "answer", "generated_text", "translation_text", "summary_text", "plain", "key"]
    ),
    task=TASKS,
)
def test_huge_strings_are_capped(size: int, char: str, field: str, task: str | None) -> None:
    text = char * size
    if field == "plain":
        payloads: list[object] = [text, json.dumps(text)]
    elif field == "key":
        payloads = [{text: 1}]
    else:
        payloads = [{"result": {"output": [{field: text, "score": 0.5}]}}]
        payloads.append(json.dumps(payloads[0]))
    for payload in payloads:
        view = normalise(payload, task)
        check_view(view)
        if size > MAX_TEXT_CHARS:
            assert view.truncated
            assert any(TRUNCATION_MARKER in s for s in displayed_strings(view))


@settings(deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(0, 20_000),
    field=st.sampled_from(["label", "answer", "generated_text", "translation_text", "batch"]),
)
def test_thousands_of_items_are_capped(count: int, field: str) -> None:
    if field == "batch":
        payload: object = [[{"label": str(i), "score": 0.5}] for i in range(count)]
    else:
        payload = [{field: str(i), "score": i / (count or 1)} for i in range(count)]
    view = normalise({"result": {"output": payload}})
    check_view(view)
    if count == 0:
        assert isinstance(view, EmptyView)
    else:
        assert getattr(view, "total", None) == min(count, 10_000)
