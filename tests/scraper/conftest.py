"""Local servers for crawl tests: pytest-httpserver for ordinary pages and a tiny
threaded server for what it cannot do (never answer, redirect forever, 20 MB).

Everything listens on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer

BIG_PAGE_BYTES = 20_000_000
ARTICLE_HTML = (
    "<!doctype html><html><head><title>Leak</title></head>"
    "<body><article><p>Leaked files: the ministry responds.</p></article></body></html>"
)
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"


class TrickyHandler(BaseHTTPRequestHandler):
    """Routes: /hang?tag=T (never answers), /loop/a <-> /loop/b, /big, /big-stream."""

    server: TrickyServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/hang":
            self._hang(parse_qs(parts.query).get("tag", [""])[0])
        elif parts.path in ("/loop/a", "/loop/b"):
            target = "/loop/b" if parts.path == "/loop/a" else "/loop/a"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif parts.path in ("/big", "/big-stream"):
            self._big(announce_length=parts.path == "/big")
        else:
            self.send_error(404)

    def _hang(self, tag: str) -> None:
        """Read nothing, answer nothing; note when the client comes and goes."""
        self.server.arrived(tag).set()
        self.connection.settimeout(0.2)
        while not self.server.stopping.is_set():
            try:
                if self.connection.recv(1024) == b"":
                    break
            except TimeoutError:
                continue
            except OSError:
                break
        self.server.disconnected(tag).set()
        self.close_connection = True

    def _big(self, *, announce_length: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if announce_length:
            self.send_header("Content-Length", str(BIG_PAGE_BYTES))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_532 + b"</p>"
        try:
            for _ in range(BIG_PAGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
        except OSError:
            pass  # the crawler hung up once the page passed its size limit
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class TrickyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), TrickyHandler)
        self.stopping = threading.Event()
        self._events: dict[tuple[str, str], threading.Event] = {}
        self._lock = threading.Lock()

    def arrived(self, tag: str) -> threading.Event:
        """The event set when a /hang?tag=`tag` request has come in."""
        return self._event("arrived", tag)

    def disconnected(self, tag: str) -> threading.Event:
        """The event set when a /hang?tag=`tag` client has gone."""
        return self._event("disconnected", tag)

    def _event(self, what: str, tag: str) -> threading.Event:
        with self._lock:
            return self._events.setdefault((what, tag), threading.Event())

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture(scope="module")
def tricky_server() -> Iterator[TrickyServer]:
    server = TrickyServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site() -> Iterator[HTTPServer]:
    """A well-behaved site: an article, a redirect to it, a 404, robots.txt denying /private/."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request("/article").respond_with_data(
        ARTICLE_HTML, content_type="text/html; charset=utf-8", headers={"X-Test": "yes"}
    )
    server.expect_request("/moved").respond_with_data(
        "", status=301, headers={"Location": "/article"}
    )
    server.expect_request("/robots.txt").respond_with_data(ROBOTS_TXT, content_type="text/plain")
    server.expect_request("/private/page").respond_with_data("secret")
    server.expect_request("/gone").respond_with_data("not here", status=404)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def article_html() -> str:
    return ARTICLE_HTML


@pytest.fixture(scope="module")
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
