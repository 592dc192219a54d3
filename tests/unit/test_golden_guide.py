"""Golden tests: every example of the original HuggingFace pipeline task guide, filled into a form.

Each example gives the ``data`` dict the guide documents, or, where that example would fail at
the real HuggingFace source (a list input, ``confidence_threshold``, sampling arguments without
``do_sample``, ``max_length`` in text generation), the corrected dict and the exact messages the
user reads before publishing.
"""

import base64

import pytest

from ogpu_desktop.domain.amounts import format_amount, parse_amount
from ogpu_desktop.domain.expiry import check_expiry_time, expiry_time
from ogpu_desktop.domain.payload import (
    PayloadValidationError,
    Severity,
    TaskPayloads,
    build_task_configs,
    validate,
)
from ogpu_desktop.errors import ValidationError

NOW = 1_790_000_000
SOURCE_MAX_EXPIRY_S = 3600

MAX_LENGTH_NOTICE = (
    "Length of prompt and answer together (max_length) counts the prompt's tokens too, so a "
    "long prompt leaves little room for new text; Length of the answer (max_new_tokens) counts "
    "only the new text."
)
LANGUAGE_NOTICE = (
    "Language codes depend on the model (NLLB: eng_Latn, mBART: en_XX, M2M100: en), and models "
    "made for one language pair ignore them."
)
CONFIDENCE_ERROR = (
    "The image-classification pipeline has no argument confidence_threshold: it would fail, and "
    "no answer would ever come. It accepts only top_k, function_to_apply and timeout. Use top_k "
    "to limit how many labels come back."
)


def only_data(built: TaskPayloads) -> dict[str, object]:
    (config,) = built.configs
    assert config["function_name"] == "inference"
    return config["data"]  # type: ignore[no-any-return]


def messages(built: TaskPayloads) -> list[str]:
    return [notice.message for notice in built.notices]


# --- Quick Task Publishing: basic text classification ----------------------------------------


def test_basic_text_classification_task() -> None:
    built = build_task_configs(
        "text-classification", {"text": "This movie is absolutely fantastic!"}
    )
    assert built.configs == (
        {
            "function_name": "inference",
            "data": {"input": "This movie is absolutely fantastic!", "args": {}},
        },
    )
    assert built.notices == ()
    assert expiry_time(600, now=NOW, max_expiry_s=SOURCE_MAX_EXPIRY_S) == NOW + 600
    assert parse_amount("0.002") == 2_000_000_000_000_000


# --- Input Examples by Task Type ------------------------------------------------------------


def test_input_example_text_classification() -> None:
    built = build_task_configs(
        "text-classification", {"text": "I love this product! It's amazing."}
    )
    assert only_data(built) == {"input": "I love this product! It's amazing.", "args": {}}
    assert built.notices == ()


def test_input_example_image_classification() -> None:
    built = build_task_configs("image-classification", {"image": "https://example.com/image.jpg"})
    assert only_data(built) == {"input": "https://example.com/image.jpg", "args": {}}
    assert built.notices == ()


def test_input_example_text_generation_is_corrected() -> None:
    # The guide sends temperature without do_sample: the pipeline would ignore it.
    built = build_task_configs(
        "text-generation",
        {
            "prompt": "Once upon a time",
            "max_length": 100,
            "temperature": 0.7,
            "num_return_sequences": 1,
        },
    )
    assert only_data(built) == {
        "input": "Once upon a time",
        "args": {
            "max_length": 100,
            "temperature": 0.7,
            "num_return_sequences": 1,
            "do_sample": True,
        },
    }
    assert messages(built) == [
        MAX_LENGTH_NOTICE,
        "Varied wording (do_sample) was turned on because Creativity needs it.",
    ]
    assert [n.severity for n in built.notices] == [Severity.INFO, Severity.INFO]


def test_input_example_visual_question_answering() -> None:
    built = build_task_configs(
        "visual-question-answering",
        {"question": "What is in this image?", "image": "https://example.com/image.jpg"},
    )
    assert only_data(built) == {
        "input": {"question": "What is in this image?", "image": "https://example.com/image.jpg"},
        "args": {},
    }
    assert built.notices == ()


def test_input_example_translation_warns_about_language_codes() -> None:
    built = build_task_configs(
        "translation", {"text": "Hello, how are you?", "src_lang": "en", "tgt_lang": "fr"}
    )
    assert only_data(built) == {
        "input": "Hello, how are you?",
        "args": {"src_lang": "en", "tgt_lang": "fr"},
    }
    (notice,) = built.notices
    assert notice.message == LANGUAGE_NOTICE
    assert notice.severity is Severity.WARNING


def test_input_example_summarization() -> None:
    built = build_task_configs(
        "summarization",
        {"text": "Long article text here...", "min_length": 50, "max_length": 150},
    )
    assert only_data(built) == {
        "input": "Long article text here...",
        "args": {"max_length": 150, "min_length": 50},
    }
    assert built.notices == ()


# --- Advanced Task Configuration ------------------------------------------------------------

GUIDE_TEXTS = ["First text to classify", "Second text to classify", "Third text to classify"]


def test_multiple_text_inputs_become_one_task_per_text() -> None:
    # The guide's list input is refused by the HF source (input: str | dict), so nothing answers.
    built = build_task_configs(
        "text-classification", {"text": "\n".join(GUIDE_TEXTS), "several": True}
    )
    assert built.configs == tuple(
        {"function_name": "inference", "data": {"input": text, "args": {}}} for text in GUIDE_TEXTS
    )
    assert messages(built) == [
        "3 tasks will be published, one per text: the HuggingFace source takes one text per task "
        "and refuses a list. Each task is paid separately."
    ]


def test_multiple_text_inputs_as_one_list_only_on_explicit_request() -> None:
    built = build_task_configs(
        "text-classification",
        {"text": "\n".join(GUIDE_TEXTS), "several": True, "send_as_list": True},
    )
    assert only_data(built) == {"input": GUIDE_TEXTS, "args": {}}
    (notice,) = built.notices
    assert notice.severity is Severity.WARNING
    assert notice.message == (
        "All 3 texts go into one task as a list. The standard HuggingFace source refuses a list "
        "and never answers, so use this only with a source you know accepts lists."
    )


def test_custom_pipeline_arguments_as_text_generation() -> None:
    built = build_task_configs(
        "text-generation",
        {
            "prompt": "Generate creative text",
            "max_length": 200,
            "temperature": 0.8,
            "top_p": 0.9,
            "do_sample": True,
            "num_return_sequences": 3,
        },
    )
    assert only_data(built) == {
        "input": "Generate creative text",
        "args": {
            "max_length": 200,
            "temperature": 0.8,
            "top_p": 0.9,
            "do_sample": True,
            "num_return_sequences": 3,
        },
    }
    assert messages(built) == [MAX_LENGTH_NOTICE]


def test_custom_pipeline_arguments_as_custom_json() -> None:
    built = build_task_configs(
        "custom",
        {
            "input": "Generate creative text",
            "args": '{"max_length": 200, "temperature": 0.8, "top_p": 0.9, "do_sample": true, '
            '"num_return_sequences": 3}',
        },
        source_pipeline="text-generation",
    )
    assert only_data(built) == {
        "input": "Generate creative text",
        "args": {
            "max_length": 200,
            "temperature": 0.8,
            "top_p": 0.9,
            "do_sample": True,
            "num_return_sequences": 3,
        },
    }
    assert built.notices == ()


GUIDE_TRUNCATED_DATA_URL = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQ..."
COMPLETE_DATA_URL = "data:image/jpeg;base64," + base64.b64encode(
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
).decode("ascii")


def test_image_with_custom_parameters_as_written_is_refused() -> None:
    # The guide's base64 is cut off ("...") and confidence_threshold makes the pipeline raise.
    values = {
        "image": GUIDE_TRUNCATED_DATA_URL,
        "top_k": 5,
        "extra_args": '{"confidence_threshold": 0.8}',
    }
    assert [(e.field, e.message) for e in validate("image-classification", values)] == [
        ("image", "The embedded image data is damaged (not valid base64). Add the image again."),
        ("extra_args", CONFIDENCE_ERROR),
    ]


def test_image_with_custom_parameters_correction() -> None:
    values: dict[str, object] = {
        "image": COMPLETE_DATA_URL,
        "top_k": 5,
        "extra_args": {"confidence_threshold": 0.8},
    }
    with pytest.raises(PayloadValidationError) as caught:
        build_task_configs("image-classification", values)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.field == "extra_args"
    assert caught.value.message == CONFIDENCE_ERROR
    # The correction the message asks for: drop confidence_threshold, keep top_k.
    built = build_task_configs("image-classification", values | {"extra_args": None})
    assert only_data(built) == {"input": COMPLETE_DATA_URL, "args": {"top_k": 5}}
    assert built.notices == ()


# --- Complete Task Examples -----------------------------------------------------------------


def test_complete_sentiment_analysis_task() -> None:
    built = build_task_configs(
        "text-classification", {"text": "The customer service was excellent and very helpful!"}
    )
    assert only_data(built) == {
        "input": "The customer service was excellent and very helpful!",
        "args": {},
    }
    assert expiry_time(300, now=NOW, max_expiry_s=SOURCE_MAX_EXPIRY_S) == NOW + 300
    assert parse_amount("0.001") == 1_000_000_000_000_000


def test_complete_image_classification_task_with_top_k_3() -> None:
    url = "https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png"
    built = build_task_configs("image-classification", {"image": url, "top_k": 3})
    assert only_data(built) == {"input": url, "args": {"top_k": 3}}
    assert built.notices == ()
    assert expiry_time(400, now=NOW, max_expiry_s=SOURCE_MAX_EXPIRY_S) == NOW + 400
    assert parse_amount("0.002") == 2_000_000_000_000_000


def test_complete_text_generation_with_custom_args_is_corrected() -> None:
    # num_return_sequences 2 without do_sample makes the pipeline raise: no answer would come.
    built = build_task_configs(
        "text-generation",
        {
            "prompt": "Write a short story about artificial intelligence:",
            "max_length": 200,
            "temperature": 0.8,
            "top_p": 0.9,
            "num_return_sequences": 2,
        },
    )
    assert only_data(built) == {
        "input": "Write a short story about artificial intelligence:",
        "args": {
            "max_length": 200,
            "temperature": 0.8,
            "top_p": 0.9,
            "num_return_sequences": 2,
            "do_sample": True,
        },
    }
    assert messages(built) == [
        MAX_LENGTH_NOTICE,
        "Varied wording (do_sample) was turned on because Creativity, Likely words only "
        "(share) and several versions need it.",
    ]
    assert expiry_time(600, now=NOW, max_expiry_s=SOURCE_MAX_EXPIRY_S) == NOW + 600
    assert parse_amount("0.004") == 4_000_000_000_000_000


def test_the_same_example_with_sampling_explicitly_off_is_an_error() -> None:
    errors = validate(
        "text-generation",
        {
            "prompt": "Write a short story about artificial intelligence:",
            "num_return_sequences": 2,
            "do_sample": False,
        },
    )
    assert [(e.field, e.message) for e in errors] == [
        (
            "num_return_sequences",
            "More than one version needs varied wording, and the pipeline fails without it: "
            "turn Varied wording on or set Number of versions to 1.",
        )
    ]


# --- Payment and expiry values of the guide -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "wei"),
    [
        ("0.001", 1_000_000_000_000_000),
        ("0.002", 2_000_000_000_000_000),
        ("0.004", 4_000_000_000_000_000),
    ],
)
def test_guide_payments(typed: str, wei: int) -> None:
    assert parse_amount(typed) == wei
    assert format_amount(wei) == f"{typed} OGPU"
    assert format_amount(wei, "ToGPU") == f"{typed} ToGPU"


def test_expiry_86400_used_as_an_absolute_time() -> None:
    # The HF repository's notebook passes expiryTime=86400, i.e. 1970-01-02.
    with pytest.raises(ValidationError) as caught:
        check_expiry_time(86400, now=NOW)
    assert caught.value.field == "expiry"
    assert caught.value.message == (
        "86400 looks like a duration (1 day), not a point in time: the expiry must be an "
        "absolute time, so use now + 86400."
    )
    assert expiry_time(86400, now=NOW) == NOW + 86400
