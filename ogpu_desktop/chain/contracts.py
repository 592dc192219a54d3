"""Contract access from the official ABIs: contract objects and the calls the app sends."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from eth_utils.address import to_checksum_address
from web3 import AsyncWeb3
from web3.contract import AsyncContract

from ogpu_desktop.chain.abis import Abi, AbiNetwork, ContractName, load_abi
from ogpu_desktop.chain.http_provider import HttpxProvider
from ogpu_desktop.chain.networks import Network
from ogpu_desktop.chain.transactions import ContractCall


@cache
def _abi(name: ContractName, network: AbiNetwork) -> Abi:
    return load_abi(name, network)


@dataclass(frozen=True)
class Contracts:
    """Contract objects of one network, bound to one AsyncWeb3."""

    network: Network
    w3: AsyncWeb3[HttpxProvider]

    def _at(self, name: ContractName, address: str) -> AsyncContract:
        return self.w3.eth.contract(
            address=to_checksum_address(address), abi=_abi(name, self.network.abi_network)
        )

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
