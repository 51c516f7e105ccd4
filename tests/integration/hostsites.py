"""Loopback servers for the hostile-network tests: pages from a dict, and a host that hangs.

`PageSite` serves fixed bytes per path (robots.txt allows all). `HangingHost` accepts
every connection and never sends a byte, as a host behind a stuck proxy does.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _PageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PageSite

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        body = self.server.pages.get(path)
        if path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class PageSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pages: Mapping[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _PageHandler)
        self.pages = dict(pages)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)


class HangingHost:
    """Accepts connections on 127.0.0.1 and never answers (robots.txt included)."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for conn in self._held:
            conn.close()
        self._sock.close()
