"""Filled forms become exact task configs; the HF pipeline traps are caught or corrected."""

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.catalogue import CATALOGUE, FieldKind, FieldSpec, get_task_type
from ogpu_desktop.domain.payload import (
    MAX_TASKS_PER_BATCH,
    MAX_TEXT_CHARS,
    PayloadValidationError,
    Severity,
    build_task_configs,
    check_image,
    validate,
)
from ogpu_desktop.errors import ValidationError

PNG_DATA_URL = (
    "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(40)).decode()
)


def data_of(task_type: str, values: dict[str, object], **kwargs: str) -> dict[str, object]:
    (config,) = build_task_configs(task_type, values, **kwargs).configs
    assert config["function_name"] == "inference"
    assert set(config) == {"function_name", "data"}
    data = config["data"]
    assert set(data) == {"input", "args"}
    return data  # type: ignore[no-any-return]


def errors_of(task_type: str, values: dict[str, object]) -> list[tuple[str | None, str]]:
    return [(e.field, e.message) for e in validate(task_type, values)]


# --- inputs ---------------------------------------------------------------------------------


def test_unset_optional_args_are_left_out() -> None:
    values = get_task_type("text-generation").defaults() | {"prompt": "Hi"}
    assert data_of("text-generation", values) == {"input": "Hi", "args": {}}


def test_single_text_is_sent_as_typed() -> None:
    text = "  Line one\nline two  "
    assert data_of("summarization", {"text": text})["input"] == text


def test_vqa_input_is_an_object_with_question_and_image() -> None:
    data = data_of(
        "visual-question-answering",
        {"question": "What colour is the cat?", "image": PNG_DATA_URL, "top_k": 2},
    )
    assert data == {
        "input": {"question": "What colour is the cat?", "image": PNG_DATA_URL},
        "args": {"top_k": 2},
    }


def test_missing_required_inputs_are_all_reported() -> None:
    assert errors_of("visual-question-answering", {"question": " ", "image": None}) == [
        ("question", "Enter the question."),
        ("image", "Add an image: drop or browse a file, paste one, or type a web link."),
    ]


def test_text_longer_than_the_cap_is_refused() -> None:
    errors = errors_of("text-classification", {"text": "x" * (MAX_TEXT_CHARS + 1)})
    assert errors == [("text", "Text is 200,001 characters long; at most 200,000 fit in one task.")]


def test_unknown_value_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no fields"):
        build_task_configs("summarization", {"text": "a", "top_k": 3})


# --- several texts --------------------------------------------------------------------------


def test_several_texts_become_one_task_each_and_empty_lines_are_dropped() -> None:
    built = build_task_configs(
        "translation",
        {"text": "Hello\n\n   \r\nGood morning\n", "several": True, "tgt_lang": "fra_Latn"},
    )
    assert built.count == 2
    assert [c["data"] for c in built.configs] == [
        {"input": "Hello", "args": {"tgt_lang": "fra_Latn"}},
        {"input": "Good morning", "args": {"tgt_lang": "fra_Latn"}},
    ]
    assert built.notices[-1].message == (
        "2 tasks will be published, one per text: the HuggingFace source takes one text per task "
        "and refuses a list. Each task is paid separately."
    )


def test_a_list_value_counts_as_several_texts() -> None:
    built = build_task_configs("text-generation", {"prompt": ["Once", "", "Twice"]})
    assert [c["data"]["input"] for c in built.configs] == ["Once", "Twice"]
    assert "one per prompt" in built.notices[0].message


def test_one_line_with_several_on_gives_one_task_and_no_notice() -> None:
    built = build_task_configs("text-classification", {"text": "only one\n\n", "several": True})
    assert built.count == 1
    assert built.notices == ()


def test_several_with_only_empty_lines_is_refused() -> None:
    assert errors_of("text-classification", {"text": "\n  \n", "several": True}) == [
        ("text", "Enter at least one text; empty lines are skipped.")
    ]


def test_batch_is_capped() -> None:
    text = "\n".join(f"text {i}" for i in range(MAX_TASKS_PER_BATCH))
    assert build_task_configs("text-classification", {"text": text, "several": True}).count == 100
    errors = errors_of("text-classification", {"text": text + "\nmore", "several": True})
    assert errors == [("text", "At most 100 texts can be published at once; there are 101.")]


def test_list_form_is_one_task_with_a_warning() -> None:
    built = build_task_configs(
        "text-classification", {"text": "a\nb", "several": True, "send_as_list": True}
    )
    assert built.configs == (
        {"function_name": "inference", "data": {"input": ["a", "b"], "args": {}}},
    )
    (notice,) = built.notices
    assert notice.severity is Severity.WARNING
    assert notice.field == "send_as_list"
    assert "only with a source you know accepts lists" in notice.message


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, 3), ("3", 3), (" 7 ", 7), (4.0, 4), (None, None), ("", None)],
)
def test_integer_arg_accepts_form_values(raw: object, expected: int | None) -> None:
    args = data_of("text-classification", {"text": "t", "top_k": raw})["args"]
    assert args == ({} if expected is None else {"top_k": expected})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (0, "Enter a number from 1 to 1000."),
        ("2.5", "Enter a whole number."),
        (True, "Enter a whole number."),
        ("many", "Enter a whole number."),
    ],
)
def test_integer_arg_errors(raw: object, message: str) -> None:
    assert errors_of("image-classification", {"image": PNG_DATA_URL, "top_k": raw}) == [
        ("top_k", message)
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0,7", "Use a dot for decimals, such as 0.7."),
        ("nan", "Enter a number, such as 0.7."),
        (float("inf"), "Enter a finite number, such as 0.7."),
        (10**400, "Enter a finite number, such as 0.7."),
        (0, "Enter a number from 0.01 to 10."),
    ],
)
def test_number_arg_errors(raw: object, message: str) -> None:
    assert errors_of("text-generation", {"prompt": "p", "temperature": raw}) == [
        ("temperature", message)
    ]


def test_number_arg_from_text_is_a_float() -> None:
    args = data_of("text-generation", {"prompt": "p", "temperature": "1", "do_sample": True})[
        "args"
    ]
    assert args == {"temperature": 1.0, "do_sample": True}
    assert isinstance(args["temperature"], float)


def test_choice_arg_must_be_one_of_the_choices() -> None:
    assert data_of("text-classification", {"text": "t", "function_to_apply": "sigmoid"})[
        "args"
    ] == {"function_to_apply": "sigmoid"}
    assert errors_of("text-classification", {"text": "t", "function_to_apply": "relu"}) == [
        ("function_to_apply", "Choose one of: softmax, sigmoid, none.")
    ]


def test_language_code_must_be_one_word() -> None:
    assert errors_of("translation", {"text": "t", "src_lang": "English language"}) == [
        ("src_lang", "From language: enter a single code without spaces.")
    ]


def test_do_sample_is_turned_on_for_top_k_and_several_sequences() -> None:
    built = build_task_configs(
        "text-generation", {"prompt": "p", "top_k": 40, "num_return_sequences": 3}
    )
    assert built.configs[0]["data"]["args"] == {
        "top_k": 40,
        "num_return_sequences": 3,
        "do_sample": True,
    }
    assert [n.message for n in built.notices] == [
        "Varied wording (do_sample) was turned on because Likely words only (count) and several "
        "versions need it."
    ]


def test_do_sample_explicitly_off_with_several_sequences_is_an_error() -> None:
    assert errors_of(
        "text-generation", {"prompt": "p", "num_return_sequences": 2, "do_sample": False}
    ) == [
        (
            "num_return_sequences",
            "More than one version needs varied wording, and the pipeline fails without it: "
            "turn Varied wording on or set Number of versions to 1.",
        )
    ]


def test_do_sample_explicitly_off_with_temperature_is_a_warning_and_kept_off() -> None:
    built = build_task_configs(
        "text-generation", {"prompt": "p", "temperature": 0.5, "top_p": 0.8, "do_sample": "false"}
    )
    assert built.configs[0]["data"]["args"] == {
        "temperature": 0.5,
        "top_p": 0.8,
        "do_sample": False,
    }
    (notice,) = built.notices
    assert notice.severity is Severity.WARNING
    assert (
        notice.message == "Creativity and Likely words only (share) have no effect while "
        "Varied wording (do_sample) is off."
    )


def test_greedy_generation_gets_no_sampling_notice() -> None:
    built = build_task_configs("text-generation", {"prompt": "p", "max_new_tokens": 50})
    assert built.configs[0]["data"]["args"] == {"max_new_tokens": 50}
    assert built.notices == ()


def test_max_length_and_max_new_tokens_together() -> None:
    built = build_task_configs(
        "text-generation", {"prompt": "p", "max_new_tokens": 50, "max_length": 80}
    )
    assert built.notices[0].message == (
        "Length of prompt and answer together (max_length) counts the prompt too; Length of the "
        "answer (max_new_tokens) is also set and wins, so the first has no effect."
    )


def test_summary_min_length_above_max_length_is_an_error() -> None:
    assert errors_of("summarization", {"text": "t", "min_length": 60, "max_length": 50}) == [
        ("min_length", "The minimum length (60) is more than the maximum length (50).")
    ]
    equal = data_of("summarization", {"text": "t", "min_length": 50, "max_length": 50})
    assert equal["args"] == {"min_length": 50, "max_length": 50}


def test_extra_args_known_names_are_checked_like_fields() -> None:
    data = data_of("summarization", {"text": "t", "extra_args": '{"max_length": 90}'})
    assert data["args"] == {"max_length": 90}
    assert errors_of("summarization", {"text": "t", "extra_args": '{"max_length": "long"}'}) == [
        ("extra_args", "max_length: Enter a whole number.")
    ]
    assert errors_of(
        "summarization", {"text": "t", "max_length": 80, "extra_args": {"max_length": 90}}
    ) == [
        (
            "extra_args",
            "max_length is set both in its own field and in Other arguments (JSON); keep one.",
        )
    ]


def test_extra_args_unknown_names_are_warnings_except_for_image_classification() -> None:
    built = build_task_configs(
        "summarization", {"text": "t", "extra_args": '{"num_beams": 4, "min_length": 5}'}
    )
    assert built.configs[0]["data"]["args"] == {"min_length": 5, "num_beams": 4}
    (notice,) = built.notices
    assert notice.severity is Severity.WARNING
    assert notice.message == (
        "num_beams is not an argument of the summarization pipeline that this app knows. The "
        "source may fail on it, and then no answer comes."
    )
    errors = errors_of("image-classification", {"image": PNG_DATA_URL, "extra_args": {"foo": 1}})
    assert errors == [
        (
            "extra_args",
            "The image-classification pipeline has no argument foo: it would fail, and no answer "
            "would ever come. It accepts only top_k, function_to_apply and timeout.",
        )
    ]


def test_score_cut_off_hint_only_where_top_k_limits_labels() -> None:
    classification = build_task_configs(
        "text-classification", {"text": "t", "extra_args": {"confidence_threshold": 0.5}}
    )
    assert classification.notices[0].message == (
        "confidence_threshold is not an argument of the text-classification pipeline that this "
        "app knows. The source may fail on it, and then no answer comes. Use top_k to limit how "
        "many labels come back."
    )
    generation = build_task_configs(
        "text-generation", {"prompt": "p", "extra_args": {"confidence_threshold": 0.5}}
    )
    assert generation.notices[0].message == (
        "confidence_threshold is not an argument of the text-generation pipeline that this app "
        "knows. The source may fail on it, and then no answer comes."
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[1, 2]", 'Other arguments (JSON) must be a JSON object in braces, such as {"top_k": 3}.'),
        (
            "{top_k: 3}",
            "Other arguments (JSON) is not valid JSON: Expecting property name "
            "enclosed in double quotes (line 1, column 2).",
        ),
    ],
)
def test_extra_args_must_be_a_json_object(raw: str, message: str) -> None:
    assert errors_of("text-classification", {"text": "t", "extra_args": raw}) == [
        ("extra_args", message)
    ]


def test_every_error_of_a_form_is_collected_and_raised_together() -> None:
    values = {"prompt": "", "top_k": "x", "temperature": 99}
    with pytest.raises(PayloadValidationError) as caught:
        build_task_configs("text-generation", values)
    assert isinstance(caught.value, ValidationError)
    assert [e.field for e in caught.value.errors] == ["prompt", "temperature", "top_k"]
    assert caught.value.field == "prompt"
    assert caught.value.message == "Enter the prompt."


# --- images ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/cat.jpg",
        "http://example.com/a?b=c",
        PNG_DATA_URL,
        "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQAB",
    ],
)
def test_image_shapes_accepted(value: str) -> None:
    assert check_image(value) == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "ftp://example.com/a.jpg",
            "Enter a web link starting with http:// or https://, or add an image file.",
        ),
        (
            "/home/me/cat.jpg",
            "Enter a web link starting with http:// or https://, or add an image file.",
        ),
        ("https:///nohost.jpg", "The link has no website address after https://."),
        (
            "https://exa mple.com/a.jpg",
            "The link contains spaces or invisible characters. Copy it again from the address bar.",
        ),
        (
            "data:text/plain;base64,aGk=",
            "Only an image can be embedded (data:image/…;base64,…). Add the image again.",
        ),
        (
            "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQ...",
            "The embedded image data is damaged (not valid base64). Add the image again.",
        ),
        (
            "data:image/png;base64,",
            "The embedded image data is damaged (not valid base64). Add the image again.",
        ),
    ],
)
def test_image_shapes_refused(value: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_image(value)
    assert caught.value.message == message
    assert caught.value.field == "image"


def test_huge_embedded_image_is_refused() -> None:
    huge = "data:image/png;base64," + "A" * 8_000_000
    with pytest.raises(ValidationError, match="at most 8 MB fit in a task"):
        check_image(huge)


@pytest.mark.parametrize(
    "url", ["http://localhost:8000/a.png", "http://192.168.1.5/a.png", "http://127.0.0.1/a.png"]
)
def test_link_to_this_computer_is_a_warning(url: str) -> None:
    built = build_task_configs("image-classification", {"image": url})
    assert built.configs[0]["data"]["input"] == url
    (notice,) = built.notices
    assert notice.severity is Severity.WARNING
    assert notice.field == "image"
    assert notice.message == (
        "This link points to this computer or a local network, which providers on the OGPU "
        "network can't reach."
    )


# --- custom ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("just some text", "just some text"),
        (
            '{"question": "Why?", "image": "https://e.com/a.png"}',
            {"question": "Why?", "image": "https://e.com/a.png"},
        ),
        ('"quoted text"', "quoted text"),
        ("[not json", "[not json"),
        ("42", "42"),
        ({"a": 1}, {"a": 1}),
    ],
)
def test_custom_input_is_text_or_an_object(raw: object, expected: object) -> None:
    assert data_of("custom", {"input": raw})["input"] == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            '["a", "b"]',
            "The HuggingFace source refuses a list as input, so such a task is never "
            "answered. Publish one task per item instead.",
        ),
        (
            ["a"],
            "The HuggingFace source refuses a list as input, so such a task is never "
            "answered. Publish one task per item instead.",
        ),
        (
            "{broken",
            "Input is not valid JSON: Expecting property name enclosed in double quotes "
            "(line 1, column 2).",
        ),
        ("   ", "Enter the input: text or a JSON object."),
        (3, "Enter text or a JSON object."),
    ],
)
def test_custom_input_errors(raw: object, message: str) -> None:
    assert errors_of("custom", {"input": raw}) == [("input", message)]


def test_custom_args_pass_through_with_warnings_for_unknown_names() -> None:
    built = build_task_configs(
        "custom", {"input": "x", "args": '{"top_k": 3, "confidence_threshold": 0.8}'}
    )
    assert built.configs[0]["data"] == {
        "input": "x",
        "args": {"top_k": 3, "confidence_threshold": 0.8},
    }
    (notice,) = built.notices
    assert notice.severity is Severity.WARNING
    assert notice.message == (
        "confidence_threshold is not a standard argument of any pipeline this app knows; make "
        "sure your source accepts it, otherwise no answer comes."
    )


def test_custom_args_checked_against_the_source_pipeline_when_known() -> None:
    built = build_task_configs(
        "custom",
        {"input": "x", "args": {"top_k": 3, "max_new_tokens": 9}},
        source_pipeline="sentiment-analysis",
    )
    assert [n.message for n in built.notices] == [
        "max_new_tokens is not a standard argument of the text-classification pipeline; make "
        "sure your source accepts it, otherwise no answer comes."
    ]


def test_custom_nan_is_refused() -> None:
    assert errors_of("custom", {"input": "x", "args": '{"t": NaN}'}) == [
        (None, "Some values cannot be written as JSON (numbers must be finite).")
    ]


# --- the result object ----------------------------------------------------------------------


def test_configs_are_fresh_copies_and_the_json_is_compact_utf8() -> None:
    built = build_task_configs("translation", {"text": "Grüße", "tgt_lang": "eng_Latn"})
    built.configs[0]["data"]["input"] = "changed"
    assert built.configs[0]["data"]["input"] == "Grüße"
    assert built.config_texts == (
        '{"function_name":"inference","data":{"input":"Grüße","args":{"tgt_lang":"eng_Latn"}}}',
    )
    assert json.loads(built.config_texts[0]) == built.configs[0]
    with pytest.raises(AttributeError):
        built.notices = ()  # type: ignore[misc]


def test_every_catalogue_type_builds_from_minimal_values() -> None:
    minimal = {
        "text-classification": {"text": "t"},
        "image-classification": {"image": PNG_DATA_URL},
        "text-generation": {"prompt": "t"},
        "visual-question-answering": {"question": "q", "image": PNG_DATA_URL},
        "translation": {"text": "t"},
        "summarization": {"text": "t"},
        "custom": {"input": "t"},
    }
    assert set(minimal) == set(CATALOGUE)
    for key, values in minimal.items():
        built = build_task_configs(key, CATALOGUE[key].defaults() | values)
        assert built.count == 1
        assert built.task_type == key
        assert built.configs[0]["data"]["args"] == {}


# --- any form content -----------------------------------------------------------------------

_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers() | st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["3", "0.5", "softmax", "{}", '{"top_k": 2}', "[1]", "{", "https://e.com/a.png"]
    ),
    st.lists(st.text(max_size=10), max_size=4),
    st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=3),
)


def _plausible(spec: FieldSpec) -> st.SearchStrategy[object]:
    """Values a form could really hold for ``spec``, mostly valid."""
    low, high = spec.minimum, spec.maximum
    by_kind: dict[FieldKind, st.SearchStrategy[object]] = {
        FieldKind.TEXT: st.from_regex(r"\A[a-z_]{1,12}\Z"),
        FieldKind.MULTILINE_TEXT: st.text(min_size=1, max_size=60).filter(str.strip),
        FieldKind.IMAGE: st.sampled_from([PNG_DATA_URL, "https://example.com/a.jpg"]),
        FieldKind.INTEGER: st.integers(
            min_value=int(low if low is not None else 0), max_value=int(high or 10**6)
        ),
        FieldKind.NUMBER: st.floats(
            min_value=float(low if low is not None else 0), max_value=float(high or 10**6)
        ),
        FieldKind.BOOLEAN: st.booleans() | st.none(),
        FieldKind.CHOICE: st.sampled_from([c.value for c in spec.choices] + [None]),
        FieldKind.JSON: st.sampled_from(["{}", '{"num_beams": 2}', "plain text", None]),
        FieldKind.TEXT_LIST: st.lists(st.text(max_size=10), max_size=4),
    }
    good = by_kind[spec.kind]
    return st.integers(0, 9).flatmap(lambda n: _ANY_VALUE if n == 0 else good)


def _form(key: str) -> st.SearchStrategy[dict[str, object]]:
    fields = CATALOGUE[key].fields
    return st.fixed_dictionaries(
        {f.name: _plausible(f) for f in fields if f.required},
        optional={f.name: _plausible(f) for f in fields if not f.required},
    )


@given(st.sampled_from(list(CATALOGUE)).flatmap(lambda key: st.tuples(st.just(key), _form(key))))
@settings(max_examples=300, deadline=None)
def test_any_form_content_gives_configs_of_the_exact_shape_or_validation_errors(
    case: tuple[str, dict[str, object]],
) -> None:
    key, values = case
    problems = [(e.field, e.message) for e in validate(key, values)]
    if problems:
        with pytest.raises(PayloadValidationError) as caught:
            build_task_configs(key, values)
        assert [(e.field, e.message) for e in caught.value.errors] == problems
        assert all(message.strip() for _, message in problems)
        return
    built = build_task_configs(key, values)
    assert 1 <= built.count <= MAX_TASKS_PER_BATCH
    for text, config in zip(built.config_texts, built.configs, strict=True):
        assert json.loads(text) == config
        assert list(config) == ["function_name", "data"]
        assert config["function_name"] == "inference"
        assert list(config["data"]) == ["input", "args"]
        assert isinstance(config["data"]["args"], dict)
        assert isinstance(config["data"]["input"], str | dict | list)
        if values.get("send_as_list") is not True:
            assert not isinstance(config["data"]["input"], list)
