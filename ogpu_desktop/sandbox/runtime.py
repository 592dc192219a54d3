"""Starting and stopping a whole Sandbox: node, contracts, sources, server, faucet, provider."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ogpu_desktop.sandbox.demo_sources import (
    DELIVERY_CODES,
    DEMO_SOURCES,
    ENV_CPU,
    ENV_NVIDIA,
    MAX_EXPIRY_DURATION_S,
    MIN_PAYMENT_WEI,
    DemoSource,
    pin_metadata,
)
from ogpu_desktop.sandbox.deployment import Deployment
from ogpu_desktop.sandbox.engines import Engine, select_engine
from ogpu_desktop.sandbox.node import DEFAULT_CHAIN_ID, SandboxNode
from ogpu_desktop.sandbox.node_setup import deploy_on_node, publish_source_on_node
from ogpu_desktop.sandbox.pinning import PinStore
from ogpu_desktop.sandbox.server import Faucet, SandboxHttpServer

if TYPE_CHECKING:
    from ogpu_desktop.sandbox.provider import SandboxProvider

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class SandboxOptions:
    """The knobs of a Sandbox run (see ``ogpu-desktop sandbox --help``)."""

    port: int = 0
    chain_id: int = DEFAULT_CHAIN_ID
    answer_delay: float = 0.0
    never_answer: bool = False
    providers: int = 1
    engine: str = "builtin"


class Sandbox:
    """A running Sandbox in this process.

    Node account 0 deploys the contracts and owns the demo sources, account 1 pays the faucet,
    and accounts 2 onwards are the provider's.
    """

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.options = options or SandboxOptions()
        if self.options.providers < 1:
            raise ValueError("The Sandbox needs at least one provider account")
        self.node = SandboxNode(self.options.chain_id, accounts=max(10, self.options.providers + 2))
        self.store = PinStore()
        self.server = SandboxHttpServer(self.node, self.store, self.options.port)
        self.run_id = secrets.token_hex(16)
        self.notices: list[str] = []
        self.deployment: Deployment | None = None
        self._provider: SandboxProvider | None = None
        self._provider_start: threading.Thread | None = None
        self._info: dict[str, Any] | None = None
        self._stopped = threading.Event()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self.server.base_url

    @property
    def provider(self) -> SandboxProvider | None:
        """The provider answering tasks, once it runs (waits for it while it is starting)."""
        if self._provider_start is not None:
            self._provider_start.join()
        return self._provider

    @property
    def info(self) -> dict[str, Any]:
        """The ``/info`` document (available once :meth:`start` returned)."""
        if self._info is None:
            raise RuntimeError("The Sandbox has not started yet")
        return self._info

    def start(
        self, announce: Callable[[dict[str, Any]], None] | None = None
    ) -> dict[str, Any]:
        """Deploy, publish the demo sources, start serving and answering; return ``/info``.

        Args:
            announce: Called with ``/info`` as soon as the server serves, before the provider
                starts (which would otherwise share the processor with announcing it).

        The chain, the contracts and the server are ready when it returns. The provider starts
        on a thread of its own meanwhile: it is built on web3, whose import takes longer than
        all the rest of the set-up, and nothing a client does needs it before a task is
        published. It reads every task published from the end of the set-up on, so a task
        published before it runs is answered all the same, a moment later.
        """
        owner, faucet_account, *provider_accounts = self.node.accounts
        with self.node.setting_up():
            deployment = deploy_on_node(self.node, owner)
            published = self._publish_demo_sources(deployment, owner)
        self.deployment = deployment
        set_up_block = int(str(self.node.request("eth_blockNumber")), 16)
        engine, notice = select_engine(
            self.options.engine, {s.pipeline: s.model for s in DEMO_SOURCES}
        )
        if notice:
            self.notices.append(notice)
        self.server.faucet = Faucet(self.node, faucet_account)
        self._info = {
            "rpc_url": self.base_url,
            "chain_id": self.node.chain_id,
            "contracts": deployment.as_dict(),
            "pinning_url": f"{self.base_url}/file/create",
            "faucet_url": f"{self.base_url}/faucet",
            "sources": [
                {
                    "address": address,
                    "pipeline": source.pipeline,
                    "model": source.model,
                    "delivery": source.delivery,
                }
                for address, source in published.items()
            ],
            "run_id": self.run_id,
            "genesis_hash": self.node.genesis_hash,
            "engine": engine.name,
        }
        self.server.info = lambda: self._info
        self._provider_start = threading.Thread(
            target=self._start_provider,
            args=(deployment, published, engine, provider_accounts, set_up_block),
            name="sandbox-provider-start",
            daemon=True,
        )
        self.server.start()
        if announce is not None:
            announce(self._info)
        self._provider_start.start()
        return self._info

    def _start_provider(
        self,
        deployment: Deployment,
        published: dict[str, DemoSource],
        engine: Engine,
        accounts: list[str],
        from_block: int,
    ) -> None:
        try:
            from ogpu_desktop.sandbox.in_process import in_process_web3  # noqa: PLC0415 - start
            from ogpu_desktop.sandbox.provider import SandboxProvider  # noqa: PLC0415
        except Exception:
            # The chain and the server still serve; only the answers are missing.
            LOG.exception("The Sandbox's provider could not be loaded: tasks get no answer")
            return
        if self._stopped.is_set():
            return
        provider = SandboxProvider(
            in_process_web3(self.node, background=True),
            deployment,
            published,
            store=self.store,
            link_base=self.base_url,
            engine=engine,
            accounts=accounts[: self.options.providers],
            answer_delay=self.options.answer_delay,
            never_answer=self.options.never_answer,
            from_block=from_block,
        )
        provider.start()
        self._provider = provider

    def _publish_demo_sources(
        self, deployment: Deployment, owner: str
    ) -> dict[str, DemoSource]:
        published: dict[str, DemoSource] = {}
        for source in DEMO_SOURCES:
            address = publish_source_on_node(
                self.node,
                deployment,
                owner,
                metadata_url=pin_metadata(self.store, source, self.base_url),
                min_payment=MIN_PAYMENT_WEI,
                max_expiry_duration=MAX_EXPIRY_DURATION_S,
                delivery_method=DELIVERY_CODES[source.delivery],
                environments=ENV_CPU | ENV_NVIDIA,
            )
            published[address] = source
        return published

    def stop(self) -> None:
        """Stop the provider and the server (safe to call more than once)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        provider = self.provider  # waits for a provider still starting
        if provider is not None:
            provider.stop()
        self.server.stop()
