"""A small loopback site that misbehaves on purpose, for the CLI's bad-input tests.

Routes: /hang (accepts, never answers), /loop (redirects forever), /big (20 MB),
/binary (PNG bytes), /empty (200 with no body), /gone (410); anything else 404.
"""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG_BYTES = 20_000_000


class BadHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: BadSite

    def do_GET(self) -> None:
        route = self.path.split("?", 1)[0]
        if route == "/hang":
            while not self.server.stopping.wait(0.1):
                pass
            self.close_connection = True
        elif route == "/loop":
            self._send(302, b"", extra={"Location": "/loop"})
        elif route == "/big":
            self._send(200, b"<p>" + b"x" * BIG_BYTES + b"</p>", "text/html")
        elif route == "/binary":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "image/png")
        elif route == "/empty":
            self._send(200, b"", "text/html")
        elif route == "/gone":
            self._send(410, b"gone", "text/plain")
        elif route == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html",
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the crawler hangs up on a page over its limit
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class BadSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), BadHandler)
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def close(self) -> None:
        self.stopping.set()
        time.sleep(0.15)
        self.shutdown()
        self.server_close()
        self._thread.join(5)
