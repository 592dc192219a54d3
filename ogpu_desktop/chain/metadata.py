"""Source metadata (name, description, compose links) and the pipeline named in a compose file."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from ogpu_desktop.chain.errors import FetchError
from ogpu_desktop.chain.fetch_guard import Origin
from ogpu_desktop.chain.ipfs import fetch_document
from ogpu_desktop.domain.bounded_json import loads_bounded

MAX_METADATA_BYTES = 256 * 1024
METADATA_TIMEOUT_S = 10.0
_PIPE_ARGS = re.compile(r"PIPE_ARGS_STR\s*[=:]\s*(.*)")


@dataclass(frozen=True)
class SourceMetadata:
    """What a source says about itself (free text, from strangers: show as plain text)."""

    name: str
    description: str
    logo_url: str
    compose_urls: tuple[str, ...]
    pipeline_task: str | None = None
    pipeline_model: str | None = None


def parse_pipe_args(compose_text: str) -> tuple[str, str | None] | None:
    """Find ``PIPE_ARGS_STR`` in a compose file and return (pipeline task, model).

    Handles the list form (``- 'PIPE_ARGS_STR={...}'``) and the mapping form
    (``PIPE_ARGS_STR: '{...}'``). Returns ``None`` when absent or unreadable.
    """
    for line in compose_text.splitlines():
        match = _PIPE_ARGS.search(line)
        if match is None:
            continue
        value = match.group(1).strip()
        start, end = value.find("{"), value.rfind("}")
        if start < 0 or end < start:
            continue
        candidate = value[start : end + 1]
        for text in (candidate, candidate.replace('\\"', '"'), candidate.replace("''", "'")):
            try:
                parsed = loads_bounded(text)
            except ValueError:
                continue
            task = parsed.get("task") if isinstance(parsed, dict) else None
            if isinstance(task, str) and task.strip():
                model = parsed.get("model")
                return task.strip(), model.strip() if isinstance(model, str) else None
    return None


async def read_metadata(
    http: httpx.AsyncClient,
    url: str,
    *,
    gateways: tuple[str, ...] = (),
    trusted: frozenset[Origin] = frozenset(),
) -> SourceMetadata:
    """Fetch a source's metadata JSON and, where a compose file names it, its pipeline.

    Only public addresses are fetched, and those of ``trusted`` (see :func:`fetch_document`).

    Raises:
        FetchError: When the metadata itself cannot be read. A compose file that cannot be
            read only leaves the pipeline unknown.
    """
    document = await fetch_document(
        http, url, gateways=gateways, max_bytes=MAX_METADATA_BYTES, timeout=METADATA_TIMEOUT_S,
        trusted=trusted,
    )
    data = document.json()
    if not isinstance(data, dict):
        raise FetchError(f"The source description at {url} is not a JSON object.")

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    composes = tuple(text(k) for k in ("cpu", "nvidia", "amd") if text(k))
    task: str | None = None
    model: str | None = None
    for compose_url in composes:
        try:
            compose = await fetch_document(
                http, compose_url, gateways=gateways, max_bytes=MAX_METADATA_BYTES,
                timeout=METADATA_TIMEOUT_S, trusted=trusted,
            )
        except FetchError:
            continue
        found = parse_pipe_args(compose.text)
        if found is not None:
            task, model = found
            break
    return SourceMetadata(
        name=text("name"),
        description=text("description"),
        logo_url=text("logoUrl"),
        compose_urls=composes,
        pipeline_task=task,
        pipeline_model=model,
    )
