"""The Sandbox's HTTP server on 127.0.0.1: JSON-RPC, pinning, IPFS links, faucet and ``/info``."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from eth_utils.address import is_address, to_checksum_address

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.sandbox.node import SandboxNode
from ogpu_desktop.sandbox.pinning import PinError, PinStore, is_cid
from ogpu_desktop.sandbox.rpc_format import RpcError

LOG = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
MAX_RPC_BODY = 8 * 1024 * 1024
_DISCARD_LIMIT = 64 * 1024 * 1024
FAUCET_DEFAULT_WEI = 100 * 10**18
FAUCET_CAP_WEI = 1_000 * 10**18


class FaucetError(Exception):
    """A faucet request that cannot be served, with a plain-words message."""


class Faucet:
    """Sends native tokens from a node account to any address, as a real transaction.

    Args:
        node: The chain.
        account: The unlocked, funded node account that pays.
        cap_wei: Largest amount one call may send.
    """

    def __init__(self, node: SandboxNode, account: str, cap_wei: int = FAUCET_CAP_WEI) -> None:
        self.node = node
        self.account = account
        self.cap_wei = cap_wei

    def fund(self, request: object) -> str:
        """Validate a ``{"address", "amount_wei"?}`` request, send the tokens, return the hash."""
        if not isinstance(request, dict):
            raise FaucetError('Send a JSON object like {"address": "0x…"}.')
        address = request.get("address")
        if not isinstance(address, str) or not is_address(address):
            raise FaucetError("The address is not a valid 0x… account address.")
        amount = request.get("amount_wei", FAUCET_DEFAULT_WEI)
        if isinstance(amount, str) and amount.isdigit():
            amount = int(amount)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise FaucetError("amount_wei must be a positive whole number of wei.")
        if amount > self.cap_wei:
            raise FaucetError(
                f"The faucet sends at most {self.cap_wei // 10**18} OGPU per request."
            )
        tx_hash = self.node.request(
            "eth_sendTransaction",
            {
                "from": self.account,
                "to": to_checksum_address(address),
                "value": hex(amount),
                "gas": hex(21_000),
            },
        )
        return str(tx_hash)


class SandboxHttpServer(ThreadingHTTPServer):
    """A threading HTTP server bound to loopback that knows the Sandbox's parts.

    Routes: ``POST /`` (JSON-RPC, single or batch), ``POST /file/create`` (multipart field
    ``file``, answers ``{"link": ...}`` like the OGPU pinning service), ``GET /ipfs/<cid>``,
    ``POST /faucet`` (JSON ``{"address", "amount_wei"?}``, answers ``{"tx_hash"}``) and
    ``GET /info``.
    """

    daemon_threads = True
    # A restarted Sandbox takes its port back at once: the connections of the process that
    # ended linger (TIME_WAIT, FIN_WAIT) for about a minute, and without SO_REUSEADDR binding
    # fails with "Address already in use" meanwhile. On Linux and macOS the flag never lets a
    # second server listen on a port in use; Windows gives it that meaning, so there the
    # socket asks for exclusive use instead (see server_bind).
    allow_reuse_address = os.name != "nt"

    def __init__(
        self,
        node: SandboxNode,
        store: PinStore,
        port: int = 0,
        *,
        faucet: Faucet | None = None,
        info: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        super().__init__((LOOPBACK, port), _Handler)
        self.node = node
        self.store = store
        self.faucet = faucet
        self.info = info
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def server_bind(self) -> None:
        """Bind to loopback (exclusively on Windows, where reuse would allow port sharing)."""
        exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
        if os.name == "nt" and exclusive is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, exclusive, 1)
        super().server_bind()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, the root of every route."""
        return f"http://{LOOPBACK}:{self.server_address[1]}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="sandbox-http",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, end open keep-alive connections and close the socket."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection, so :meth:`stop` can end it, then serve it in a thread."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget and close a finished connection."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, each answer on a
    # kept-alive connection would wait for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    server: SandboxHttpServer

    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug("%s %s", self.address_string(), format % args)

    # ----- routing -------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/info":
            info = self.server.info() if self.server.info else None
            if info is None:
                starting = {"error": "The Sandbox is starting."}
                self._send_json(HTTPStatus.SERVICE_UNAVAILABLE, starting)
            else:
                self._send_json(HTTPStatus.OK, info)
        elif path.startswith("/ipfs/"):
            self._serve_pin(path[len("/ipfs/") :].strip("/"))
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": f"Nothing at {path}."})

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if path in ("/", ""):
            self._rpc()
        elif path == "/file/create":
            self._pin()
        elif path == "/faucet":
            self._fund()
        else:
            self._discard_body()
            self._send_json(HTTPStatus.NOT_FOUND, {"error": f"Nothing at {path}."})

    # ----- handlers ------------------------------------------------------------------------

    def _rpc(self) -> None:
        body = self._read_body(MAX_RPC_BODY)
        if body is None:
            return
        try:
            payload = loads_bounded(body)
        except ValueError:
            answer: Any = {
                "jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"},
            }
        else:
            answer = self.server.node.handle(payload)
        if answer is None:
            self._send_bytes(HTTPStatus.NO_CONTENT, b"", "application/json")
        else:
            self._send_json(HTTPStatus.OK, answer)

    def _pin(self) -> None:
        store = self.server.store
        body = self._read_body(store.max_bytes + 64 * 1024)
        if body is None:
            return
        try:
            cid = store.pin_upload(self.headers.get("Content-Type", ""), body)
        except PinError as exc:
            self._send_json(HTTPStatus(exc.status), {"error": exc.message})
            return
        self._send_json(HTTPStatus.OK, {"link": f"{self.server.base_url}/ipfs/{cid}"})

    def _serve_pin(self, cid: str) -> None:
        pinned = self.server.store.get(cid) if is_cid(cid) else None
        if pinned is None:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "No file is pinned under this link."})
            return
        self._send_bytes(HTTPStatus.OK, pinned.data, pinned.content_type)

    def _fund(self) -> None:
        body = self._read_body(64 * 1024)
        if body is None:
            return
        if self.server.faucet is None:
            self._send_json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "The faucet is not ready."})
            return
        try:
            request = loads_bounded(body)
        except ValueError:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": "The body is not valid JSON."})
            return
        try:
            tx_hash = self.server.faucet.fund(request)
        except FaucetError as exc:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        except RpcError as exc:
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": exc.message})
            return
        self._send_json(HTTPStatus.OK, {"tx_hash": tx_hash})

    # ----- plumbing ------------------------------------------------------------------------

    def _read_body(self, limit: int) -> bytes | None:
        """Return the request body, or answer 411/413 and return ``None``."""
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self.close_connection = True
            self._send_json(HTTPStatus.LENGTH_REQUIRED, {"error": "Content-Length is required."})
            return None
        length = int(length_header)
        if length > limit:
            self._discard(length)
            self._send_json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                {"error": f"The request is larger than the limit of {limit // (1024 * 1024)} MB."},
            )
            return None
        return self.rfile.read(length)

    def _discard_body(self) -> None:
        length_header = self.headers.get("Content-Length", "0")
        self._discard(int(length_header) if length_header.isdigit() else 0)

    def _discard(self, length: int) -> None:
        # Reading what the client sends lets it see the answer instead of a reset connection.
        if length > _DISCARD_LIMIT:
            self.close_connection = True
            return
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 16))
            if not chunk:
                break
            remaining -= len(chunk)

    def _send_json(self, status: HTTPStatus, value: object) -> None:
        self._send_bytes(status, json.dumps(value).encode(), "application/json")

    def _send_bytes(self, status: HTTPStatus, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)
