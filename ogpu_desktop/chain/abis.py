"""The official OGPU contract ABIs, read as data from the installed ``ogpu`` package.

The package is located with :func:`importlib.util.find_spec`, which does not execute it:
importing ``ogpu`` would load ``.env`` files into the environment and cost about two seconds.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ogpu_desktop.errors import UserFacingError

AbiNetwork = Literal["mainnet", "testnet"]
ContractName = Literal[
    "Controller", "Manager", "Nexus", "Response", "Source", "Task", "Terminal", "Vault"
]
Abi = list[dict[str, Any]]

CONTRACT_NAMES: tuple[ContractName, ...] = (
    "Controller", "Manager", "Nexus", "Response", "Source", "Task", "Terminal", "Vault",
)


def abi_folder(network: AbiNetwork = "mainnet") -> Path:
    """Return the folder holding the official ABI JSON files for ``network``."""
    spec = importlib.util.find_spec("ogpu")
    if spec is None or not spec.submodule_search_locations:
        raise UserFacingError(
            "The OGPU contract definitions are missing: the 'ogpu' package is not installed. "
            "Reinstall OGPU Desktop."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "chain" / "abis" / network


@cache
def load_abi(name: ContractName, network: AbiNetwork = "mainnet") -> Abi:
    """Return the official ABI of contract ``name`` (a list of entries, no wrapper)."""
    path = abi_folder(network) / f"{name}Abi.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserFacingError(f"The OGPU contract definition {path.name} cannot be read.") from exc
    if not isinstance(data, list):
        raise UserFacingError(f"The OGPU contract definition {path.name} is not an ABI list.")
    return data
