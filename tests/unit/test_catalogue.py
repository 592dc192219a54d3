"""The task catalogue describes every task type once, with fields a form can be built from."""

import pytest

from ogpu_desktop.domain.catalogue import (
    CATALOGUE,
    CUSTOM,
    EXTRA_ARGS,
    SEND_AS_LIST,
    SEVERAL,
    FieldKind,
    FieldRole,
    get_task_type,
)
from ogpu_desktop.domain.pipeline_args import PIPELINES, accepted_args, canonical_task
from ogpu_desktop.domain.result_views import ViewKind

EXPECTED_KEYS = [
    "text-classification",
    "image-classification",
    "text-generation",
    "visual-question-answering",
    "translation",
    "summarization",
    "custom",
]


def test_catalogue_offers_the_seven_task_types_in_order() -> None:
    assert list(CATALOGUE) == EXPECTED_KEYS
    for key, spec in CATALOGUE.items():
        assert spec.key == key
        assert spec.title
        assert spec.description
        assert "\n" not in spec.description


def test_catalogue_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        CATALOGUE["x"] = CATALOGUE["custom"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        CATALOGUE["custom"].title = "changed"  # type: ignore[misc]


def test_result_kinds_are_view_kinds() -> None:
    kinds = {spec.key: spec.result_kind for spec in CATALOGUE.values()}
    assert kinds == {
        "text-classification": "label_scores",
        "image-classification": "label_scores",
        "text-generation": "generated_texts",
        "visual-question-answering": "answers",
        "translation": "translation",
        "summarization": "summary",
        "custom": "raw_json",
    }
    for kind in kinds.values():
        assert ViewKind(kind).value == kind


def test_arg_fields_are_exactly_the_pipeline_whitelist() -> None:
    for key, spec in CATALOGUE.items():
        arg_names = [f.name for f in spec.fields_with_role(FieldRole.ARG)]
        if key == CUSTOM:
            assert arg_names == []
            assert spec.pipeline_task is None
            continue
        assert spec.pipeline_task == key
        assert arg_names == [a.name for a in PIPELINES[key].args]
        assert frozenset(arg_names) == accepted_args(key)


def test_field_names_are_unique_and_every_field_is_documented() -> None:
    for spec in CATALOGUE.values():
        names = [f.name for f in spec.fields]
        assert len(names) == len(set(names)), spec.key
        for field in spec.fields:
            assert field.label, (spec.key, field.name)
            assert len(field.help) > 20, (spec.key, field.name)
            if field.kind is FieldKind.CHOICE:
                assert field.choices
            if field.role is FieldRole.ARG:
                assert field.default is None, "unset args must default to 'not set'"
                assert not field.required


def test_image_classification_args_and_defaults() -> None:
    spec = get_task_type("image-classification")
    assert [f.name for f in spec.fields_with_role(FieldRole.INPUT)] == ["image"]
    assert spec.field("image").kind is FieldKind.IMAGE
    top_k = spec.field("top_k")
    assert top_k.kind is FieldKind.INTEGER
    assert top_k.placeholder == "5"
    assert "5" in top_k.help
    assert top_k.minimum == 1
    function = spec.field("function_to_apply")
    assert [c.value for c in function.choices] == ["softmax", "sigmoid", "none"]
    assert spec.field("timeout").advanced
    assert "confidence_threshold" not in {f.name for f in spec.fields}
    assert not spec.allows_batch


def test_text_generation_prefers_max_new_tokens() -> None:
    spec = get_task_type("text-generation")
    assert not spec.field("max_new_tokens").advanced
    max_length = spec.field("max_length")
    assert max_length.advanced
    assert "counts the prompt too" in max_length.help
    assert spec.field("temperature").kind is FieldKind.NUMBER
    assert spec.field("do_sample").kind is FieldKind.BOOLEAN
    assert spec.field("return_full_text").kind is FieldKind.BOOLEAN
    assert spec.field("num_return_sequences").minimum == 1
    assert spec.allows_batch


def test_vqa_inputs_go_under_question_and_image_keys() -> None:
    spec = get_task_type("visual-question-answering")
    inputs = spec.fields_with_role(FieldRole.INPUT)
    assert [(f.name, f.input_key) for f in inputs] == [("question", "question"), ("image", "image")]
    assert all(f.required for f in inputs)


def test_translation_language_help_gives_model_specific_codes() -> None:
    spec = get_task_type("translation")
    for name in ("src_lang", "tgt_lang"):
        field = spec.field(name)
        assert field.kind is FieldKind.TEXT
        for code_family in ("NLLB", "mBART", "M2M100"):
            assert code_family in field.help
        assert "ignores it" in field.help
    assert "eng_Latn" in spec.field("src_lang").help
    assert "en_XX" in spec.field("src_lang").help


def test_batch_options_only_for_text_types_and_list_form_is_advanced() -> None:
    batch_types = {k for k, s in CATALOGUE.items() if s.allows_batch}
    assert batch_types == {"text-classification", "text-generation", "translation", "summarization"}
    for key in batch_types:
        spec = CATALOGUE[key]
        assert spec.field(SEVERAL).role is FieldRole.OPTION
        assert not spec.field(SEVERAL).advanced
        assert spec.field(SEND_AS_LIST).advanced
        assert "only for sources that accept lists" in spec.field(SEND_AS_LIST).label


def test_every_pipeline_type_has_an_advanced_json_args_field() -> None:
    for key, spec in CATALOGUE.items():
        if key == CUSTOM:
            assert spec.field("args").role is FieldRole.ARGS_JSON
            assert spec.field("input").kind is FieldKind.JSON
            continue
        extra = spec.field(EXTRA_ARGS)
        assert extra.role is FieldRole.ARGS_JSON
        assert extra.advanced
    assert "refused" in CATALOGUE["image-classification"].field(EXTRA_ARGS).help
    assert "warning" in CATALOGUE["text-generation"].field(EXTRA_ARGS).help


def test_basic_and_advanced_fields_partition_the_form() -> None:
    for spec in CATALOGUE.values():
        assert set(spec.basic_fields) | set(spec.advanced_fields) == set(spec.fields)
        assert not set(spec.basic_fields) & set(spec.advanced_fields)
        assert all(f.required for f in spec.fields if f.role is FieldRole.INPUT)
    defaults = get_task_type("text-classification").defaults()
    assert defaults[SEVERAL] is False
    assert defaults["top_k"] is None


def test_unknown_task_type_and_field() -> None:
    with pytest.raises(KeyError, match="unknown task type"):
        get_task_type("object-detection")
    with pytest.raises(KeyError):
        get_task_type("summarization").field("top_k")


def test_pipeline_aliases() -> None:
    assert canonical_task("sentiment-analysis") == "text-classification"
    assert canonical_task("vqa") == "visual-question-answering"
    assert canonical_task("translation_en_to_fr") == "translation"
    assert canonical_task("summarization") == "summarization"
    assert accepted_args("sentiment-analysis") == {"top_k", "function_to_apply"}
    assert accepted_args("object-detection") == frozenset()
