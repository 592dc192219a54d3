"""Start the Sandbox from the frozen bundle as the app does, and check that its node answers.

Run: ``python packaging/frozen_sandbox_check.py dist/ogpu-desktop/ogpu-desktop``. Starts
``<exe> sandbox --port 0 --exit-with-parent``, reads its ``/info`` line, asks the announced RPC
endpoint for its chain ID and block height, then closes the child's stdin (as the app does when
it quits) and expects the child to stop by itself. Exits non-zero with the reason on a failure.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        if process.poll() is not None:
            line += process.stdout.read() or b""
            break
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            line += chunk
    return line.split(b"\n", 1)[0]


def _rpc(url: str, method: str) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": []}).encode()
    request = urllib.request.Request(  # noqa: S310 - the Sandbox's own loopback URL
        url, data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())["result"]


def check(exe: Path) -> str:
    """Run the check; return a one-line summary or raise ``RuntimeError`` with the reason."""
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - the bundle under test, no shell
        [str(exe), "sandbox", "--port", "0", "--exit-with-parent"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        line = _read_line(process, START_TIMEOUT_S)
        if not line:
            raise RuntimeError(f"the Sandbox printed no /info line (exit code {process.poll()})")
        ready_s = time.monotonic() - started
        info = json.loads(line)
        if not info["rpc_url"].startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the Sandbox serves on {info['rpc_url']}, not on loopback")
        chain_id = int(_rpc(info["rpc_url"], "eth_chainId"), 16)
        if chain_id != info["chain_id"]:
            raise RuntimeError(f"RPC chain ID {chain_id} differs from /info {info['chain_id']}")
        height = int(_rpc(info["rpc_url"], "eth_blockNumber"), 16)
        assert process.stdin is not None
        process.stdin.close()  # the app quitting
        code = process.wait(timeout=STOP_TIMEOUT_S)
        if code != 0:
            raise RuntimeError(f"the Sandbox exited with code {code} after its parent went away")
        return (
            f"ready in {ready_s:.1f} s, chain {chain_id}, block {height}, "
            f"{len(info.get('sources', []))} demo sources, stopped with its parent"
        )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main(argv: list[str]) -> int:
    """Check the executable given as the only argument."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(f"sandbox: {check(Path(argv[0]))}")
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as exc:
        print(f"sandbox: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
