"""Shared steps of the task list tests: real services on a Sandbox, a wallet, and publishing."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.domain.images import encode_image_bytes
from ogpu_desktop.domain.payload import build_task_configs
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import Store
from ogpu_desktop.ui.models.task_table_model import TaskTableModel
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from ogpu_desktop.wallet.accounts import Wallet
from tests.gui.poll_loops import following, stopped
from tests.helpers.images import cornered, to_bytes
from tests.helpers.sandbox import fund, source_address

PAYMENT = 10**15
WAIT_S = 90.0

#: One filled form per task type the Sandbox has a source for.
FORMS: dict[str, dict[str, object]] = {
    "text-classification": {"text": "I love this product!"},
    "text-generation": {"prompt": "Once upon a time"},
    "translation": {"text": "Hello, how are you?"},
    "summarization": {"text": "The quick brown fox jumps over the lazy dog. " * 4},
}


def image_data_url() -> str:
    """A real PNG, encoded as the Compose page does."""
    return encode_image_bytes(to_bytes(cornered(64, 48), "PNG")).data_url


def form_for(task_type: str) -> dict[str, object]:
    """The form values of a task of ``task_type``."""
    if task_type == "image-classification":
        return {"image": image_data_url()}
    if task_type == "visual-question-answering":
        return {"image": image_data_url(), "question": "What colour is the corner?"}
    return dict(FORMS[task_type])


def configs_for(task_type: str, values: Mapping[str, object] | None = None) -> list[dict[str, Any]]:
    """The task configs the Compose page would publish for ``values``."""
    built = build_task_configs(task_type, dict(values or form_for(task_type)))
    return [json.loads(text) for text in built.config_texts]


@dataclass
class TaskEnv:
    """Real services over a Sandbox, with a funded session-only wallet account."""

    info: dict[str, Any]
    store: Store
    services: AppServices
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    runner: asyncio.Task[None] | None = None

    def follow(self) -> None:
        """Run the tracker's poll loop, as the app's wiring does."""
        self.runner = asyncio.ensure_future(self.services.tracking.run(self.stop))
        following(self.stop)

    async def close(self) -> None:
        """Stop the poll loop and close the connection (the store too)."""
        self.stop.set()
        stopped(self.stop)
        try:
            if self.runner is not None:
                await _finished(self.runner)
        finally:
            await self.services.session.close()
            self.store.close()

    async def publish(
        self, task_type: str, *, values: Mapping[str, object] | None = None,
        delivery: str = "FIRST_RESPONSE", duration_s: int = 600,
    ) -> list[str]:
        """Publish ``task_type`` tasks through the services; return their addresses."""
        services = self.services
        signer = services.active_signer()
        preview = await services.publish.preview(
            configs_for(task_type, values),
            source=source_address(self.info, task_type, delivery),
            payment_wei=PAYMENT, duration_s=duration_s, sender=signer.address,
            task_type=task_type,
        )
        assert preview.can_publish, preview.problems
        outcome = await services.publish.execute(preview, signer)
        tasks = [o.task for o in outcome.tasks]
        assert all(o.state == "published" for o in outcome.tasks), outcome
        return [t for t in tasks if t is not None]


async def _finished(runner: asyncio.Task[None]) -> None:
    """Wait for the poll loop to end, re-raising anything it failed with but one harness quirk.

    pytest-qt processes Qt events between a test and its fixtures' teardown, while the qasync
    loop is not running; a poll-loop timer that fires then steps the task outside a running loop
    and it dies with "no running event loop". That says nothing about the tracker, so only that
    error is let through; any other failure of the loop still fails the test.
    """
    try:
        await runner
    except asyncio.CancelledError:
        pass
    except RuntimeError as exc:
        if "no running event loop" not in str(exc):
            raise


async def open_env(
    info: dict[str, Any], folder: Path, *, deposit_wei: int = 10**17, rpc_url: str | None = None
) -> TaskEnv:
    """Connect real services to the Sandbox ``info`` with a fresh store and wallet account.

    Args:
        rpc_url: Reach the Sandbox's JSON-RPC through this address (a proxy) instead.
    """
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(folder / "history.sqlite3")
    network = sandbox_network(info)
    session = await ChainSession.open(network.with_rpc(rpc_url) if rpc_url else network, store)
    wallet = Wallet(folder / "wallet.json")
    account = wallet.create_account("Tests", session_only=True).account
    wallet.set_active(account.address)
    await asyncio.get_running_loop().run_in_executor(None, fund, info, account.address)
    services = AppServices.for_session(session, wallet)
    services.tracking.poll_interval_s = 0.2
    await services.actions.deposit(services.active_signer(), deposit_wei)
    return TaskEnv(info, store, services)


@asynccontextmanager
async def followed_env(info: dict[str, Any], folder: Path) -> AsyncIterator[TaskEnv]:
    """An :func:`open_env` whose tracker runs, closed afterwards."""
    opened = await open_env(info, folder)
    opened.follow()
    try:
        yield opened
    finally:
        await opened.close()


@pytest_asyncio.fixture
async def env(sandbox_info: dict[str, Any], tmp_path: Path) -> AsyncIterator[TaskEnv]:
    """Followed services on the answering Sandbox (``sandbox_info`` must be imported too)."""
    async with followed_env(sandbox_info, tmp_path / "main") as opened:
        yield opened


@pytest_asyncio.fixture
async def silent_env(silent_sandbox_info: dict[str, Any], tmp_path: Path) -> AsyncIterator[TaskEnv]:
    """Followed services on the Sandbox that never answers."""
    async with followed_env(silent_sandbox_info, tmp_path / "silent") as opened:
        yield opened


@contextmanager
def shown_tasks_page(*, notifications: bool, width: int, height: int) -> Iterator[TasksPage]:
    """A shown Tasks page on an empty model; detached and disposed afterwards."""
    shown = TasksPage(TaskTableModel())
    shown.set_notifications_source(lambda: notifications)
    shown.resize(width, height)
    shown.show()
    yield shown
    if shiboken6.isValid(shown):
        shown.attach(None)
    dispose(shown)


async def wait_for(
    condition: Callable[[], bool], what: str | Callable[[], str], timeout: float = WAIT_S
) -> None:
    """Let the Qt loop run until ``condition`` holds; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what() if callable(what) else what}")
        await asyncio.sleep(0.05)



def dispose(*objects: QObject) -> None:
    """Delete Qt objects now, on the Qt thread, then collect garbage.

    Left to the garbage collector, an object Python owns could be destroyed later on whatever
    thread runs the collection (an executor thread of a later test), which crashes Qt.
    """
    for obj in objects:
        if shiboken6.isValid(obj):
            if isinstance(obj, QWidget):
                obj.close()
            shiboken6.delete(obj)
    gc.collect()
