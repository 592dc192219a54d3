"""The Sandbox's demo sources: one per HF task type, with pinned metadata and compose files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from ogpu_desktop.sandbox.pinning import PinStore

Delivery = Literal["FIRST_RESPONSE", "MANUAL_CONFIRMATION"]
DELIVERY_CODES: dict[Delivery, int] = {"MANUAL_CONFIRMATION": 0, "FIRST_RESPONSE": 1}
ENV_CPU = 1
ENV_NVIDIA = 2
MIN_PAYMENT_WEI = 10**15  # 0.001 OGPU
MAX_EXPIRY_DURATION_S = 86_400  # one day
DESCRIPTION_NOTE = (
    "Sandbox source: answers come from a built-in engine on this computer, not a real model."
)
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    '<rect width="64" height="64" rx="12" fill="#3b5bdb"/>'
    '<text x="32" y="41" font-size="22" text-anchor="middle" fill="#fff" '
    'font-family="sans-serif">SBX</text></svg>'
)


@dataclass(frozen=True)
class DemoSource:
    """What one demo source offers: its pipeline task, model, title and delivery method.

    It looks like a HuggingFace-Ready source on the network: its metadata JSON has the six keys of
    the SDK's image metadata, and its compose file names the pipeline task and a real HF model in
    the ``PIPE_ARGS_STR`` environment variable. Answers come from the Sandbox's own engine.
    """

    pipeline: str
    model: str
    title: str
    delivery: Delivery = "FIRST_RESPONSE"


DEMO_SOURCES: tuple[DemoSource, ...] = (
    DemoSource(
        "text-classification",
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "Sentiment (text classification)",
    ),
    DemoSource(
        "image-classification", "google/vit-base-patch16-224", "Image classification"
    ),
    DemoSource("text-generation", "openai-community/gpt2", "Text generation"),
    DemoSource(
        "visual-question-answering",
        "dandelin/vilt-b32-finetuned-vqa",
        "Visual question answering",
    ),
    DemoSource("translation", "Helsinki-NLP/opus-mt-en-fr", "Translation (English to French)"),
    DemoSource("summarization", "sshleifer/distilbart-cnn-12-6", "Summarization"),
    DemoSource(
        "text-classification",
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "Sentiment (text classification, you confirm the answer)",
        "MANUAL_CONFIRMATION",
    ),
)


def pipe_args(source: DemoSource) -> str:
    """Return the ``PIPE_ARGS_STR`` value: the pipeline task and model as JSON."""
    return json.dumps({"task": source.pipeline, "model": source.model})


def compose_file(source: DemoSource, *, gpu: bool) -> str:
    """Return the docker-compose YAML of an HF-Ready service running ``source``'s pipeline."""
    lines = [
        "services:",
        "  hfr-service:",
        "    image: opengpunetwork/hfr-client:latest",
        "    pull_policy: always",
        "    ports:",
        '      - "${PORT}:5555"',
        "    extra_hosts:",
        '      - "host.docker.internal:host-gateway"',
        "    environment:",
        "      - CALLBACK_URL=${CALLBACK_URL}",
        f"      - 'PIPE_ARGS_STR={pipe_args(source)}'",
        "    volumes:",
        "      - huggingface_cache:/root/.cache/huggingface",
    ]
    if gpu:
        lines += [
            "    deploy:",
            "      resources:",
            "        reservations:",
            "          devices:",
            "            - driver: nvidia",
            "              count: all",
            "              capabilities: [gpu]",
        ]
    lines += ["", "volumes:", "  huggingface_cache:", ""]
    return "\n".join(lines)


def pin_metadata(store: PinStore, source: DemoSource, link_base: str) -> str:
    """Pin the compose files, logo and metadata JSON of ``source``; return the metadata link.

    Everything is pinned in the Sandbox itself, so showing a source never reaches the internet.
    """
    cpu = store.pin(compose_file(source, gpu=False).encode(), "application/yaml")
    nvidia = store.pin(compose_file(source, gpu=True).encode(), "application/yaml")
    delivery_note = (
        " The first answer is final."
        if source.delivery == "FIRST_RESPONSE"
        else " You confirm the answer you accept."
    )
    metadata = {
        "cpu": f"{link_base}/ipfs/{cpu}",
        "nvidia": f"{link_base}/ipfs/{nvidia}",
        "amd": "",
        "name": f"Sandbox · {source.title}",
        "description": (
            f"{DESCRIPTION_NOTE} Pipeline {source.pipeline} as {source.model} would answer it."
            + delivery_note
        ),
        "logoUrl": f"{link_base}/ipfs/{store.pin(LOGO_SVG.encode(), 'image/svg+xml')}",
    }
    return f"{link_base}/ipfs/{store.pin_json(metadata)}"
