"""The networks the app can talk to: OGPU Mainnet, Testnet, a local Sandbox, or a custom one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from eth_utils.address import is_address, to_checksum_address

from ogpu_desktop.chain.abis import AbiNetwork
from ogpu_desktop.chain.errors import ContractAddressError
from ogpu_desktop.errors import ValidationError


class NetworkKind(StrEnum):
    """Which family a network belongs to; decides defaults and what the UI offers."""

    MAINNET = "mainnet"
    TESTNET = "testnet"
    SANDBOX = "sandbox"
    CUSTOM = "custom"


@dataclass(frozen=True)
class ContractAddresses:
    """Checksummed addresses of the four OGPU protocol contracts on one network."""

    nexus: str
    controller: str
    terminal: str
    vault: str

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> ContractAddresses:
        """Read the four addresses from a mapping with case-insensitive keys.

        Raises:
            ContractAddressError: When one is missing or not an address.
        """
        lowered = {str(k).lower(): v for k, v in values.items()}
        found: dict[str, str] = {}
        for name in ("nexus", "controller", "terminal", "vault"):
            value = lowered.get(name)
            if not isinstance(value, str) or not is_address(value):
                raise ContractAddressError(
                    f"The {name.capitalize()} contract address is missing or not a valid address."
                )
            found[name] = to_checksum_address(value)
        return cls(**found)


@dataclass(frozen=True)
class Network:
    """Everything needed to talk to one OGPU network.

    Attributes:
        kind: Mainnet, testnet, sandbox or custom.
        name: Human name shown in the UI.
        chain_id: EIP-155 chain ID (testnet's exceeds 2**32: always a Python int).
        rpc_url: JSON-RPC over HTTP(S).
        contracts: Protocol contract addresses.
        symbol: Native token symbol (18 decimals on every OGPU network).
        abi_network: Which official ABI set applies.
        explorer_base: Block explorer root, or ``None`` when there is none.
        pinning_url: Where task configurations are uploaded.
        gateways: IPFS gateway roots tried, in order, when a result link fails.
    """

    kind: NetworkKind
    name: str
    chain_id: int
    rpc_url: str
    contracts: ContractAddresses
    symbol: str
    abi_network: AbiNetwork = "mainnet"
    explorer_base: str | None = None
    pinning_url: str = "https://capi.ogpuscan.io/file/create"
    gateways: tuple[str, ...] = field(default=())

    def with_rpc(self, rpc_url: str) -> Network:
        """Return the same network reached through another RPC endpoint."""
        return replace(self, rpc_url=_check_url(rpc_url, "RPC address"))

    def explorer_link(self, kind: str, value: str) -> str | None:
        """Return an explorer page for an address, task, source or tx hash, if there is one."""
        if self.explorer_base is None:
            return None
        return f"{self.explorer_base.rstrip('/')}/{kind}/{value}"


_OGPU_GATEWAYS = ("https://cipfs.ogpuscan.io/ipfs/", "https://ipfs.io/ipfs/")

MAINNET = Network(
    kind=NetworkKind.MAINNET,
    name="OGPU Mainnet",
    chain_id=1071,
    rpc_url="https://mainnet-rpc.ogpuscan.io",
    contracts=ContractAddresses(
        nexus="0x2b0cC6058313801D5feb184a539e3a0C5A87a6a1",
        controller="0x8661F4B9c30e07A04d795A192478dfD905625a1D",
        terminal="0xaEBC7b712D38Fc4d841f0732c21B8774339869D3",
        vault="0xa5c582254AA313528898311362bc698b041580cC",
    ),
    symbol="OGPU",
    abi_network="mainnet",
    explorer_base="https://ogpuscan.io",
    gateways=_OGPU_GATEWAYS,
)

TESTNET = Network(
    kind=NetworkKind.TESTNET,
    name="OGPU Testnet",
    chain_id=200820172034,
    rpc_url="https://testnetrpc.ogpuscan.io",
    contracts=ContractAddresses(
        nexus="0xF87bb2f3edB991a998992f14d35fE142e6Bb50b1",
        controller="0x9fb6022074Fd7Bdb429de0776eb693cA0CB55E09",
        terminal="0x1ea332Fc14a5AFD3AF3852B45C263Ab5b1Dd6f52",
        vault="0x15905a2FbD3EF5d3532b931b5656BB9EB493Bb15",
    ),
    symbol="ToGPU",
    abi_network="testnet",
    explorer_base="https://testnet.ogpuscan.io",
    gateways=_OGPU_GATEWAYS,
)


def sandbox_network(info: Mapping[str, Any]) -> Network:
    """Build the Sandbox network from the JSON the sandbox node prints (or serves at /info).

    Raises:
        ValidationError: When a field is missing or malformed.
    """
    try:
        chain_id = int(info["chain_id"])
        rpc_url = _check_url(str(info["rpc_url"]), "RPC address")
        contracts = ContractAddresses.parse(info["contracts"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"The Sandbox description is incomplete: {exc}") from exc
    pinning = info.get("pinning_url")
    gateway = info.get("gateway_url")
    return Network(
        kind=NetworkKind.SANDBOX,
        name="Sandbox (this computer)",
        chain_id=chain_id,
        rpc_url=rpc_url,
        contracts=contracts,
        symbol="OGPU",
        abi_network="mainnet",
        explorer_base=None,
        pinning_url=_check_url(str(pinning), "pinning address") if pinning else "",
        gateways=(str(gateway),) if gateway else (),
    )


def custom_network(
    *,
    name: str,
    rpc_url: str,
    chain_id: int,
    contracts: Mapping[str, Any],
    symbol: str = "OGPU",
    pinning_url: str = "https://capi.ogpuscan.io/file/create",
    gateways: tuple[str, ...] = _OGPU_GATEWAYS,
    explorer_base: str | None = None,
) -> Network:
    """Build a network the user describes (RPC URL, chain ID and the four contract addresses).

    Raises:
        ValidationError: For a malformed URL or chain ID.
        ContractAddressError: For a missing or malformed contract address.
    """
    if chain_id <= 0:
        raise ValidationError("The chain ID must be a positive whole number.", "chain_id")
    return Network(
        kind=NetworkKind.CUSTOM,
        name=name.strip() or "Custom network",
        chain_id=chain_id,
        rpc_url=_check_url(rpc_url, "RPC address"),
        contracts=ContractAddresses.parse(contracts),
        symbol=symbol,
        pinning_url=_check_url(pinning_url, "pinning address"),
        gateways=gateways,
        explorer_base=explorer_base,
    )


def _check_url(url: str, what: str) -> str:
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValidationError(f"The {what} must start with http:// or https://.", "rpc_url")
    return url
