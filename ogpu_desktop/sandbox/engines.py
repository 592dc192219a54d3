"""Answer engines: what the Sandbox's provider runs in place of a HuggingFace pipeline."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

Output = list[Any] | dict[str, Any]
Input = str | dict[str, Any]

SANDBOX_MARK = "[sandbox]"
IMAGE_LABELS = (
    "tabby cat", "golden retriever", "sports car", "espresso", "mountain bike",
    "sunflower", "laptop", "red fox", "teapot", "lighthouse",
)
VQA_ANSWERS = ("yes", "no", "two", "red", "a cat", "outside", "on the table", "blue")
_POSITIVE = frozenset(
    (
        "good", "great", "love", "excellent", "happy", "amazing", "wonderful", "best", "nice",
        "fantastic", "like", "enjoy", "awesome", "brilliant", "perfect", "pleased", "delightful",
        "superb", "fun", "beautiful",
    )
)
_NEGATIVE = frozenset(
    (
        "bad", "terrible", "hate", "awful", "sad", "worst", "poor", "horrible", "boring",
        "disappointing", "dislike", "ugly", "angry", "broken", "slow", "useless", "annoying",
        "wrong", "fail", "failed",
    )
)
_WORD = re.compile(r"[a-zA-Z']+")
_ARGS: dict[str, frozenset[str]] = {
    "text-classification": frozenset({"top_k", "function_to_apply", "return_all_scores"}),
    "image-classification": frozenset({"top_k", "function_to_apply", "timeout"}),
    "text-generation": frozenset({
        "return_full_text", "max_new_tokens", "max_length", "do_sample", "temperature", "top_p",
        "top_k", "num_return_sequences", "return_text", "return_tensors",
        "clean_up_tokenization_spaces", "prefix", "handle_long_generation", "num_beams",
        "repetition_penalty", "min_new_tokens",
    }),
    "visual-question-answering": frozenset({"top_k", "timeout"}),
    "translation": frozenset({
        "src_lang", "tgt_lang", "max_length", "min_length", "num_return_sequences", "num_beams",
        "do_sample", "return_text", "return_tensors", "clean_up_tokenization_spaces",
    }),
    "summarization": frozenset({
        "max_length", "min_length", "num_return_sequences", "num_beams", "do_sample",
        "return_text", "return_tensors", "clean_up_tokenization_spaces",
    }),
}
PIPELINE_TASKS = tuple(_ARGS)


class PipelineError(Exception):
    """The pipeline would raise for this input or these arguments: the task gets no answer.

    Both engines raise it where a real pipeline raises, as the HF source then sends no callback.
    """


class Engine(Protocol):
    """Runs one pipeline call: ``pipeline(task, model)(input, **args)``."""

    name: str

    def run(self, task: str, model: str, value: Input, args: Mapping[str, Any]) -> Output:
        """Return the pipeline output or raise :class:`PipelineError`."""
        ...


class BuiltinEngine:
    """Instant, deterministic answers in the exact transformers output shapes."""

    name = "builtin"

    def run(self, task: str, model: str, value: Input, args: Mapping[str, Any]) -> Output:
        """Return the output ``pipeline(task, model)(value, **args)`` would have the shape of."""
        allowed = _ARGS.get(task)
        if allowed is None:
            raise PipelineError(f"Unknown pipeline task {task!r}")
        unknown = sorted(set(args) - allowed)
        if unknown:
            raise PipelineError(f"{task} got unexpected keyword arguments: {', '.join(unknown)}")
        handler: Callable[[Input, Mapping[str, Any]], Output] = {
            "text-classification": _text_classification,
            "image-classification": _image_classification,
            "text-generation": _text_generation,
            "visual-question-answering": _visual_question_answering,
            "translation": _translation,
            "summarization": _summarization,
        }[task]
        return handler(value, args)


class TransformersEngine:
    """A real ``transformers`` pipeline per (task, model), loaded from the local cache only."""

    name = "transformers"

    def __init__(self) -> None:
        self._pipelines: dict[tuple[str, str], Any] = {}

    def run(self, task: str, model: str, value: Input, args: Mapping[str, Any]) -> Output:
        """Run the pipeline; any exception it raises means no answer, as on the network."""
        try:
            pipe = self._pipelines.get((task, model))
            if pipe is None:
                transformers = importlib.import_module("transformers")
                pipe = transformers.pipeline(task, model=model)
                self._pipelines[(task, model)] = pipe
            result = pipe(value, **dict(args))
        except Exception as exc:
            raise PipelineError(f"{task} failed: {exc}") from exc
        if isinstance(result, dict | list):
            return result
        raise PipelineError(f"{task} returned {type(result).__name__}, not a list or dict")


def select_engine(name: str, models: Mapping[str, str]) -> tuple[Engine, str | None]:
    """Return the engine to use and, when falling back to the built-in one, why (plain words).

    Args:
        name: ``builtin`` or ``transformers``.
        models: Pipeline task -> model id the demo sources name; each must be cached locally.
    """
    if name != "transformers":
        return BuiltinEngine(), None
    if importlib.util.find_spec("transformers") is None:
        return BuiltinEngine(), (
            "The transformers package is not installed: the Sandbox answers with its built-in "
            "engine instead."
        )
    # The Sandbox never downloads a model: only what is already in the local cache is used.
    os.environ["HF_HUB_OFFLINE"] = "1"
    missing = [model for model in models.values() if not _model_cached(model)]
    if missing:
        return BuiltinEngine(), (
            "These models are not on this computer, so the Sandbox answers with its built-in "
            f"engine instead: {', '.join(sorted(missing))}."
        )
    return TransformersEngine(), None


def _model_cached(model: str) -> bool:
    try:
        hub = importlib.import_module("huggingface_hub")
    except ImportError:
        return False
    found = hub.try_to_load_from_cache(model, "config.json")
    return isinstance(found, str)


# ----- the built-in answers ---------------------------------------------------------------------


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big")


def _scores(count: int, seed: int) -> list[float]:
    """Return ``count`` scores that sum to 1, in descending order, derived from ``seed``."""
    weights = [((seed >> (i * 5)) % 29 + 1) * (0.5 ** i) for i in range(count)]
    total = sum(weights)
    return sorted((round(w / total, 4) for w in weights), reverse=True)


def _text_of(value: Input) -> str:
    if isinstance(value, str):
        return value
    return " ".join(str(v) for v in value.values() if isinstance(v, str))


def _top_k(args: Mapping[str, Any], default: int, available: int) -> int:
    top_k = args.get("top_k", default)
    if top_k is None:
        return available
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
        raise PipelineError("top_k must be a positive integer")
    return min(top_k, available)


def _text_classification(value: Input, args: Mapping[str, Any]) -> Output:
    words = [w.lower() for w in _WORD.findall(_text_of(value))]
    balance = sum(w in _POSITIVE for w in words) - sum(w in _NEGATIVE for w in words)
    confidence = min(0.9995, 0.72 + 0.09 * abs(balance) + (_seed(words) % 100) / 1000)
    first = "NEGATIVE" if balance < 0 else "POSITIVE"
    second = "POSITIVE" if first == "NEGATIVE" else "NEGATIVE"
    ranked = [
        {"label": first, "score": round(confidence, 4)},
        {"label": second, "score": round(1 - confidence, 4)},
    ]
    if isinstance(value, dict) and "top_k" not in args:
        return ranked[0]  # a {"text", "text_pair"} input without top_k gives a bare dict
    if "top_k" not in args:
        return ranked[:1]
    return ranked[: _top_k(args, 1, len(ranked))]


def _image_classification(value: Input, args: Mapping[str, Any]) -> Output:
    if not isinstance(value, str) or not value.strip():
        raise PipelineError("image-classification needs an image URL or base64 string")
    count = _top_k(args, 5, len(IMAGE_LABELS))
    seed = _seed(value)
    start = seed % len(IMAGE_LABELS)
    labels = [IMAGE_LABELS[(start + 3 * i) % len(IMAGE_LABELS)] for i in range(len(IMAGE_LABELS))]
    scores = _scores(len(IMAGE_LABELS), seed)
    return [{"label": labels[i], "score": scores[i]} for i in range(count)]


def _text_generation(value: Input, args: Mapping[str, Any]) -> Output:
    if not isinstance(value, str):
        raise PipelineError("text-generation needs a prompt string")
    count = args.get("num_return_sequences", 1)
    if not isinstance(count, int) or count < 1:
        raise PipelineError("num_return_sequences must be a positive integer")
    if count > 1 and not args.get("do_sample", False) and args.get("num_beams", 1) < count:
        raise PipelineError("Greedy decoding cannot return several sequences")
    full = args.get("return_full_text", True)
    max_new = args.get("max_new_tokens", 20)
    outputs = []
    for index in range(count):
        words = [
            SANDBOX_MARK, "and", "then", "the", "story", "went", "on", "quietly", "for",
            "a", "while", "longer", "until", "it", "ended", "well",
        ]
        shift = (_seed(value, index) % 5) if index else 0
        words = words[:1] + words[1 + shift :] + words[1 : 1 + shift]
        continuation = " " + " ".join(words[: max(1, int(max_new))])
        outputs.append({"generated_text": (value + continuation) if full else continuation})
    return outputs


def _visual_question_answering(value: Input, args: Mapping[str, Any]) -> Output:
    if not isinstance(value, dict) or "image" not in value or "question" not in value:
        raise PipelineError("visual-question-answering needs {'image': ..., 'question': ...}")
    count = _top_k(args, 5, len(VQA_ANSWERS))
    seed = _seed(value.get("image"), value.get("question"))
    question = str(value["question"]).lower()
    answers = list(VQA_ANSWERS)
    if question.startswith(("is ", "are ", "does ", "do ", "can ")):
        answers.sort(key=lambda a: a not in ("yes", "no"))
    else:
        offset = seed % len(answers)
        answers = answers[offset:] + answers[:offset]
    scores = _scores(len(answers), seed)
    return [{"score": scores[i], "answer": answers[i]} for i in range(count)]


def _translation(value: Input, args: Mapping[str, Any]) -> Output:
    if not isinstance(value, str):
        raise PipelineError("translation needs a text string")
    target = args.get("tgt_lang", "target language")
    text = f"{SANDBOX_MARK} ({target}) {value}"
    return [{"translation_text": text} for _ in range(int(args.get("num_return_sequences", 1)))]


def _summarization(value: Input, args: Mapping[str, Any]) -> Output:
    if not isinstance(value, str):
        raise PipelineError("summarization needs a text string")
    words = value.split()
    limit = int(args.get("max_length", 30))
    first = re.split(r"(?<=[.!?])\s+", value.strip(), maxsplit=1)[0]
    summary = " ".join(first.split()[: max(1, limit)]) if words else ""
    text = f"{SANDBOX_MARK} {summary}"
    return [{"summary_text": text} for _ in range(int(args.get("num_return_sequences", 1)))]
