"""Compile the Sandbox's Vyper contracts (shipped as package data) into ABI and bytecode."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

SandboxContract = Literal[
    "Nexus", "Controller", "Vault", "Terminal", "Source", "Task", "Response"
]
CONTRACT_NAMES: tuple[SandboxContract, ...] = (
    "Nexus", "Controller", "Vault", "Terminal", "Source", "Task", "Response",
)
CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"
# Cancun bytecode runs on py-evm (Prague) and on anvil; OGPU's own chain is not involved.
EVM_VERSION = "cancun"

_lock = threading.Lock()


@dataclass(frozen=True)
class CompiledContract:
    """One contract's compiler output.

    Attributes:
        name: Contract name, as the ``.vy`` file is named.
        abi: The ABI as a list of entries.
        bytecode: Deployment bytecode, ``0x``-prefixed.
        blueprint_bytecode: Deployment bytecode of an ERC-5202 blueprint of the contract,
            for contracts that other contracts create (Source, Task, Response).
    """

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    blueprint_bytecode: str


def compile_contract(name: SandboxContract) -> CompiledContract:
    """Return the compiled contract ``name``, compiling it on first use in this process."""
    with _lock:  # vyper keeps global state while compiling: one compilation at a time
        return _compile(name)


def compile_all() -> dict[str, CompiledContract]:
    """Return every Sandbox contract compiled, keyed by name."""
    return {name: compile_contract(name) for name in CONTRACT_NAMES}


@cache
def _compile(name: SandboxContract) -> CompiledContract:
    from vyper.compiler import compile_from_file_input  # noqa: PLC0415  (slow import, used rarely)
    from vyper.compiler.input_bundle import FilesystemInputBundle  # noqa: PLC0415
    from vyper.compiler.settings import Settings  # noqa: PLC0415

    bundle = FilesystemInputBundle([CONTRACTS_DIR])
    file_input = bundle.load_file(Path(f"{name}.vy"))
    out = compile_from_file_input(
        file_input,
        input_bundle=bundle,
        settings=Settings(evm_version=EVM_VERSION),
        output_formats=["abi", "bytecode", "blueprint_bytecode"],
    )
    return CompiledContract(
        name=name,
        abi=list(out["abi"]),
        bytecode=str(out["bytecode"]),
        blueprint_bytecode=str(out["blueprint_bytecode"]),
    )
