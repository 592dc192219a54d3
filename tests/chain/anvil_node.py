"""Start and stop a real anvil node on 127.0.0.1 for chain tests."""

from __future__ import annotations

import json
import socket
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass

from tests.helpers.anvil import running_anvil


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rpc(url: str, method: str, params: list[object] | None = None) -> object:
    """A blocking JSON-RPC call (for fixtures and set-up only)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    req = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        answer = json.loads(resp.read())
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer["result"]


@dataclass
class AnvilNode:
    """A running anvil process (started by the shared ``tests.helpers.anvil`` helper)."""

    url: str
    chain_id: int
    _stack: ExitStack

    def stop(self) -> None:
        self._stack.close()


def start_anvil(chain_id: int = 31337, extra: list[str] | None = None) -> AnvilNode:
    """Start anvil on 127.0.0.1 (a port it picks) with ``chain_id``; stop it with ``stop()``."""
    stack = ExitStack()
    node = stack.enter_context(running_anvil("--chain-id", str(chain_id), *(extra or [])))
    return AnvilNode(node.rpc_url, chain_id, stack)
