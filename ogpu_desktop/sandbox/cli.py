"""``ogpu-desktop sandbox``: runs a whole local OGPU network in this process until stopped."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from ogpu_desktop.errors import UserFacingError

LOG = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``sandbox`` subcommand's options."""
    from ogpu_desktop.sandbox.node import DEFAULT_CHAIN_ID  # noqa: PLC0415 - keeps --help fast

    parser = argparse.ArgumentParser(
        prog="ogpu-desktop sandbox",
        description=(
            "Run a local OGPU network on 127.0.0.1: an EVM node with the OGPU contracts, "
            "a pinning service, a faucet and a provider answering tasks."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to serve on (default: a free one)"
    )
    parser.add_argument(
        "--chain-id", type=int, default=DEFAULT_CHAIN_ID,
        help=f"chain ID of the local chain (default: {DEFAULT_CHAIN_ID})",
    )
    parser.add_argument(
        "--answer-delay", type=float, default=0.0, metavar="S",
        help="seconds the provider waits between attempting a task and answering it",
    )
    parser.add_argument(
        "--never-answer", action="store_true",
        help="the provider leaves every task untouched (tasks stay NEW until canceled or expired)",
    )
    parser.add_argument(
        "--providers", type=int, default=1, metavar="N",
        help="number of provider accounts; each attempts and answers every task",
    )
    parser.add_argument(
        "--engine", choices=("builtin", "transformers"), default="builtin",
        help="what computes answers: instant built-in answers, or local transformers models",
    )
    parser.add_argument(
        "--exit-with-parent", action="store_true",
        help="stop when stdin reaches end of file (used when the app starts the Sandbox)",
    )
    parser.add_argument("--verbose", action="store_true", help="log each step on stderr")
    return parser


def main(argv: Sequence[str]) -> int:
    """Start the Sandbox, print its ``/info`` line and serve until stopped; return the exit code.

    Exactly one JSON line goes to stdout (the ``/info`` document); notices and logs go to stderr.
    It stops on SIGTERM or SIGINT and, with ``--exit-with-parent``, when stdin reaches end of file,
    so a Sandbox started by the app ends when the app does.
    """
    args = build_parser().parse_args(list(argv))
    if args.providers < 1:
        print("--providers must be at least 1.", file=sys.stderr)
        return 2
    if args.port < 0 or args.port > 65535:
        print("--port must be between 0 and 65535.", file=sys.stderr)
        return 2
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if args.verbose else logging.WARNING,
        format="sandbox %(levelname)s %(name)s: %(message)s",
    )
    stop = threading.Event()
    _install_stop_handlers(stop, exit_with_parent=args.exit_with_parent)

    from ogpu_desktop.sandbox.runtime import Sandbox, SandboxOptions  # noqa: PLC0415

    options = SandboxOptions(
        port=args.port,
        chain_id=args.chain_id,
        answer_delay=args.answer_delay,
        never_answer=args.never_answer,
        providers=args.providers,
        engine=args.engine,
    )
    try:
        sandbox = Sandbox(options)
    except OSError as exc:
        print(f"The Sandbox cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1

    def announce(info: dict[str, Any]) -> None:
        for notice in sandbox.notices:
            print(notice, file=sys.stderr)
        print(json.dumps(info), flush=True)

    try:
        sandbox.start(announce)
    except UserFacingError as exc:
        print(f"The Sandbox could not start: {exc.message}", file=sys.stderr)
        sandbox.stop()
        return 1
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    return 0


def _install_stop_handlers(stop: threading.Event, *, exit_with_parent: bool) -> None:
    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if exit_with_parent:
        threading.Thread(
            target=_wait_for_stdin_eof, args=(stop,), name="sandbox-parent-watch", daemon=True
        ).start()


def _wait_for_stdin_eof(stop: threading.Event) -> None:
    """Read stdin until end of file (the parent closed it or exited), then ask to stop."""
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except (OSError, ValueError):
        pass
    stop.set()
