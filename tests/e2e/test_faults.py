"""Faults under a running window: the Sandbox restarted or killed, the app killed mid-send.

Each test drives the real window offscreen against real Sandbox processes and checks what the
user sees (rows, statuses, the status bar) against the history database and the chain itself
(``TaskPublished`` events counted with ``eth_getLogs``).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytestqt.qtbot import QtBot

from ogpu_desktop.chain.nexus_events import TOPICS, NexusEvent
from ogpu_desktop.config import AppPaths
from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.services.pending import TxStage
from ogpu_desktop.services.sandbox_keeper import SandboxNote
from ogpu_desktop.services.tracking import TrackerHealth
from ogpu_desktop.store import Store
from tests.chain.rpc_proxy import RpcProxy
from tests.helpers.app_driver import AppDriver, collect_on_this_thread, run_on_qt_loop, wait_until
from tests.helpers.sandbox import (
    START_TIMEOUT_S,
    read_line,
    restartable_sandbox,
    shared_sandbox,
    source_address,
)

FLOW_LIMIT_S = 180.0
SANDBOX_CHAIN_ID = 1337
SANDBOX_BACKOFF_CAP_S = 2.0


@pytest.fixture
def no_gc_in_threads() -> Iterator[None]:
    with collect_on_this_thread():
        yield


def rpc(url: str, method: str, params: list[Any]) -> Any:
    """One JSON-RPC call to the Sandbox, answered or failed."""
    answer = httpx.post(url, timeout=30, json={
        "jsonrpc": "2.0", "id": 1, "method": method, "params": params,
    }).json()
    assert "error" not in answer, answer
    return answer["result"]


def task_published(info: dict[str, Any]) -> list[dict[str, Any]]:
    """Every TaskPublished event the Sandbox's Nexus emitted on its chain."""
    logs: list[dict[str, Any]] = rpc(info["rpc_url"], "eth_getLogs", [{
        "address": info["contracts"]["nexus"], "fromBlock": "0x0", "toBlock": "latest",
        "topics": [TOPICS[NexusEvent.TASK_PUBLISHED]],
    }])
    return logs


def head(info: dict[str, Any]) -> int:
    """The Sandbox's latest block."""
    return int(rpc(info["rpc_url"], "eth_blockNumber", []), 16)


async def publish(driver: AppDriver, task_type: str, values: dict[str, object],
                  info: dict[str, Any]) -> str:
    """Compose, review (depositing what the vault lacks), sign; return the new task."""
    driver.pick_type(task_type)
    driver.fill(values)
    await driver.source_shown(source_address(info, task_type))
    review = await driver.open_review()
    if review.deposit_button.isVisible():
        review.deposit_button.click()  # a transaction of its own: its fee and total, then sign
        await driver.sign_transaction(review)
        await wait_until(review.sign_button.isEnabled, "the deposit before signing")
    (task,) = await driver.sign(review)
    return task


def run_window(options: LaunchOptions, flow: Any) -> None:
    """Open the real window with ``options``, run ``flow(driver)`` on it, close it."""
    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await asyncio.wait_for(flow(driver), FLOW_LIMIT_S)
        finally:
            await driver.close()

    run_on_qt_loop(main())


@pytest.mark.e2e
def test_a_sandbox_restarted_under_the_window_never_mixes_its_runs(
    qtbot: QtBot, tmp_path: Path, no_gc_in_threads: None
) -> None:
    profile = tmp_path / "profile"
    with restartable_sandbox("--providers", "1") as sandbox:
        options = LaunchOptions(data_dir=profile, sandbox_url=sandbox.info["rpc_url"])

        async def flow(driver: AppDriver) -> None:
            await driver.connected()
            window, controller = driver.window, driver.controller
            connection = controller.connection
            assert connection is not None
            health: list[TrackerHealth] = []
            connection.health.subscribe(health.append)
            old = await publish(driver, "text-classification",
                                {"text": "I love this product!"}, sandbox.info)
            await driver.tasks_reach([old], TaskState.FINALIZED, responses=1)
            first_head = head(sandbox.info)

            # The Sandbox dies and a new one starts on its port: a new chain, same chain ID.
            await asyncio.get_running_loop().run_in_executor(None, sandbox.restart)
            await wait_until(lambda: "The Sandbox was restarted" in window.banner.message(),
                             lambda: f"the restart to be told (banner: "
                                     f"{window.banner.message()!r})")
            assert "1 task of the earlier run was set aside" in window.banner.message()
            await driver.connected()
            status = window.status_bar.block_label
            await wait_until(lambda: status.text() == f"Block: {head(sandbox.info)}",
                             lambda: f"the block of the new chain ({status.text()!r})")
            assert head(sandbox.info) < first_head
            # A poll that failed while it was down was retried within the Sandbox's cap.
            failures = [h for h in health if not h.ok]
            assert all((h.retry_in_s or 0) <= SANDBOX_BACKOFF_CAP_S for h in failures), failures

            assert controller.parts is not None
            store = controller.parts.store
            (earlier,) = store.runs.previous_runs(SANDBOX_CHAIN_ID)
            model = window.task_model
            kept = model.position_of_key(f"{old.lower()}@{earlier.archive_key}")
            assert kept is not None
            assert model.position_of(old) is None  # no task of the new run there yet
            before = model.row(kept)
            assert before.previous_run
            assert (before.task_type, before.state, before.responses) == (
                "text-classification", TaskState.FINALIZED, 1)

            # The new chain gives its first task the same address; it gets a row of its own.
            new = await publish(driver, "translation", {"text": "Hello, how are you?"},
                                sandbox.info)
            assert new.lower() == old.lower()
            await driver.tasks_reach([new], TaskState.FINALIZED, responses=1)
            current = model.row(model.position_of(new) or 0)
            assert (current.task_type, current.previous_run) == ("translation", False)
            kept = model.position_of_key(f"{old.lower()}@{earlier.archive_key}")
            assert kept is not None
            assert model.row(kept) == before
            # The history: one row per run, each with its own task and response.
            old_record = store.tasks.get_task(earlier.archive_key, old)
            new_record = store.tasks.get_task(SANDBOX_CHAIN_ID, new)
            assert old_record is not None
            assert new_record is not None
            assert (old_record.pipeline, old_record.status) == ("text-classification", 5)
            assert (new_record.pipeline, new_record.status) == ("translation", 5)
            assert old_record.tx_hash != new_record.tx_hash
            assert len(store.tasks.responses_of(earlier.archive_key, old)) == 1
            assert len(store.tasks.responses_of(SANDBOX_CHAIN_ID, new)) == 1
            # On chain: the first run's one task, then the new run's one task.
            (published,) = task_published(sandbox.info)
            assert published["transactionHash"].lower() == new_record.tx_hash.lower()
            assert [e.tx_hash for e in store.journal.journal_open(SANDBOX_CHAIN_ID)] == []

        run_window(options, flow)
        assert len(sandbox.runs) == 2


@pytest.mark.e2e
def test_a_sandbox_the_app_started_that_dies_is_named_and_restarted(
    qtbot: QtBot, tmp_path: Path, no_gc_in_threads: None
) -> None:
    options = LaunchOptions(data_dir=tmp_path / "profile", network="sandbox")

    async def flow(driver: AppDriver) -> None:
        await driver.connected(limit_s=120)
        window, controller = driver.window, driver.controller
        connection = controller.connection
        assert connection is not None
        sandbox = connection.sandbox
        assert sandbox is not None
        port, first_pid = sandbox.info.rpc_url, sandbox.process.pid
        said: list[tuple[SandboxNote, str]] = []
        label = window.status_bar.connection_label
        connection.sandbox_notes.subscribe(lambda note: said.append((note, label.text())))
        button = window.status_bar.restart_button

        os.kill(first_pid, signal.SIGKILL)
        await wait_until(lambda: connection.sandbox is not None
                         and connection.sandbox.process.pid != first_pid
                         and connection.sandbox.running, "the automatic restart", 60)
        stopped, shown = said[0]
        assert stopped.message.startswith("The Sandbox stopped (it was ended by signal 9).")
        assert not stopped.running
        assert not stopped.can_restart
        assert shown == stopped.message  # the status bar said it in those words
        await wait_until(lambda: "The Sandbox was restarted" in window.banner.message(),
                         "the new chain to be told")
        await driver.connected()
        assert connection.sandbox.info.rpc_url == port  # the same port, so the same address
        assert button.isHidden()

        # Once more: now it waits for the user.
        second_pid = connection.sandbox.process.pid
        os.kill(second_pid, signal.SIGKILL)
        await wait_until(button.isVisible, "the Restart button", 60)
        again, shown = said[-1]
        assert again.message.startswith("The Sandbox stopped again (it was ended by signal 9).")
        assert again.can_restart
        assert shown == again.message
        assert not connection.sandbox.running
        assert "Press “Restart the Sandbox”" in window.banner.message()
        button.click()
        await wait_until(lambda: connection.sandbox is not None and connection.sandbox.running
                         and connection.sandbox.process.pid != second_pid,
                         "the restart the user asked for", 60)
        await driver.connected()
        assert connection.sandbox.info.rpc_url == port  # the same port, so the same address
        assert button.isHidden()
        assert [n.running for n, _ in said][-1]

    run_window(options, flow)


@pytest.mark.e2e
def test_an_app_killed_between_send_and_receipt_shows_its_task_in_the_next_run(
    qtbot: QtBot, tmp_path: Path, no_gc_in_threads: None
) -> None:
    info = shared_sandbox("--providers", "2")
    profile = tmp_path / "profile"
    proxy = RpcProxy(info["rpc_url"]).start()
    child_log = tmp_path / "child.log"
    with child_log.open("wb") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.publish_child", str(profile), proxy.url,
             json.dumps(info)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
        )
    try:
        assert child.stdout is not None
        assert child.stdin is not None
        ready = read_line(child.stdout, child, START_TIMEOUT_S)
        assert ready, child_log.read_text()
        sender = json.loads(ready)["ready"]
        proxy.swallow_methods = {"eth_sendRawTransaction"}
        child.stdin.write(b"go\n")
        child.stdin.flush()
        assert proxy.holding.wait(60), child_log.read_text()
        child.send_signal(signal.SIGKILL)  # the app dies while its send is on the way
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
        proxy.release.set()
        proxy.stop()

    data_dir = AppPaths.for_profile(profile).data_dir
    store = Store.in_folder(data_dir)
    try:
        kinds = {e.kind: e for e in store.journal.journal_all(SANDBOX_CHAIN_ID)}
        assert sorted(kinds) == ["deposit", "publish"]
        entry = kinds["publish"]
        assert (entry.state, entry.sender) == ("signed", sender)
        assert store.tasks.count_tasks(SANDBOX_CHAIN_ID) == 0
    finally:
        store.close()
    sent = entry.tx_hash.lower()
    assert [e for e in task_published(info) if e["transactionHash"].lower() == sent] == []

    async def flow(driver: AppDriver) -> None:
        await driver.connected()
        window = driver.window
        model = window.task_model
        # Sent again unchanged at start, then followed to its receipt in this same run.
        await wait_until(lambda: model.rowCount() == 1, "the recovered task in the list", 60)
        task = model.row(0).address
        await driver.tasks_reach([task], TaskState.FINALIZED, responses=1)
        pending = window.tasks_page.pending

        def publishes() -> list[tuple[str, TxStage, str | None]]:
            return [(e.tx_hash, e.stage, e.task) for e in pending.entries if e.kind == "publish"]

        await wait_until(lambda: publishes() == [(entry.tx_hash, TxStage.MINED, task)],
                         lambda: f"the send listed as mined ({publishes()})")
        shown = [pending.table.topLevelItem(i) for i in range(pending.table.topLevelItemCount())]
        assert [item.text(0) for item in shown if item is not None] == ["Mined", "Mined"]
        assert pending.summary.text().startswith("No transaction is waiting")
        assert window.tasks_page.select_task(task)
        assert window.tasks_page.clone_action.isEnabled()

    run_window(LaunchOptions(data_dir=profile, sandbox_url=info["rpc_url"]), flow)
    store = Store.in_folder(data_dir)
    try:
        (record,) = store.tasks.list_tasks(SANDBOX_CHAIN_ID)
        assert record.tx_hash.lower() == sent
        assert record.pipeline == "text-classification"
        assert record.status == 5
        mined = store.journal.journal_get(entry.tx_hash)
        assert mined is not None
        assert mined.state == "mined"
    finally:
        store.close()
    # Exactly one task on chain for that publish.
    (published,) = [e for e in task_published(info) if e["transactionHash"].lower() == sent]
    assert published["blockNumber"] is not None

