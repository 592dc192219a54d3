"""On a first run the pre-selected Sandbox starts while the user is still choosing."""

import asyncio

import pytest

from ogpu_desktop.services.sandbox_process import SandboxProcess
from ogpu_desktop.ui.controller.app_controller import _take_warm_up


@pytest.mark.asyncio
async def test_the_sandbox_started_during_the_choice_is_used_or_stopped() -> None:
    kept = asyncio.ensure_future(SandboxProcess.start())
    unwanted = asyncio.ensure_future(SandboxProcess.start())

    used = await _take_warm_up(kept, wanted=True)
    assert used is not None
    assert used.running
    assert used.info.rpc_url.startswith("http://127.0.0.1:")

    assert await _take_warm_up(unwanted, wanted=False) is None
    dropped = await unwanted
    for _ in range(300):  # the unwanted Sandbox is stopped in the background
        if not dropped.running:
            break
        await asyncio.sleep(0.1)
    assert not dropped.running
    await used.stop()
    assert not used.running


@pytest.mark.asyncio
async def test_no_first_run_means_nothing_was_started() -> None:
    assert await _take_warm_up(None, wanted=True) is None
