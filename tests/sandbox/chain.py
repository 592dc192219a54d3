"""A deployed Sandbox protocol on a test chain, driven with locally signed transactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_abi import decode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import TxReceipt

from ogpu_desktop.chain.abis import load_abi
from ogpu_desktop.sandbox.deploy import contract, deploy_protocol, publish_source
from ogpu_desktop.sandbox.deployment import Deployment
from tests.helpers.raw_send import send_signed

ETHER = 10**18
MANUAL_CONFIRMATION = 0
FIRST_RESPONSE = 1
MIN_PAYMENT = 10**15
MAX_EXPIRY = 3600
_ERROR_STRING = bytes.fromhex("08c379a0")


@dataclass(frozen=True)
class Event:
    """A log decoded with the official ABI of the contract that emitted it."""

    emitter: str  # "nexus", "vault", "controller", "terminal" or "other"
    name: str
    args: dict[str, Any]


def event_signature(entry: dict[str, Any]) -> str:
    """Return ``Name(type,...)`` with tuples expanded, as hashed for topic0 and selectors."""
    return f"{entry['name']}({','.join(canonical_type(i) for i in entry['inputs'])})"


def canonical_type(param: dict[str, Any]) -> str:
    """Return the canonical ABI type of a parameter, tuples written out as ``(a,b,...)``."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in param["components"])
        return f"({inner}){kind[len('tuple'):]}"
    return kind


class SandboxChain:
    """The Sandbox protocol deployed on one chain, with two sources to publish tasks to.

    Args:
        name: Label of the chain ("py-evm" or "anvil").
        w3: A synchronous Web3 whose ``eth.accounts[0]`` is unlocked and funded.
        advance_clock: Moves the chain's clock forward by a number of seconds and mines.
    """

    ClockMover = Callable[[int], None]

    def __init__(self, name: str, w3: Web3, advance_clock: ClockMover) -> None:
        self.name = name
        self.w3 = w3
        self._advance_clock = advance_clock
        self.bank = w3.eth.accounts[0]
        self.deployment: Deployment = deploy_protocol(w3, self.bank)
        self.nexus = contract(w3, "Nexus", self.deployment.nexus)
        self.controller = contract(w3, "Controller", self.deployment.controller)
        self.vault = contract(w3, "Vault", self.deployment.vault)
        self.terminal = contract(w3, "Terminal", self.deployment.terminal)
        self.source_owner = self.new_account()
        self.sources = {
            method: publish_source(
                w3,
                self.deployment,
                self.bank,
                metadata_url=f"https://pins.example/source-{method}.json",
                min_payment=MIN_PAYMENT,
                max_expiry_duration=MAX_EXPIRY,
                delivery_method=method,
            )
            for method in (MANUAL_CONFIRMATION, FIRST_RESPONSE)
        }
        self._emitters = {
            self.deployment.nexus: ("nexus", "Nexus"),
            self.deployment.vault: ("vault", "Vault"),
            self.deployment.controller: ("controller", "Controller"),
            self.deployment.terminal: ("terminal", "Terminal"),
        }
        self._official = {
            name: w3.eth.contract(abi=load_abi(name, "mainnet"))
            for name in ("Nexus", "Vault", "Controller", "Terminal")
        }

    # ----- accounts and clock ---------------------------------------------------------------

    def new_account(self, ether: int = 10) -> LocalAccount:
        """Return a fresh local key funded with ``ether`` native tokens by the node's bank."""
        account: LocalAccount = Account.create()
        tx_hash = self.w3.eth.send_transaction(
            {"from": self.bank, "to": account.address, "value": ether * ETHER}
        )
        self.w3.eth.wait_for_transaction_receipt(tx_hash)
        return account

    def now(self) -> int:
        """Return the latest block's timestamp."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def advance(self, seconds: int) -> None:
        """Move the chain's clock ``seconds`` forward (a block is mined)."""
        self._advance_clock(seconds)

    # ----- transactions ---------------------------------------------------------------------

    def send(self, account: LocalAccount, call: ContractFunction, value: int = 0) -> TxReceipt:
        """Sign ``call`` locally with ``account``'s key, send it raw and return the receipt."""
        receipt = send_signed(self.w3, account, call, value)
        assert receipt["status"] == 1, f"{call.fn_name} reverted on {self.name}"
        return receipt

    def revert_reason(
        self, account: LocalAccount | str, call: ContractFunction, value: int = 0
    ) -> str:
        """Return the revert reason of ``call`` from ``account``; fail when it succeeds."""
        sender = account if isinstance(account, str) else account.address
        try:
            call.call({"from": sender, "value": value})
        except ContractLogicError as exc:
            return _reason_from_data(exc.data)
        raise AssertionError(f"{call.fn_name} did not revert on {self.name}")

    def events(self, receipt: TxReceipt) -> list[Event]:
        """Decode every log of ``receipt`` with the official ABI of the emitting contract."""
        decoded = []
        for log in receipt["logs"]:
            emitter, abi_name = self._emitters.get(log["address"], ("other", ""))
            if not abi_name:
                decoded.append(Event("other", log["topics"][0].hex(), {}))
                continue
            official = self._official[abi_name]
            entry = _event_by_topic(official, bytes(log["topics"][0]))
            data = official.events[entry["name"]]().process_log(log)
            decoded.append(Event(emitter, entry["name"], dict(data["args"])))
        return decoded

    # ----- protocol shortcuts ---------------------------------------------------------------

    def task(self, address: str) -> Contract:
        """Return the Task at ``address``."""
        return contract(self.w3, "Task", address)

    def response(self, address: str) -> Contract:
        """Return the Response at ``address``."""
        return contract(self.w3, "Response", address)

    def source(self, address: str) -> Contract:
        """Return the Source at ``address``."""
        return contract(self.w3, "Source", address)

    def balances(self, account: str) -> tuple[int, int]:
        """Return ``(Vault.balanceOf, Vault.frozenPayment)`` of ``account``."""
        return (
            self.vault.functions.balanceOf(account).call(),
            self.vault.functions.frozenPayment(account).call(),
        )

    def deposit(self, account: LocalAccount, amount: int) -> TxReceipt:
        """Deposit ``amount`` wei into ``account``'s own vault balance."""
        return self.send(account, self.vault.functions.deposit(account.address), value=amount)

    def task_params(
        self, delivery: int, *, payment: int = MIN_PAYMENT, lifetime: int = 600
    ) -> tuple[str, str, int, int]:
        """Return a TaskParams tuple for the source with ``delivery``, expiring in ``lifetime``."""
        config = "https://pins.example/ipfs/QmTaskConfig"
        return (self.sources[delivery], config, self.now() + lifetime, payment)

    def publish(
        self,
        client: LocalAccount,
        delivery: int,
        *,
        payment: int = MIN_PAYMENT,
        lifetime: int = 600,
    ) -> tuple[str, TxReceipt]:
        """Publish a task from ``client`` (its vault balance must cover it); return its address."""
        params = self.task_params(delivery, payment=payment, lifetime=lifetime)
        receipt = self.send(client, self.controller.functions.publishTask(params))
        published = [e for e in self.events(receipt) if e.name == "TaskPublished"]
        assert len(published) == 1
        return str(published[0].args["task"]), receipt

    def attempt(self, provider: LocalAccount, task: str, suggested: int = 0) -> TxReceipt:
        """Attempt ``task`` as ``provider``."""
        call = self.nexus.functions.attempt(task, provider.address, suggested)
        return self.send(provider, call)

    def respond(self, provider: LocalAccount, task: str, data: str) -> tuple[str, TxReceipt]:
        """Submit ``data`` as ``provider``'s response to ``task``; return the response address."""
        call = self.nexus.functions.submitResponse((task, provider.address, data, 0))
        receipt = self.send(provider, call)
        submitted = [e for e in self.events(receipt) if e.name == "ResponseSubmitted"]
        assert len(submitted) == 1
        return str(submitted[0].args["response"]), receipt


def _event_by_topic(official: Contract, topic0: bytes) -> dict[str, Any]:
    for entry in official.abi:
        if entry["type"] == "event" and keccak(text=event_signature(dict(entry))) == topic0:
            return dict(entry)
    raise AssertionError(f"log topic {topic0.hex()} is not an event of the official ABI")


def _reason_from_data(data: Any) -> str:
    raw = bytes.fromhex(str(data).removeprefix("0x")) if isinstance(data, str) else bytes(data)
    assert raw[:4] == _ERROR_STRING, f"revert data is not Error(string): {raw.hex()}"
    (reason,) = decode(["string"], raw[4:])
    return str(reason)
