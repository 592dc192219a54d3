"""The Tasks page's pending transactions: a publish the network never confirmed, followed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pytestqt.qtbot import QtBot

from ogpu_desktop.chain.nexus_events import TOPICS, NexusEvent
from ogpu_desktop.services.pending import TxStage
from ogpu_desktop.ui.tasks.task_toolbar import PUBLISH_AGAIN_TIP, PUBLISH_PENDING_TIP
from ogpu_desktop.ui.tasks.tasks_page import TasksPage
from tests.chain.rpc_proxy import RpcProxy
from tests.gui.task_helpers import TaskEnv, open_env, shown_tasks_page, wait_for
from tests.helpers.sandbox import sandbox_info

__all__ = ["sandbox_info"]


@pytest.fixture
def page(qtbot: QtBot) -> Iterator[TasksPage]:
    with shown_tasks_page(notifications=False, width=1300, height=900) as shown:
        yield shown


@pytest.fixture
def proxy(sandbox_info: dict[str, Any]) -> Iterator[RpcProxy]:
    running = RpcProxy(sandbox_info["rpc_url"]).start()
    yield running
    running.stop()


@pytest_asyncio.fixture
async def proxied_env(
    sandbox_info: dict[str, Any], proxy: RpcProxy, tmp_path: Path
) -> AsyncIterator[TaskEnv]:
    """Services whose JSON-RPC goes through the fault-injecting proxy."""
    opened = await open_env(sandbox_info, tmp_path / "env", rpc_url=proxy.url)
    opened.follow()
    try:
        yield opened
    finally:
        await opened.close()


def published_in(info: dict[str, Any], tx_hashes: set[str]) -> int:
    """How many TaskPublished events the Nexus emitted in the transactions ``tx_hashes``."""
    answer = httpx.post(info["rpc_url"], timeout=30, json={
        "jsonrpc": "2.0", "id": 1, "method": "eth_getLogs",
        "params": [{"address": info["contracts"]["nexus"], "fromBlock": "0x0",
                    "toBlock": "latest", "topics": [TOPICS[NexusEvent.TASK_PUBLISHED]]}],
    }).json()
    return sum(1 for log in answer["result"] if log["transactionHash"].lower() in tx_hashes)


@pytest.mark.asyncio
async def test_an_unconfirmed_publish_is_listed_blocks_publish_again_and_is_sent_unchanged(
    page: TasksPage, proxied_env: TaskEnv, proxy: RpcProxy, sandbox_info: dict[str, Any]
) -> None:
    env = proxied_env
    page.attach(env.services)
    (first,) = await env.publish("translation", values={"text": "Keep me once"})
    await wait_for(lambda: page.model.position_of(first) is not None, "the task in the list")
    pending = page.pending
    assert pending.summary.text().startswith("No transaction is waiting")

    # The same task again; the network never confirms receiving the send.
    services = env.services
    signer = services.active_signer()
    record = env.store.tasks.get_task(services.session.chain_id, first)
    assert record is not None
    preview = await services.publish.preview(
        [json.loads(record.config_json)], source=record.source,
        payment_wei=record.payment_wei, duration_s=600, sender=signer.address,
        task_type="translation",
    )
    proxy.fail_methods = {"eth_sendRawTransaction"}
    outcome = await services.publish.execute(preview, signer)
    proxy.fail_methods = set()
    (unsure,) = outcome.tasks
    assert unsure.state == "pending"
    assert "pending transactions on the Tasks page" in unsure.message
    pending.refresh()
    assert [e.stage for e in pending.entries][:1] == [TxStage.SIGNING]
    assert pending.summary.text().startswith("1 transaction is waiting to be mined")
    assert pending.table.topLevelItem(0).text(0) == "Signed, not yet sent"

    # Publish again is unavailable for that task while its publish is pending.
    assert page.select_task(first)
    assert not page.clone_action.isEnabled()
    assert page.clone_action.toolTip() == PUBLISH_PENDING_TIP

    # The safe actions on the send: send the same bytes again, check.
    assert pending.select(unsure.tx_hash or "")
    assert pending.resend_button.isEnabled()
    assert not pending.publish_again_button.isEnabled()
    assert "send it again unchanged" in pending.detail.text()
    await pending.resend_selected()
    await pending.check_now()
    await wait_for(lambda: pending.entries[0].stage is TxStage.MINED, "the send to be mined")
    second = pending.entries[0].task
    assert second is not None
    assert second != first
    await wait_for(lambda: page.model.position_of(second) is not None, "the second task")
    assert pending.summary.text().startswith("No transaction is waiting")
    assert not pending.resend_button.isEnabled()
    assert page.select_task(first)
    assert page.clone_action.isEnabled()
    assert page.clone_action.toolTip() == PUBLISH_AGAIN_TIP
    # Each publish made one task: the re-sent bytes did not make a third.
    hashes = {e.tx_hash.lower() for e in pending.entries if e.kind == "publish"}
    assert len(hashes) == 2
    assert published_in(sandbox_info, hashes) == 2
    # Stop polling while the loop still runs (see _finished in task_helpers).
    page.attach(None)
    env.stop.set()
    if env.runner is not None:
        await env.runner
