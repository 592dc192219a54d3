"""Compile the Sandbox's Vyper contracts (shipped as package data) into ABI and bytecode.

Compiling all seven contracts takes about four seconds, most of the Sandbox's start-up, so the
output is also kept on disk in the user's cache folder, keyed by the compiler version, the EVM
version and the hash of every contract source: a changed source or compiler never reuses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import platformdirs

from ogpu_desktop import APP_ID

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
    cache_file = _cache_folder() / f"{name}-{_sources_key()}.json"
    cached = _read_cached(cache_file, name)
    if cached is not None:
        return cached
    compiled = _compile_now(name)
    _write_cached(cache_file, compiled)
    return compiled


def _cache_folder() -> Path:
    override = os.environ.get("OGPU_DESKTOP_CONTRACT_CACHE")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)) / "sandbox-contracts"


@cache
def _sources_key() -> str:
    digest = hashlib.sha256()
    digest.update(importlib.metadata.version("vyper").encode())
    digest.update(EVM_VERSION.encode())
    for source in sorted(CONTRACTS_DIR.glob("*.vy")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def _read_cached(path: Path, name: str) -> CompiledContract | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        compiled = CompiledContract(
            name=str(data["name"]),
            abi=list(data["abi"]),
            bytecode=str(data["bytecode"]),
            blueprint_bytecode=str(data["blueprint_bytecode"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: compile again
    if compiled.name != name or not compiled.bytecode.startswith("0x"):
        return None
    return compiled


def _write_cached(path: Path, compiled: CompiledContract) -> None:
    # A cache that cannot be written only costs the next start its compile time.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(compiled), out)
        os.replace(tmp, path)


def _compile_now(name: SandboxContract) -> CompiledContract:
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
