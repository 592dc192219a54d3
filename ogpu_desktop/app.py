"""Composition root: parses the command line and starts the window or the Sandbox node.

Only this module wires the layers together. Heavy imports (web3, eth-account, the Sandbox's EVM)
happen after the first paint or in the child process, never at module import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ogpu_desktop import APP_NAME, __version__

if TYPE_CHECKING:
    from ogpu_desktop.config import AppPaths
    from ogpu_desktop.services.app_parts import AppParts

NETWORK_CHOICES = ("sandbox", "testnet", "mainnet", "custom")


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser: the window's options, the sandbox and batch commands."""
    parser = argparse.ArgumentParser(
        prog="ogpu-desktop",
        description=f"{APP_NAME}: publish HuggingFace-pipeline tasks to the OpenGPU network.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep settings, history and logs of a separate profile in DIR",
        metavar="DIR",
    )
    parser.add_argument("--network", choices=NETWORK_CHOICES, help="network to start on")
    parser.add_argument("--rpc", metavar="URL", help="another RPC endpoint for that network")
    parser.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="attach to a Sandbox that is already running (its base URL) instead of starting one",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="publish one task of each type on a fresh Sandbox, print the results and exit",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser(
        "sandbox",
        help="run a local OGPU network (EVM node, contracts, pinning, provider) on 127.0.0.1",
        add_help=False,
    )
    sub.add_parser(
        "batch",
        help="publish one task per input (a folder of images, a .txt or .csv of texts) and "
        "write one table of results; see ogpu-desktop batch --help",
        add_help=False,
    )
    return parser


def build_parts(paths: AppPaths) -> AppParts:
    """Build the window's long-lived services over the profile ``paths``.

    The history database and the wallet are made here, once; each connection then builds the
    services of its network (tracking, publishing, results, actions) from them. Called after
    the window's first paint: these imports take seconds.
    """
    from ogpu_desktop.services.app_parts import AppParts  # noqa: PLC0415
    from ogpu_desktop.store import Store  # noqa: PLC0415
    from ogpu_desktop.wallet.accounts import Wallet  # noqa: PLC0415

    return AppParts.build(Store.in_folder(paths.data_dir), Wallet.for_config_dir(paths.config_dir))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app (or ``ogpu-desktop sandbox ...``) and return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["sandbox"]:
        from ogpu_desktop.sandbox.cli import main as sandbox_main  # noqa: PLC0415

        return sandbox_main(args_list[1:])
    if args_list[:1] == ["batch"]:
        from ogpu_desktop.batch_cli import main as batch_main  # noqa: PLC0415

        return batch_main(args_list[1:])
    args = build_parser().parse_args(args_list)
    from ogpu_desktop.ui.launch import run  # noqa: PLC0415 - Qt loads only for the window

    return run(args, build_parts)
