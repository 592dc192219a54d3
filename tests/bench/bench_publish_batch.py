"""Seconds to publish 100 tasks at once on the Sandbox, and where a publish's time goes.

``publish_batch_100_s``: a Sandbox child process (its provider answering every task at once, as
by default), the app's ``PublishService`` publishing one batch of 100 text-classification tasks
from a funded wallet, timed from ``execute`` to its outcome (every task on chain, recorded).
Median of ``--runs`` batches after a one-task warm-up.

``publish_cost_ms``: where that time goes, each part measured on its own in this run:
the Sandbox's work per ``publishTask`` transaction (in-process node: sender recovery, EVM
execution, state-trie commits, sealing the block and indexing its logs), and the app's per task
(signing, pinning over local HTTP, one JSON-RPC round trip). Run from the repository root:
``python tests/bench/bench_publish_batch.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eth.chains.base import MiningChain
from eth.vm.base import VM
from eth.vm.state import BaseState
from eth_account import Account

from ogpu_desktop.chain.ipfs import pin_json
from ogpu_desktop.sandbox.deploy import contract
from ogpu_desktop.sandbox.in_process import in_process_web3
from ogpu_desktop.sandbox.runtime import Sandbox, SandboxOptions
from ogpu_desktop.services.publish import PublishService
from tests.bench._sandbox_session import PAYMENT, BenchSession, bench_session
from tests.helpers.sandbox import running_sandbox

BATCH = 100


def configs(count: int, tag: str) -> list[dict[str, Any]]:
    """``count`` distinct text-classification task configs."""
    return [{"function_name": "inference", "data": {"input": f"{tag} review {i}: lovely"}}
            for i in range(count)]


async def publish(bench: BenchSession, count: int, tag: str) -> tuple[float, dict[str, float]]:
    """Publish ``count`` tasks in one batch; return the seconds ``execute`` took and its timings."""
    service = PublishService(bench.session)
    preview = await service.preview(
        configs(count, tag), source=bench.first_response_source, payment_wei=PAYMENT,
        duration_s=3600, sender=bench.signer.address,
    )
    started = time.perf_counter()
    outcome = await service.execute(preview, bench.signer)
    elapsed = time.perf_counter() - started
    if not outcome.all_published:
        failed = [t.message for t in outcome.tasks if t.state != "published"]
        raise RuntimeError(f"{len(failed)} tasks were not published: {failed[:3]}")
    return elapsed, dict(outcome.timings_ms)


async def app_side(bench: BenchSession) -> dict[str, float]:
    """Per-task app costs measured alone: signing, one pin over HTTP, one JSON-RPC round trip."""
    session, runs = bench.session, 50
    tx = {"to": bench.first_response_source, "data": "0x" + "ab" * 300, "value": 0, "nonce": 0,
          "gas": 1_300_000, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9,
          "chainId": session.chain_id}
    started = time.perf_counter()
    for nonce in range(runs):
        await bench.signer.sign_transaction({**tx, "nonce": nonce})
    sign = (time.perf_counter() - started) / runs
    started = time.perf_counter()
    for text in configs(runs, "pin"):
        await pin_json(session.http, session.network.pinning_url, json.dumps(text))
    pin = (time.perf_counter() - started) / runs
    started = time.perf_counter()
    for _ in range(runs):
        await session.client.request("eth_chainId", [], "Reading the chain ID")
    rpc = (time.perf_counter() - started) / runs
    return {"sign": sign * 1000, "pin_http": pin * 1000, "rpc_round_trip": rpc * 1000}


@contextmanager
def timed(totals: dict[str, float], name: str, owner: Any, attribute: str) -> Iterator[None]:
    """Add the time spent in ``owner.attribute`` (a method) to ``totals[name]`` meanwhile."""
    original: Callable[..., Any] = getattr(owner, attribute)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started

    setattr(owner, attribute, wrapper)
    try:
        yield
    finally:
        setattr(owner, attribute, original)


def sandbox_side(count: int = BATCH) -> dict[str, float]:
    """The Sandbox node's work per ``publishTask``, by part, on an in-process node (ms/task)."""
    sandbox = Sandbox(SandboxOptions(never_answer=True))
    info = sandbox.start()
    try:
        node = sandbox.node
        w3 = in_process_web3(node)
        account = Account.create()
        w3.eth.send_transaction({"from": node.accounts[1], "to": account.address,
                                 "value": 10**21})
        vault = contract(w3, "Vault", info["contracts"]["vault"])
        controller = contract(w3, "Controller", info["contracts"]["controller"])
        nonce = w3.eth.get_transaction_count(account.address)
        fees = {"maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9, "chainId": node.chain_id,
                "from": account.address}
        deposit = vault.functions.deposit(account.address).build_transaction(
            {**fees, "value": PAYMENT * count, "nonce": nonce, "gas": 200_000})
        w3.eth.send_raw_transaction(account.sign_transaction(deposit).raw_transaction)
        source = info["sources"][0]["address"]
        expiry = int(time.time()) + 3600
        raws = []
        for i in range(count):
            call = controller.functions.publishTask(
                (source, f"{sandbox.base_url}/ipfs/bafk{i:056d}", expiry, PAYMENT))
            tx = call.build_transaction({**fees, "nonce": nonce + 1 + i, "gas": 1_400_000})
            raws.append(account.sign_transaction(tx).raw_transaction)
        recover = 0.0
        builder = node._backend.chain.get_vm().get_transaction_builder()
        for raw in raws:
            decoded = builder.decode(bytes(raw))
            started = time.perf_counter()
            _ = decoded.sender
            recover += time.perf_counter() - started
        totals: dict[str, float] = defaultdict(float)
        with (
            timed(totals, "evm_execution", VM, "apply_transaction"),
            timed(totals, "state_trie_commit", BaseState, "persist"),
            timed(totals, "block_seal", MiningChain, "mine_block"),
            timed(totals, "log_index", type(node), "_index_new_blocks"),
        ):
            started = time.perf_counter()
            for raw in raws:
                node.request("eth_sendRawTransaction", "0x" + bytes(raw).hex())
            node.request("evm_mine")  # seals whatever is still pending (nothing, with automine)
            whole = time.perf_counter() - started
        last = "0x" + bytes(w3.keccak(raws[-1])).hex()
        receipt = node.request("eth_getTransactionReceipt", last)
        if not receipt or int(receipt["status"], 16) != 1:
            raise RuntimeError("the last publishTask did not succeed on the in-process node")
        parts = {name: seconds * 1000 / count for name, seconds in totals.items()}
        # Parts overlap where py-evm nests them: evm_execution includes one sender recovery,
        # block_seal includes the block's own state-trie commit, log_index reads the receipt
        # (another sender recovery). whole_send is the node's whole answer to the send.
        parts["sender_recovery"] = recover * 1000 / count
        parts["whole_send"] = whole * 1000 / count
        parts["gas_used"] = float(int(receipt["gasUsed"], 16))
        parts["blocks"] = float(len({
            node.request("eth_getTransactionReceipt",
                         "0x" + bytes(w3.keccak(raw)).hex())["blockNumber"] for raw in raws}))
        return parts
    finally:
        sandbox.stop()


async def measure(info: dict[str, Any], folder: Path, runs: int, provider: str) -> None:
    async with bench_session(info, folder, deposit_tasks=BATCH * runs + 1) as bench:
        await publish(bench, 1, "warm-up")
        results = [await publish(bench, BATCH, f"run {run}") for run in range(runs)]
        app = await app_side(bench)
    seconds = [elapsed for elapsed, _ in results]
    median_run = sorted(results)[len(results) // 2][1]
    print(json.dumps({
        "metric": "publish_batch_100_s", "value": round(statistics.median(seconds), 3),
        "unit": "s", "runs": runs, "statistic": "median", "min": round(min(seconds), 3),
        "max": round(max(seconds), 3), "tasks": BATCH,
        "stages_ms": {k: round(v, 1) for k, v in median_run.items()},
        "node": f"Sandbox process, provider {provider}",
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }), flush=True)
    print(json.dumps({
        "metric": "publish_cost_ms", "value": round(app["sign"] + app["pin_http"], 3),
        "unit": "ms per task", "side": "app",
        "parts": {k: round(v, 3) for k, v in app.items()},
    }), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="batches of 100 to time")
    parser.add_argument(
        "--idle-provider", action="store_true",
        help="start the Sandbox with --never-answer, to see what the provider's work costs",
    )
    options = parser.parse_args()
    args = ("--never-answer",) if options.idle_provider else ()
    provider = "idle (--never-answer)" if options.idle_provider else "answering at once"
    node = sandbox_side()
    print(json.dumps({
        "metric": "publish_cost_ms", "value": round(node["whole_send"], 3),
        "unit": "ms per task", "side": "sandbox node (in process, no HTTP)",
        "parts": {k: round(v, 3) for k, v in node.items()},
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }), flush=True)
    with running_sandbox(*args) as info, tempfile.TemporaryDirectory() as folder:
        asyncio.run(measure(info, Path(folder), options.runs, provider))
    return 0


if __name__ == "__main__":
    sys.exit(main())
