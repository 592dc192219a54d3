"""``--self-test``: publish one task of every type on a fresh Sandbox and read every result."""

from __future__ import annotations

import asyncio
import io
import logging
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from ogpu_desktop.domain.catalogue import CATALOGUE, CUSTOM, TEXT_CLASSIFICATION
from ogpu_desktop.domain.images import encode_image_bytes
from ogpu_desktop.domain.payload import build_task_configs
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.actions import TASK_STATUS_NAMES
from ogpu_desktop.services.connection import Connection, NetworkChoice
from ogpu_desktop.services.sandbox_funding import ready_sandbox_account
from ogpu_desktop.store import Store
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.key_store import SessionKeyStore

log = logging.getLogger(__name__)

SELF_TEST_TIMEOUT_S = 300.0
FINALIZED = 5
PAYMENT_WEI = 10**15
DURATION_S = 600


class SelfTestError(UserFacingError):
    """The self-test failed; the message says at which step and why."""


@dataclass(frozen=True)
class SelfTestLine:
    """The outcome of one task."""

    task_type: str
    task: str
    status: str
    result_kind: str

    def text(self) -> str:
        """The line printed for it."""
        return f"{self.task_type} {self.task} {self.status} {self.result_kind}"


def test_picture() -> bytes:
    """A small generated PNG picture (a gradient with a disc), as a user's image would be."""
    image = Image.new("RGB", (320, 240))
    draw = ImageDraw.Draw(image)
    for x in range(320):
        draw.line([(x, 0), (x, 239)], fill=(x * 255 // 319, 120, 255 - x * 255 // 319))
    draw.ellipse([110, 70, 210, 170], fill=(250, 220, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def form_values(image_url: str) -> Mapping[str, Mapping[str, object]]:
    """What a user would type into each form of the catalogue."""
    return {
        "text-classification": {"text": "I love this product! It's amazing."},
        "image-classification": {"image": image_url},
        "text-generation": {"prompt": "Once upon a time"},
        "visual-question-answering": {"question": "What is in this image?", "image": image_url},
        "translation": {"text": "Hello, how are you?"},
        "summarization": {"text": "The quick brown fox jumps over the lazy dog. " * 12},
        CUSTOM: {"input": "A custom task sent as plain text."},
    }


async def run_self_test(
    data_dir: Path | None, out: Callable[[str], None], *, timeout: float = SELF_TEST_TIMEOUT_S
) -> list[SelfTestLine]:
    """Run the whole self-test; print one line per task through ``out``.

    Raises:
        SelfTestError: Any step failed or the global timeout passed.
    """
    with tempfile.TemporaryDirectory(prefix="ogpu-self-test-") as scratch:
        folder = data_dir if data_dir is not None else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return await asyncio.wait_for(_run(folder, out), timeout)
        except TimeoutError as exc:
            raise SelfTestError(f"the self-test did not finish within {timeout:.0f} s") from exc


async def _run(folder: Path, out: Callable[[str], None]) -> list[SelfTestLine]:
    store = Store(folder / "self-test.sqlite3")
    wallet = Wallet(folder / "self-test-wallet.json", keychain=SessionKeyStore())
    connection: Connection | None = None
    try:
        connection = await Connection.open(NetworkChoice("sandbox"), store, wallet,
                                           on_progress=lambda m: log.info("%s", m))
        account = wallet.create_account("Self-test", session_only=True).account
        wallet.set_active(account.address)
        faucet = connection.faucet_url
        assert faucet is not None
        values = form_values(encode_image_bytes(test_picture()).data_url)
        await ready_sandbox_account(connection.services, faucet,
                                    vault_wei=PAYMENT_WEI * len(values))
        published = {key: await _publish(connection, key, values[key]) for key in CATALOGUE}
        await _wait_finalized(connection, set(published.values()))
        lines = []
        for key, task in published.items():
            line = await _result_line(connection, key, task)
            out(line.text())
            lines.append(line)
        return lines
    finally:
        if connection is not None:
            await connection.close()
        store.close()


async def _publish(connection: Connection, key: str, values: Mapping[str, object]) -> str:
    info = connection.sandbox_info
    assert info is not None
    pipeline = TEXT_CLASSIFICATION if key == CUSTOM else key
    source = info.demo_source(pipeline)
    if source is None:
        raise SelfTestError(f"the Sandbox has no demo source for {pipeline}")
    payloads = build_task_configs(key, values, source_pipeline=pipeline)
    services = connection.services
    signer = services.active_signer()
    preview = await services.publish.preview(
        payloads.configs, source=source.address, payment_wei=PAYMENT_WEI,
        duration_s=DURATION_S, sender=signer.address, task_type=key,
    )
    if not preview.can_publish:
        raise SelfTestError(f"{key}: the preview found problems: {'; '.join(preview.problems)}")
    outcome = await services.publish.execute(preview, signer)
    done = outcome.published
    if not outcome.all_published or not done or done[0].task is None:
        reasons = "; ".join(t.message for t in outcome.tasks if t.message)
        raise SelfTestError(f"{key}: publishing failed: {reasons or 'no task was created'}")
    return done[0].task


async def _wait_finalized(connection: Connection, tasks: set[str]) -> None:
    store, chain_id = connection.session.store, connection.session.chain_id
    while True:
        await connection.poll_now()
        waiting = [
            t for t in tasks
            if (record := store.tasks.get_task(chain_id, t)) is None
            or record.status != FINALIZED
        ]
        if not waiting:
            return
        stuck = [
            t for t in waiting
            if (r := store.tasks.get_task(chain_id, t)) is not None and r.status in (3, 4)
        ]
        if stuck:
            raise SelfTestError(f"task {stuck[0]} ended without a result")
        await asyncio.sleep(0.3)


async def _result_line(connection: Connection, key: str, task: str) -> SelfTestLine:
    store, chain_id = connection.session.store, connection.session.chain_id
    record = store.tasks.get_task(chain_id, task)
    responses = store.tasks.responses_of(chain_id, task)
    if record is None or not responses:
        raise SelfTestError(f"{key}: task {task} has no response recorded")
    started = time.monotonic()
    fetched = await connection.services.results.fetch(responses[0].address)
    log.info("fetched %s in %.2f s", responses[0].address, time.monotonic() - started)
    return SelfTestLine(key, task, TASK_STATUS_NAMES.get(record.status, str(record.status)).upper(),
                        str(fetched.view.kind))
