"""Contract access from the official ABIs: contract objects and the calls the app sends."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache

from eth_utils.address import to_checksum_address
from web3 import AsyncWeb3
from web3.contract import AsyncContract

from ogpu_desktop.chain.abis import Abi, AbiNetwork, ContractName, load_abi
from ogpu_desktop.chain.http_provider import HttpxProvider
from ogpu_desktop.chain.networks import Network
from ogpu_desktop.chain.transactions import ContractCall

KEPT_CONTRACTS = 64
"""Contract objects a :class:`Contracts` keeps (the protocol's four and recent tasks)."""


@cache
def _abi(name: ContractName, network: AbiNetwork) -> Abi:
    return load_abi(name, network)


@dataclass(frozen=True)
class Contracts:
    """Contract objects of one network, bound to one AsyncWeb3."""

    network: Network
    w3: AsyncWeb3[HttpxProvider]
    # web3 takes 5-10 ms to make a contract object from its ABI, on the event loop's thread:
    # the last ones made are kept.
    _made: OrderedDict[tuple[str, str], AsyncContract] = field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )

    def _at(self, name: ContractName, address: str) -> AsyncContract:
        key = (name, address.lower())
        made = self._made.get(key)
        if made is None:
            made = self.w3.eth.contract(
                address=to_checksum_address(address), abi=_abi(name, self.network.abi_network)
            )
            self._made[key] = made
            if len(self._made) > KEPT_CONTRACTS:
                self._made.popitem(last=False)
        else:
            self._made.move_to_end(key)
        return made

    @property
    def nexus(self) -> AsyncContract:
        """The Nexus (task, response and source registry; emits every event)."""
        return self._at("Nexus", self.network.contracts.nexus)

    @property
    def controller(self) -> AsyncContract:
        """The Controller (publish, cancel, confirm)."""
        return self._at("Controller", self.network.contracts.controller)

    @property
    def vault(self) -> AsyncContract:
        """The Vault (deposits, balances, escrow)."""
        return self._at("Vault", self.network.contracts.vault)

    def task(self, address: str) -> AsyncContract:
        """A Task contract."""
        return self._at("Task", address)

    def response(self, address: str) -> AsyncContract:
        """A Response contract."""
        return self._at("Response", address)

    def source(self, address: str) -> AsyncContract:
        """A Source contract."""
        return self._at("Source", address)

    def publish_task(
        self, *, source: str, config_url: str, expiry_time: int, payment: int
    ) -> ContractCall:
        """``Controller.publishTask((source, config, expiryTime, payment))``; nonpayable."""
        data = self.controller.encode_abi(
            "publishTask", args=[(to_checksum_address(source), config_url, expiry_time, payment)]
        )
        return ContractCall("Publishing the task", self.network.contracts.controller, data)

    def cancel_task(self, task: str) -> ContractCall:
        """``Controller.cancelTask(task)``."""
        data = self.controller.encode_abi("cancelTask", args=[to_checksum_address(task)])
        return ContractCall("Cancelling the task", self.network.contracts.controller, data)

    def confirm_response(self, response: str) -> ContractCall:
        """``Controller.confirmResponse(response)``."""
        data = self.controller.encode_abi("confirmResponse", args=[to_checksum_address(response)])
        return ContractCall("Confirming the response", self.network.contracts.controller, data)

    def vault_deposit(self, account: str, amount: int) -> ContractCall:
        """``Vault.deposit(account)`` with ``amount`` wei attached."""
        data = self.vault.encode_abi("deposit", args=[to_checksum_address(account)])
        return ContractCall("Depositing into the vault", self.network.contracts.vault, data, amount)

    def vault_withdraw(self, amount: int) -> ContractCall:
        """``Vault.withdraw(amount)`` from the caller's available balance."""
        data = self.vault.encode_abi("withdraw", args=[amount])
        return ContractCall("Withdrawing from the vault", self.network.contracts.vault, data)
