"""A web3 provider bound to a Sandbox node in the same process, without HTTP."""

from __future__ import annotations

import json
from typing import Any, cast

from web3 import Web3
from web3.providers import JSONBaseProvider
from web3.types import RPCEndpoint, RPCResponse

from ogpu_desktop.sandbox.node import SandboxNode


class InProcessProvider(JSONBaseProvider):
    """A web3 provider that hands JSON-RPC requests to a :class:`SandboxNode` in this process.

    Requests and answers go through the same JSON encoding as over HTTP, so code using it sees
    exactly what an HTTP client sees, without a socket.

    Args:
        node: The node to ask.
        background: Ask as the Sandbox's provider does: giving way to the clients' requests.
    """

    def __init__(self, node: SandboxNode, *, background: bool = False) -> None:
        super().__init__()
        self._node = node
        self._background = background

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        """Encode the request as JSON, let the node answer it, and return the decoded answer."""
        payload = json.loads(self.encode_rpc_request(method, params))
        return cast(RPCResponse, self._node.handle(payload, background=self._background))

    def is_connected(self, show_traceback: bool = False) -> bool:
        """Always true: the node lives in this process."""
        return True


def in_process_web3(node: SandboxNode, *, background: bool = False) -> Web3:
    """Return a synchronous Web3 connected to ``node`` without HTTP (see the provider)."""
    return Web3(InProcessProvider(node, background=background))
