"""A client of a running Sandbox over HTTP, signing its transactions locally like the app does."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import requests
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.logs import DISCARD
from web3.types import TxReceipt

from ogpu_desktop.chain.abis import load_abi
from tests.helpers.raw_send import send_signed

ETHER = 10**18
STATUS = {"NEW": 0, "ATTEMPTED": 1, "RESPONDED": 2, "CANCELED": 3, "EXPIRED": 4, "FINALIZED": 5}
RESPONSE_SUBMITTED = "0xf6a0b941311aeaa4102f64c379955a62cca24a7cb0cf54e6203ca75075588554"
WAIT_S = 60.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    """Poll ``condition`` until true; fail the test with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.05)


class SandboxClient:
    """The Sandbox seen from outside: its ``/info``, web3 over HTTP and a funded local account."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.http = httpx.Client(timeout=30)
        self._session = requests.Session()
        provider = Web3.HTTPProvider(
            info["rpc_url"], request_kwargs={"timeout": 30}, session=self._session
        )
        self.w3 = Web3(provider)
        contracts = info["contracts"]
        self.nexus = self.official("Nexus", contracts["nexus"])
        self.controller = self.official("Controller", contracts["controller"])
        self.vault = self.official("Vault", contracts["vault"])
        self.account = self.new_account()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()
        self._session.close()

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def official(self, name: Any, address: str) -> Contract:
        """Return contract ``name`` at ``address`` bound with the official OGPU ABI."""
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=load_abi(name))

    def new_account(self, ether: int = 10) -> LocalAccount:
        """Create a local account and fund it through the faucet."""
        account: LocalAccount = Account.create()
        answer = self.http.post(
            self.info["faucet_url"], json={"address": account.address, "amount_wei": ether * ETHER}
        )
        assert answer.status_code == 200, answer.text
        self.w3.eth.wait_for_transaction_receipt(answer.json()["tx_hash"])
        return account

    def send(
        self, call: ContractFunction, value: int = 0, account: LocalAccount | None = None
    ) -> TxReceipt:
        """Build, sign locally, send and wait for ``call``; the receipt must show success."""
        receipt = send_signed(self.w3, account or self.account, call, value)
        assert receipt["status"] == 1
        return receipt

    def source(self, pipeline: str, delivery: str = "FIRST_RESPONSE") -> str:
        """Return the address of the demo source running ``pipeline`` with ``delivery``."""
        for source in self.info["sources"]:
            if source["pipeline"] == pipeline and source["delivery"] == delivery:
                return str(source["address"])
        raise AssertionError(f"No {delivery} source for {pipeline}")

    def pin_json(self, value: object) -> str:
        """Pin ``value`` as the app does and return the link."""
        body = json.dumps(value).encode()
        answer = self.http.post(
            self.info["pinning_url"],
            files={"file": ("taskConfig.json", body, "application/json")},
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["link"])

    def publish(self, source: str, data: dict[str, Any], payment: int = 10**15) -> str:
        """Deposit ``payment``, publish an inference task on ``source``; return the task address."""
        self.send(self.vault.functions.deposit(self.account.address), value=payment)
        config = self.pin_json({"function_name": "inference", "data": data})
        expiry = self.w3.eth.get_block("latest")["timestamp"] + 3600
        receipt = self.send(
            self.controller.functions.publishTask((source, config, expiry, payment))
        )
        events = self.nexus.events.TaskPublished().process_receipt(receipt, errors=DISCARD)
        assert len(events) == 1
        assert events[0]["address"] == self.nexus.address
        return str(events[0]["args"]["task"])

    def status(self, task: str) -> int:
        """Return the task's on-chain status."""
        return int(self.official("Task", task).functions.getStatus().call())

    def wait_status(self, task: str, status: str) -> None:
        """Wait until ``task`` reaches ``status``."""
        wait_until(lambda: self.status(task) == STATUS[status], f"task {task} to be {status}")

    def responses(self, task: str) -> list[str]:
        """Return the response addresses submitted for ``task`` (from the Nexus's events)."""
        found = []
        for log in self.w3.eth.get_logs({
            "address": self.nexus.address, "topics": [RESPONSE_SUBMITTED], "fromBlock": 0,
        }):
            event = self.nexus.events.ResponseSubmitted().process_log(log)
            if event["args"]["task"] == task:
                found.append(str(event["args"]["response"]))
        return found

    def result(self, response: str) -> Any:
        """Fetch and parse the pinned JSON a response's data links to."""
        params = self.official("Response", response).functions.getResponseParams().call()
        link = params[2]
        assert link.startswith(self.info["rpc_url"] + "/ipfs/")
        answer = self.http.get(link)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        return answer.json()
