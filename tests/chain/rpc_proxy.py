"""A JSON-RPC proxy on 127.0.0.1 that counts requests and can fail on purpose."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class RpcProxy:
    """Forwards HTTP JSON-RPC to ``upstream``.

    Attributes:
        http_requests: How many HTTP requests arrived (a batch counts once).
        methods: How many times each JSON-RPC method was asked for (inside batches too).
        down: When True, every connection is closed without an answer (RPC unreachable).
        drop_response_to: Methods that are forwarded, but whose answer is never delivered.
        fail_methods: Methods that are not forwarded at all (the connection is closed).
        hold_answer_to: Methods whose answer, once read from upstream, waits for ``release``
            before it is delivered (``holding`` is set meanwhile): the caller's request is in
            flight for as long as the test needs.
        reverse_batches: When True, the answers of a batch are delivered in reverse order (JSON-RPC
            lets a node answer a batch in any order; only the ids pair answers with calls).
        hold_answer_containing: Like ``hold_answer_to``, for requests whose body contains this
            text (case-insensitive), such as one contract's address.
        error_for: Methods answered (without forwarding) with the given JSON-RPC error object,
            as a node that refuses them would (single requests only).
        swallow_methods: Methods whose request waits for ``release`` (``holding`` is set
            meanwhile) and is then dropped: never forwarded, never answered. A caller killed
            meanwhile sent a transaction that never reached the node.
        max_batch: When set, a batch with more calls is refused the way public endpoints do
            it (``refused_batches`` counts them), as ``batch_refusal`` says: "error-object" (one
            JSON-RPC error instead of a list), "http-413", or "truncated" (answers to the first
            ``max_batch`` calls only).
        batch_sizes: The number of calls of every batch that arrived.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.http_requests = 0
        self.methods: Counter[str] = Counter()
        self.down = False
        self.drop_response_to: set[str] = set()
        self.fail_methods: set[str] = set()
        self.dropped = 0
        self.hold_answer_to: set[str] = set()
        self.hold_answer_containing: str | None = None
        self.error_for: dict[str, dict[str, Any]] = {}
        self.swallow_methods: set[str] = set()
        self.holding = threading.Event()
        self.release = threading.Event()
        self.reverse_batches = False
        self.max_batch: int | None = None
        self.batch_refusal = "error-object"
        self.refused_batches = 0
        self.batch_sizes: list[int] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if proxy.down:
                    self.close_connection = True
                    return
                payload: Any = json.loads(body)
                calls = payload if isinstance(payload, list) else [payload]
                with proxy._lock:
                    proxy.http_requests += 1
                    for call in calls:
                        proxy.methods[str(call.get("method"))] += 1
                    if isinstance(payload, list):
                        proxy.batch_sizes.append(len(payload))
                if (isinstance(payload, list) and proxy.max_batch is not None
                        and len(payload) > proxy.max_batch):
                    with proxy._lock:
                        proxy.refused_batches += 1
                    if proxy.batch_refusal == "truncated":
                        body = json.dumps(payload[: proxy.max_batch]).encode()
                    elif proxy.batch_refusal == "http-413":
                        self._answer(b"batch too large", status=413, ctype="text/plain")
                        return
                    else:
                        self._answer(json.dumps({"jsonrpc": "2.0", "id": None, "error": {
                            "code": -32600, "message": "batch size too large"}}).encode())
                        return
                if any(c.get("method") in proxy.fail_methods for c in calls):
                    self.close_connection = True
                    return
                refused = proxy.error_for.get(str(calls[0].get("method")))
                if refused is not None and not isinstance(payload, list):
                    self._answer(json.dumps(
                        {"jsonrpc": "2.0", "id": payload.get("id"), "error": refused}
                    ).encode())
                    return
                if any(c.get("method") in proxy.swallow_methods for c in calls):
                    proxy.holding.set()
                    proxy.release.wait(timeout=60)
                    self.close_connection = True
                    return
                req = urllib.request.Request(
                    proxy.upstream, data=body, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(req, timeout=30) as resp:
                    answer = resp.read()
                if any(c.get("method") in proxy.drop_response_to for c in calls):
                    with proxy._lock:
                        proxy.dropped += 1
                    self.close_connection = True
                    return
                needle = proxy.hold_answer_containing
                if any(c.get("method") in proxy.hold_answer_to for c in calls) or (
                    needle is not None and needle.lower().encode() in body.lower()
                ):
                    proxy.holding.set()
                    proxy.release.wait(timeout=60)
                if proxy.reverse_batches and isinstance(payload, list):
                    answer = json.dumps(json.loads(answer)[::-1]).encode()
                self._answer(answer)

            def _answer(
                self, answer: bytes, status: int = 200, ctype: str = "application/json"
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> RpcProxy:
        self._thread.start()
        return self

    def reset_counts(self) -> None:
        with self._lock:
            self.http_requests = 0
            self.methods.clear()
            self.batch_sizes.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
