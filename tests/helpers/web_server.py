"""A small web server on 127.0.0.1 standing in for a stranger's gateway: documents, redirects,
a chunked body that never ends in time, a body that stalls.

Paths: ``/doc/<name>`` (a document added with :meth:`LocalWebServer.add`), ``/to?<url>`` (302 to
``url``), ``/loop`` (302 to itself, forever), ``/chunked-huge`` (12 MB in 1 MB chunks, no
length), ``/stall`` (headers and 5 bytes, then silence for ``stall_s``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


class LocalWebServer:
    """Serves on ``127.0.0.1`` at a free port until :meth:`stop`.

    Attributes:
        hits: Every path requested, in order.
    """

    def __init__(self, stall_s: float = 5.0) -> None:
        self.hits: list[str] = []
        self.documents: dict[str, bytes] = {}
        self.stall_s = stall_s
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits.append(self.path)
                if self.path.startswith("/doc/"):
                    body = server.documents.get(self.path[len("/doc/"):])
                    if body is None:
                        self._send(404, b"not found")
                    else:
                        self._send(200, body)
                elif self.path.startswith("/to?"):
                    self._redirect(unquote(self.path[len("/to?"):]))
                elif self.path == "/loop":
                    self._redirect("/loop")
                elif self.path == "/chunked-huge":
                    self._chunked([b"x" * (1024 * 1024)] * 12)
                elif self.path == "/stall":
                    self.send_response(200)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.wfile.write(b"5\r\nhello\r\n")
                    self.wfile.flush()
                    server._stop.wait(server.stall_s)
                    self.close_connection = True
                else:
                    self._send(404, b"not found")

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _chunked(self, chunks: list[bytes]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def add(self, name: str, body: bytes) -> str:
        """Serve ``body`` at ``/doc/<name>``; return its address."""
        self.documents[name] = body
        return f"{self.url}/doc/{name}"

    def stop(self) -> None:
        """Stop serving (a stalled answer is released at once) and close the socket."""
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextmanager
def local_web_server(stall_s: float = 5.0) -> Iterator[LocalWebServer]:
    """A :class:`LocalWebServer` for the length of a ``with`` block."""
    server = LocalWebServer(stall_s)
    try:
        yield server
    finally:
        server.stop()
