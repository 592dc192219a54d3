"""Built-in engine output shapes; the provider's validation and wrapping, as the HF source's."""

from __future__ import annotations

from typing import Any

import pytest

from ogpu_desktop.sandbox.engines import (
    BuiltinEngine,
    PipelineError,
    TransformersEngine,
    select_engine,
)
from ogpu_desktop.sandbox.provider import InvalidTaskError, parse_task_data, wrap_result

ENGINE = BuiltinEngine()
MODEL = "some/model"


def run(task: str, value: Any, **args: Any) -> Any:
    return ENGINE.run(task, MODEL, value, args)


def test_text_classification_is_a_one_item_list_without_top_k() -> None:
    output = run("text-classification", "I love it, great")
    assert output == [{"label": "POSITIVE", "score": output[0]["score"]}]
    assert run("text-classification", "terrible, awful, I hate it")[0]["label"] == "NEGATIVE"


def test_text_classification_top_k_and_text_pair() -> None:
    assert [x["label"] for x in run("text-classification", "fine", top_k=2)] == [
        "POSITIVE", "NEGATIVE",
    ]
    assert len(run("text-classification", "fine", top_k=None)) == 2
    bare = run("text-classification", {"text": "good", "text_pair": "bad"})
    assert isinstance(bare, dict)
    assert set(bare) == {"label", "score"}


def test_answers_are_deterministic() -> None:
    assert run("image-classification", "https://x/y.png") == run(
        "image-classification", "https://x/y.png"
    )


@pytest.mark.parametrize(("top_k", "count"), [(None, 5), (1, 1), (3, 3), (50, 10)])
def test_image_classification_top_k(top_k: int | None, count: int) -> None:
    args = {} if top_k is None else {"top_k": top_k}
    output = ENGINE.run("image-classification", MODEL, "data:image/png;base64,AAAA", args)
    assert len(output) == count
    assert all(set(item) == {"label", "score"} for item in output)
    assert abs(sum(i["score"] for i in run("image-classification", "u", top_k=50)) - 1) < 0.01


def test_image_classification_rejects_unknown_arguments_like_the_pipeline() -> None:
    with pytest.raises(PipelineError, match="confidence_threshold"):
        run("image-classification", "https://x/y.png", confidence_threshold=0.5)


def test_text_generation_prompt_handling() -> None:
    full = run("text-generation", "Hello there")
    assert len(full) == 1
    assert full[0]["generated_text"].startswith("Hello there [sandbox]")
    short = run("text-generation", "Hello there", return_full_text=False)
    assert not short[0]["generated_text"].startswith("Hello there")
    many = run("text-generation", "Hi", num_return_sequences=3, do_sample=True)
    assert len(many) == 3
    assert all(set(x) == {"generated_text"} for x in many)


def test_greedy_generation_cannot_return_several_sequences() -> None:
    with pytest.raises(PipelineError):
        run("text-generation", "Hi", num_return_sequences=2)


def test_vqa_shape_and_top_k() -> None:
    value = {"image": "https://x/y.png", "question": "Is it a cat?"}
    output = run("visual-question-answering", value)
    assert len(output) == 5
    assert all(set(x) == {"score", "answer"} for x in output)
    assert output[0]["answer"] in {"yes", "no"}
    assert len(run("visual-question-answering", value, top_k=2)) == 2
    with pytest.raises(PipelineError):
        run("visual-question-answering", "just a string")


def test_translation_and_summarization_shapes() -> None:
    assert set(run("translation", "Hello")[0]) == {"translation_text"}
    assert len(run("summarization", "One. Two. Three.", max_length=10)) == 1
    assert run("summarization", "The cat sat. Then it left.")[0]["summary_text"].endswith(
        "The cat sat."
    )


def test_unknown_pipeline_is_rejected() -> None:
    with pytest.raises(PipelineError):
        run("fill-mask", "Paris is the [MASK] of France")


@pytest.mark.parametrize(
    "config",
    [
        {"function_name": "inference", "data": {"input": ["a", "b"]}},
        {"function_name": "inference", "data": {"input": 5}},
        {"function_name": "inference", "data": {"input": "a", "args": ["x"]}},
        {"function_name": "train", "data": {"input": "a"}},
        {"function_name": "inference", "data": "a"},
        ["not", "an", "object"],
    ],
)
def test_configs_the_hf_source_rejects(config: Any) -> None:
    with pytest.raises(InvalidTaskError):
        parse_task_data(config)


def test_valid_configs() -> None:
    assert parse_task_data({"function_name": "inference", "data": {"input": "a"}}) == ("a", {})
    value, args = parse_task_data(
        {"function_name": "inference", "data": {"input": {"image": "u"}, "args": {"top_k": 1}}}
    )
    assert value == {"image": "u"}
    assert args == {"top_k": 1}


def test_results_are_wrapped_like_the_hf_source() -> None:
    assert wrap_result([{"label": "A", "score": 1.0}]) == {
        "result": {"output": [{"label": "A", "score": 1.0}]}
    }
    assert wrap_result({"label": "A", "score": 1.0}) == {"result": {"label": "A", "score": 1.0}}


def test_transformers_engine_falls_back_with_a_clear_notice() -> None:
    engine, notice = select_engine("transformers", {"text-classification": "no/such-model"})
    assert isinstance(engine, BuiltinEngine | TransformersEngine)
    if isinstance(engine, BuiltinEngine):
        assert notice is not None
        assert "built-in engine" in notice
    builtin, none = select_engine("builtin", {})
    assert isinstance(builtin, BuiltinEngine)
    assert none is None
