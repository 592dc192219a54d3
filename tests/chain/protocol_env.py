"""The OGPU-compatible Sandbox contracts deployed on anvil, with sources and a scripted provider.

Test fixtures only: the chain client itself never imports the sandbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from web3 import HTTPProvider, Web3
from web3.logs import DISCARD

from ogpu_desktop.chain.networks import ContractAddresses, Network, NetworkKind
from ogpu_desktop.sandbox.deploy import contract, deploy_protocol, publish_source
from ogpu_desktop.sandbox.deployment import Deployment
from tests.chain.anvil_node import AnvilNode
from tests.chain.ipfs_server import IpfsServer

MIN_PAYMENT = 10**15
MAX_EXPIRY = 3600
MANUAL, FIRST_RESPONSE = 0, 1


def compose_text(task: str, model: str) -> str:
    args = json.dumps({"task": task, "model": model})
    return (
        "services:\n  hfr-service:\n    image: opengpunetwork/hfr-client:latest\n"
        "    environment:\n      - CALLBACK_URL=${CALLBACK_URL}\n"
        f"      - 'PIPE_ARGS_STR={args}'\n"
    )


@dataclass
class ProtocolEnv:
    """A deployed protocol, its sources, an IPFS server, and a provider account."""

    anvil: AnvilNode
    ipfs: IpfsServer
    deployment: Deployment
    manual_source: str
    first_response_source: str
    provider: str
    w3: Web3

    def network(self, rpc_url: str | None = None) -> Network:
        return Network(
            kind=NetworkKind.CUSTOM,
            name="anvil + sandbox contracts",
            chain_id=self.anvil.chain_id,
            rpc_url=rpc_url or self.anvil.url,
            contracts=ContractAddresses.parse(self.deployment.as_dict()),
            symbol="ETH",
            pinning_url=self.ipfs.pinning_url,
            gateways=(),
        )

    def _nexus(self) -> Any:
        return contract(self.w3, "Nexus", self.deployment.nexus)

    def attempt(self, task: str, suggested: int = MIN_PAYMENT) -> None:
        fn = self._nexus().functions.attempt(task, self.provider, suggested)
        self._send(fn)

    def respond(self, task: str, data: str, payment: int = MIN_PAYMENT) -> str:
        nexus = self._nexus()
        receipt = self._send(nexus.functions.submitResponse((task, self.provider, data, payment)))
        for event in nexus.events.ResponseSubmitted().process_receipt(receipt, errors=DISCARD):
            return str(event["args"]["response"])
        raise AssertionError("no ResponseSubmitted")

    def _send(self, fn: Any) -> Any:
        tx_hash = fn.transact({"from": self.provider})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        assert receipt["status"] == 1
        return receipt


def deploy_env(anvil: AnvilNode, ipfs: IpfsServer) -> ProtocolEnv:
    w3 = Web3(HTTPProvider(anvil.url))
    accounts = w3.eth.accounts
    deployment = deploy_protocol(w3, accounts[0])
    sources = []
    for delivery, task, model in (
        (MANUAL, "text-classification", "distilbert/distilbert-base-uncased-finetuned-sst-2"),
        (FIRST_RESPONSE, "text-generation", "openai-community/gpt2"),
    ):
        compose = ipfs.link(compose_text(task, model).encode())
        metadata = {
            "cpu": compose, "nvidia": "", "amd": "", "name": f"Test {task}",
            "description": "test source", "logoUrl": "",
        }
        sources.append(
            publish_source(
                w3, deployment, accounts[1], metadata_url=ipfs.link(json.dumps(metadata).encode()),
                min_payment=MIN_PAYMENT, max_expiry_duration=MAX_EXPIRY, delivery_method=delivery,
            )
        )
    return ProtocolEnv(anvil, ipfs, deployment, sources[0], sources[1], accounts[2], w3)
