"""The Sandbox's provider: watches the Nexus for tasks on the demo sources and answers them."""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from web3 import Web3
from web3.exceptions import ContractLogicError, Web3Exception

from ogpu_desktop.chain.nexus_events import TOPICS, NexusEvent
from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.sandbox.demo_sources import DemoSource
from ogpu_desktop.sandbox.deploy import contract
from ogpu_desktop.sandbox.deployment import Deployment
from ogpu_desktop.sandbox.engines import Engine, Input, Output, PipelineError
from ogpu_desktop.sandbox.pinning import PinStore

LOG = logging.getLogger(__name__)

TASK_PUBLISHED_TOPIC = TOPICS[NexusEvent.TASK_PUBLISHED]
ATTEMPTED_TOPIC = TOPICS[NexusEvent.ATTEMPTED]
TASK_FINALIZED = 5
_CLOSED_STATUSES = frozenset({3, 4, 5})  # CANCELED, EXPIRED, FINALIZED


class InvalidTaskError(Exception):
    """The task's config is one the HF source would reject (HTTP 422 there): no answer."""


def parse_task_data(config: object) -> tuple[Input, dict[str, Any]]:
    """Validate a task config like the HF source does and return its ``input`` and ``args``."""
    if not isinstance(config, dict):
        raise InvalidTaskError("The task config is not a JSON object")
    if config.get("function_name") != "inference":
        raise InvalidTaskError("function_name must be 'inference'")
    data = config.get("data")
    if not isinstance(data, dict):
        raise InvalidTaskError("data must be an object")
    value = data.get("input")
    if not isinstance(value, str | dict):
        raise InvalidTaskError("input must be a string or an object (a list is rejected)")
    args = data.get("args", {})
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise InvalidTaskError("args must be an object")
    return value, args


def wrap_result(output: Output) -> dict[str, Any]:
    """Wrap a pipeline output as the HF source's callback does."""
    if isinstance(output, dict):
        return {"result": output}
    return {"result": {"output": output}}


@dataclass(order=True)
class _Reply:
    due: float
    task: str = field(compare=False)
    account: str = field(compare=False)
    link: str = field(compare=False)
    payment: int = field(compare=False)


class SandboxProvider:
    """A thread that attempts and answers the tasks published on the Sandbox's demo sources.

    It behaves like an HF-Ready provider on the network: each of its accounts attempts a new task,
    then the task config is fetched from the pinning store and its ``data`` validated as the HF
    source validates it. Anything the real source would refuse or fail on gets no answer at all.
    Otherwise the engine's output is pinned wrapped as the HF source wraps it and each account
    submits the link as its response. It uses a synchronous Web3 bound to the node in this process,
    with node-held accounts that sign through ``eth_sendTransaction``.

    Args:
        w3: Synchronous Web3 bound to the node.
        deployment: The protocol contracts.
        sources: Demo source address (checksum) -> what it runs.
        store: The pinning store (task configs are read from it, results pinned to it).
        link_base: Base URL of the pinning links (``http://127.0.0.1:<port>``).
        engine: What computes the answers.
        accounts: Node accounts acting as providers; each attempts and answers every task.
        answer_delay: Seconds between the attempt and the responses.
        never_answer: Watch but leave every task untouched (it stays NEW).
        poll_interval: Seconds between looks at the chain.
        from_block: The last block whose tasks are not the provider's to answer (default: the
            chain's head now); every task published after it is.
    """

    def __init__(
        self,
        w3: Web3,
        deployment: Deployment,
        sources: Mapping[str, DemoSource],
        *,
        store: PinStore,
        link_base: str,
        engine: Engine,
        accounts: Sequence[str],
        answer_delay: float = 0.0,
        never_answer: bool = False,
        poll_interval: float = 0.1,
        from_block: int | None = None,
    ) -> None:
        self._w3 = w3
        self._nexus = contract(w3, "Nexus", deployment.nexus)
        self._sources = {Web3.to_checksum_address(a): s for a, s in sources.items()}
        self._store = store
        self._link_base = link_base
        self._engine = engine
        self._accounts = [Web3.to_checksum_address(a) for a in accounts]
        self._delay = max(0.0, answer_delay)
        self._never_answer = never_answer
        self._poll = poll_interval
        self._stop = threading.Event()
        self._replies: list[_Reply] = []
        self._cursor = w3.eth.block_number if from_block is None else from_block
        self._thread = threading.Thread(target=self._run, name="sandbox-provider", daemon=True)
        self.answered = 0
        self.seen_tasks: list[str] = []
        """Tasks on demo sources the provider has looked at, in order (read by tests and tools)."""

    @property
    def scanned_block(self) -> int:
        """The last block whose ``TaskPublished`` events the provider has handled."""
        return self._cursor

    @property
    def pending_replies(self) -> int:
        """Responses waiting for their answer delay to pass."""
        return len(self._replies)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for the thread to end."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._scan()
                self._send_due_replies()
            except Web3Exception as exc:
                LOG.warning("The Sandbox provider hit a chain error: %s", exc)
            except Exception:
                LOG.exception("The Sandbox provider hit an unexpected error")
            self._stop.wait(self._poll)

    def _scan(self) -> None:
        head = self._w3.eth.block_number
        if head <= self._cursor:
            return
        logs = self._w3.eth.get_logs({
            "address": self._nexus.address,
            "topics": [TASK_PUBLISHED_TOPIC],
            "fromBlock": self._cursor + 1,
            "toBlock": head,
        })
        for log in logs:
            event = self._nexus.events.TaskPublished().process_log(log)
            source = Web3.to_checksum_address(event["args"]["source"])
            if source in self._sources:
                task = Web3.to_checksum_address(event["args"]["task"])
                try:
                    self._take(task, self._sources[source])
                except Exception:
                    # One task's trouble must not stop the provider from serving the others.
                    LOG.exception("The Sandbox provider could not handle task %s", task)
                self.seen_tasks.append(task)
        self._cursor = head

    def _take(self, task: str, source: DemoSource) -> None:
        if self._never_answer:
            LOG.info("Leaving task %s unanswered (never-answer mode)", task)
            return
        params = contract(self._w3, "Task", task).functions.taskParams().call()
        config_link, payment = str(params[1]), int(params[3])
        attempted = [account for account in self._accounts if self._attempt(task, account, payment)]
        if not attempted:
            return
        try:
            link = self._answer(config_link, source)
        except (InvalidTaskError, PipelineError) as exc:
            LOG.info("Task %s gets no answer: %s", task, exc)
            return
        due = time.monotonic() + self._delay
        for account in attempted:
            heapq.heappush(self._replies, _Reply(due, task, account, link, payment))

    def _attempt(self, task: str, account: str, payment: int) -> bool:
        try:
            tx_hash = self._nexus.functions.attempt(task, account, payment).transact(
                {"from": account}
            )
        except ContractLogicError as exc:
            LOG.info("Attempt on task %s refused: %s", task, exc)
            return False
        receipt = self._w3.eth.wait_for_transaction_receipt(tx_hash)
        # Past its expiry an attempt marks the task EXPIRED instead of emitting Attempted.
        return receipt["status"] == 1 and any(
            log["topics"] and Web3.to_hex(log["topics"][0]) == ATTEMPTED_TOPIC
            for log in receipt["logs"]
        )

    def _answer(self, config_link: str, source: DemoSource) -> str:
        pinned = self._store.get_by_link(config_link)
        if pinned is None:
            raise InvalidTaskError(f"The task config {config_link} is not pinned in this Sandbox")
        try:
            config = loads_bounded(pinned.data)
        except ValueError as exc:
            raise InvalidTaskError("The task config is not JSON") from exc
        value, args = parse_task_data(config)
        output = self._engine.run(source.pipeline, source.model, value, args)
        cid = self._store.pin_json(wrap_result(output))
        return f"{self._link_base}/ipfs/{cid}"

    def _send_due_replies(self) -> None:
        now = time.monotonic()
        while self._replies and self._replies[0].due <= now and not self._stop.is_set():
            reply = heapq.heappop(self._replies)
            task = contract(self._w3, "Task", reply.task)
            if int(task.functions.getStatus().call()) in _CLOSED_STATUSES:
                continue
            try:
                tx_hash = self._nexus.functions.submitResponse(
                    (reply.task, reply.account, reply.link, reply.payment)
                ).transact({"from": reply.account})
            except ContractLogicError as exc:
                LOG.info("Response to task %s refused: %s", reply.task, exc)
                continue
            if self._w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1:
                self.answered += 1
