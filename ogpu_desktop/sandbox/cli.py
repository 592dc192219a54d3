"""``ogpu-desktop sandbox``: runs the local OGPU network in this process."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """Start the Sandbox node and serve until interrupted."""
    del argv
    print("The Sandbox node is not available in this build.", file=sys.stderr)
    return 2
