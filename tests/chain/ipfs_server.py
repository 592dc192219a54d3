"""A pinning service and IPFS gateway on 127.0.0.1 with the OGPU request/response shape.

Faults are injected on purpose: queued status codes for the next pins, malformed pin answers,
gateway paths that fail, a huge document, a document that is not JSON.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _file_part(content_type: str, body: bytes) -> bytes:
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    for part in body.split(b"--" + boundary):
        head, _, rest = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return rest.removesuffix(b"\r\n")
    raise ValueError("no file field")


class IpfsServer:
    """Pinning at ``/file/create``, gateway at ``/ipfs/<cid>``.

    Attributes:
        pin_faults: What the next pins get, in order: a status code, "malformed", or "ok".
        pin_faults_for: Content marker -> status code for every pin whose body holds the marker
            (pins of one batch run in parallel, so their order of arrival is not fixed).
        pin_gathering: When set, pins are held until this many are in flight together (or for
            5 s), once: a client that pins one at a time gets no overlap.
        most_pins_at_once: The largest number of pins that were in flight together.
        broken_gets: CIDs this gateway answers with 502.
        pins: How many pin requests arrived.
        files: CID -> content.
    """

    def __init__(self) -> None:
        self.pin_faults: list[int | str] = []
        self.pin_faults_for: dict[bytes, int] = {}
        self.pin_gathering = 0
        self.most_pins_at_once = 0
        self._in_flight = 0
        self._gathered = threading.Condition()
        self.broken_gets: set[str] = set()
        self.pins = 0
        self.gets = 0
        self.files: dict[str, bytes] = {}
        self.pinned_names: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with server._lock:
                    server.pins += 1
                    fault = server.pin_faults.pop(0) if server.pin_faults else None
                    for marker, status in server.pin_faults_for.items():
                        if marker in body:
                            fault = status
                with server._gathered:
                    server._in_flight += 1
                    server.most_pins_at_once = max(server.most_pins_at_once, server._in_flight)
                    server._gathered.notify_all()
                    server._gathered.wait_for(
                        lambda: server.most_pins_at_once >= server.pin_gathering, timeout=5
                    )
                try:
                    self._pin(fault, body)
                finally:
                    with server._gathered:
                        server._in_flight -= 1

            def _pin(self, fault: int | str | None, body: bytes) -> None:
                if fault == "malformed":
                    self._answer(200, b'{"ok": true}')
                    return
                if isinstance(fault, int):
                    self._answer(fault, b'{"error": "injected"}')
                    return
                content = _file_part(self.headers["Content-Type"], body)
                cid = server.add(content)
                if b'filename="taskConfig.json"' in body:
                    server.pinned_names.append("taskConfig.json")
                self._answer(200, json.dumps({"link": f"{server.url}/ipfs/{cid}"}).encode())

            def do_GET(self) -> None:
                server.gets += 1
                cid = self.path.split("/ipfs/", 1)[-1]
                if cid in server.broken_gets:
                    self._answer(502, b"bad gateway", "text/plain")
                    return
                if cid == "huge":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()  # no length: the client must stop reading by itself
                    try:
                        for _ in range(12):
                            self.wfile.write(b"x" * (1024 * 1024))
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                content = server.files.get(cid)
                if content is None:
                    self._answer(404, b"not found", "text/plain")
                    return
                self._answer(200, content)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.pinning_url = f"{self.url}/file/create"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def add(self, content: bytes) -> str:
        cid = "Qm" + hashlib.sha256(content).hexdigest()[:44]
        with self._lock:
            self.files[cid] = content
        return cid

    def link(self, content: bytes) -> str:
        return f"{self.url}/ipfs/{self.add(content)}"

    def start(self) -> IpfsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
