"""The command-line choices the window starts with, kept immutable for later wiring."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LaunchOptions:
    """What the user asked for on the command line.

    Attributes:
        data_dir: Folder of a separate profile, or ``None`` for the platform folders.
        network: ``sandbox``, ``testnet``, ``mainnet`` or ``custom``; ``None`` lets the user choose.
        rpc: Another RPC endpoint for the chosen network.
        sandbox_url: Base URL of a Sandbox that is already running.
        self_test: Publish one task of each type on a fresh Sandbox and exit.
    """

    data_dir: Path | None = None
    network: str | None = None
    rpc: str | None = None
    sandbox_url: str | None = None
    self_test: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LaunchOptions:
        """Build the options from the namespace parsed by ``ogpu_desktop.app``."""
        return cls(
            data_dir=getattr(args, "data_dir", None),
            network=getattr(args, "network", None),
            rpc=getattr(args, "rpc", None),
            sandbox_url=getattr(args, "sandbox_url", None),
            self_test=bool(getattr(args, "self_test", False)),
        )
