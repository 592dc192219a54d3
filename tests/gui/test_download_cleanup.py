"""Downloads that stop early end cleanly on the Qt event loop (which has no async-gen hooks)."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ogpu_desktop.chain.errors import FetchError
from ogpu_desktop.chain.fetch_guard import origins
from ogpu_desktop.chain.ipfs import fetch_document
from tests.helpers.web_server import LocalWebServer


@pytest.fixture
def web() -> Iterator[LocalWebServer]:
    server = LocalWebServer(stall_s=5.0)
    yield server
    server.stop()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "timeout", "said"),
    [("/chunked-huge", 30.0, "larger than 5 MB"), ("/stall", 0.5, "did not answer within")],
)
async def test_a_download_stopped_midway_leaves_nothing_to_finalise(
    web: LocalWebServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
    path: str, timeout: float, said: str,
) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient() as http:
        for _ in range(2):
            with pytest.raises(FetchError, match=said):
                await fetch_document(
                    http, f"{web.url}{path}", timeout=timeout, trusted=origins([web.url])
                )
            gc.collect()
    gc.collect()
    assert [str(hook.exc_value) for hook in unraisable] == []
    logged = caplog.text
    assert "GeneratorExit" not in logged
    assert "cancel scope" not in logged
    assert web.hits == [path, path]
