"""The Sandbox's Vyper contracts (shipped as package data) as ABI and bytecode.

A packaged app ships them compiled: ``compiled.json`` beside the sources, written at build time
by :func:`write_compiled` (``python -m ogpu_desktop.sandbox.compile OUT``) and used only when
the hash of the sources it records is the hash of the sources shipped with it, so the Sandbox
of a fresh profile starts without a compiler. Otherwise (a source checkout) the contracts are
compiled with Vyper: all seven take about four seconds, most of the Sandbox's start-up, so the
output is also kept on disk in the user's cache folder, keyed by the compiler version, the EVM
version and the hash of every contract source: a changed source or compiler never reuses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import sys
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
#: The contracts compiled at build time, beside their sources (absent in a source checkout).
COMPILED_FILE = CONTRACTS_DIR / "compiled.json"
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
    shipped = _shipped().get(name)
    if shipped is not None:
        return shipped
    return _compile_with_vyper(name)


def _compile_with_vyper(name: SandboxContract) -> CompiledContract:
    """The contract from the user's cache, or compiled now (the caller holds ``_lock``)."""
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
    digest.update(sources_digest().encode())
    return digest.hexdigest()[:24]


@cache
def sources_digest() -> str:
    """SHA-256 of the EVM version and of every contract source (name and bytes), in hex."""
    digest = hashlib.sha256()
    digest.update(EVM_VERSION.encode())
    for source in sorted(CONTRACTS_DIR.glob("*.vy")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


@cache
def _shipped() -> dict[str, CompiledContract]:
    """The contracts of :data:`COMPILED_FILE` if it was compiled from these sources, else none."""
    try:
        data = json.loads(COMPILED_FILE.read_text(encoding="utf-8"))
        if data["sources_sha256"] != sources_digest():
            return {}
        found = {
            name: CompiledContract(
                name=name,
                abi=list(entry["abi"]),
                bytecode=str(entry["bytecode"]),
                blueprint_bytecode=str(entry["blueprint_bytecode"]),
            )
            for name, entry in data["contracts"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # none shipped, or damaged: compile
    if set(found) != set(CONTRACT_NAMES) or not all(
        c.bytecode.startswith("0x") for c in found.values()
    ):
        return {}
    return found


def write_compiled(path: Path) -> None:
    """Compile every contract with Vyper and write them, with the sources' hash, to ``path``."""
    with _lock:  # never from a shipped file: that file is what is being made
        contracts = {name: _compile_with_vyper(name) for name in CONTRACT_NAMES}
    document = {
        "sources_sha256": sources_digest(),
        "vyper": importlib.metadata.version("vyper"),
        "evm_version": EVM_VERSION,
        "contracts": {
            name: {
                "abi": c.abi, "bytecode": c.bytecode, "blueprint_bytecode": c.blueprint_bytecode,
            }
            for name, c in contracts.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")


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
    try:
        import vyper  # noqa: F401, PLC0415
    except ImportError as exc:
        raise RuntimeError(
            f"The Sandbox's contracts are not shipped compiled for these sources ({COMPILED_FILE}"
            " is missing or stale) and the Vyper compiler is not installed."
        ) from exc
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


def main(argv: list[str]) -> int:
    """``python -m ogpu_desktop.sandbox.compile OUT``: write the compiled contracts to OUT."""
    if len(argv) != 1:
        print("usage: python -m ogpu_desktop.sandbox.compile OUT.json", file=sys.stderr)
        return 2
    write_compiled(Path(argv[0]))
    print(f"{argv[0]}: {len(CONTRACT_NAMES)} contracts, sources {sources_digest()[:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
