"""``ogpu-desktop batch``: parse the options, set up the profile and run the batch command.

No Qt is loaded: the command runs the same services as the window on a plain asyncio loop.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ogpu_desktop.config import AppPaths

NETWORKS = ("sandbox", "testnet", "mainnet")
DESCRIPTION = """\
Publish one task per input and write one table of results.

Inputs are folders and image files (for image classification and visual question answering),
or .txt files (one text per line) and .csv files (one text per row) for the other task types.
Unusable inputs (not an image, empty, too large, unreadable) are listed with the reason, left
out, and written to the results as "refused".

The command prints a review (how many tasks, refused inputs, price each and in total, network
fees, deposit needed) and asks before signing. Progress goes to stderr. The results file has the
columns: input, status, task, headline, score, error.

It exits with 0 once every accepted input is final (finished, failed, expired or canceled), and
with 1 and a plain message otherwise. Running the same command again with the same --out and
--data-dir continues the batch: nothing is ever published twice.
"""
EXAMPLES = """\
examples:
  ogpu-desktop batch --type image-classification --inputs ~/photos --out labels.csv
  ogpu-desktop batch --type text-classification --inputs reviews.csv --column review \\
      --out sentiment.csv --payment 0.002 --expires 2h --yes
"""


def build_parser() -> argparse.ArgumentParser:
    """The options of ``ogpu-desktop batch``, each explained in plain words."""
    parser = argparse.ArgumentParser(
        prog="ogpu-desktop batch", description=DESCRIPTION, epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--type", required=True, dest="task_type", metavar="TYPE",
        help="the task type of every task: text-classification, image-classification, "
        "text-generation, visual-question-answering, translation, summarization or custom",
    )
    parser.add_argument(
        "--inputs", required=True, nargs="+", type=Path, metavar="PATH",
        help="folders, image files, .txt files (one text per line) or .csv files (one text "
        "per row); folders are read with their subfolders, hidden files left out",
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE",
        help="the CSV file to write the results to (input, status, task, headline, score, "
        "error); run the command again with the same file to continue the same batch",
    )
    parser.add_argument(
        "--column", metavar="NAME",
        help="for .csv inputs, the column holding the texts (its name, or its number from 1); "
        "by default the first column of words",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--network", choices=NETWORKS, default="sandbox",
        help="where to publish: the Sandbox (a local test network started for this run, free), "
        "OGPU Testnet or OGPU Mainnet (default: sandbox)",
    )
    where.add_argument(
        "--sandbox-url", metavar="URL",
        help="use a Sandbox that is already running at this address instead of starting one",
    )
    parser.add_argument(
        "--data-dir", type=Path, metavar="DIR",
        help="keep the history, wallet and logs in DIR instead of your usual profile",
    )
    parser.add_argument(
        "--payment", metavar="AMOUNT",
        help="what each task pays, in OGPU, such as 0.002 (default: the source's minimum)",
    )
    parser.add_argument(
        "--expires", metavar="DURATION",
        help="how long each task waits for an answer, such as 600 (seconds), 10m, 2h or 1 day "
        "(default: 1 hour, or less when the source allows less)",
    )
    parser.add_argument(
        "--source", metavar="ADDRESS",
        help="the source to publish to (on the Sandbox, its demo source for the task type "
        "by default; needed on Testnet and Mainnet)",
    )
    parser.add_argument(
        "--set", action="append", default=[], dest="values", metavar="FIELD=VALUE",
        help="a form value every task shares, such as question=\"What is shown?\" for visual "
        "question answering; may be given several times",
    )
    parser.add_argument(
        "--yes", action="store_true",
        help="publish without asking (the review is still printed)",
    )
    return parser


def main(argv: Sequence[str]) -> int:
    """Run ``ogpu-desktop batch``; return the exit code."""
    args = build_parser().parse_args(list(argv))
    values: dict[str, str] = {}
    for pair in args.values:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            print(f"batch: --set takes FIELD=VALUE, not “{pair}”.", file=sys.stderr)
            return 2
        values[name.strip()] = value
    from ogpu_desktop.errors import UserFacingError  # noqa: PLC0415
    from ogpu_desktop.log import configure_logging  # noqa: PLC0415
    from ogpu_desktop.services.batch_command import (  # noqa: PLC0415 - web3 loads here
        BatchCommand,
        run_batch_command,
    )

    command = BatchCommand(
        task_type=args.task_type, inputs=tuple(args.inputs), out=args.out, column=args.column,
        network="sandbox" if args.sandbox_url else args.network, sandbox_url=args.sandbox_url,
        source=args.source, payment=args.payment, expires=args.expires, values=values,
        yes=args.yes,
    )
    try:
        paths = AppPaths.for_profile(args.data_dir)
        paths.ensure()
        configure_logging(paths.log_dir)
        return asyncio.run(run_batch_command(
            command, paths.data_dir, paths.config_dir, say=_say, note=_note, ask=_ask,
        ))
    except UserFacingError as exc:
        _note(f"batch: {exc.message}")
    except OSError as exc:
        _note(f"batch: {exc.strerror or exc}: {exc.filename or ''}")
    except KeyboardInterrupt:
        _note("batch: interrupted; run the same command again to continue.")
    except Exception as exc:
        logging.getLogger(__name__).exception("the batch command failed")
        _note(f"batch: failed unexpectedly ({type(exc).__name__}); the log file has details.")
    return 1


def _say(line: str) -> None:
    print(line, flush=True)


def _note(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _ask(question: str) -> bool:
    print(question, end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes")
