"""Helpers for discovery tests: a small mutable site server on 127.0.0.1, configs, sitemaps.

`FixtureSite` serves whatever a test puts at a path (bytes, type, status) with
ETag/Last-Modified and 304s, and records every request, so tests can assert on
what the crawler asked for. Pages are usually borrowed from the demo sites.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from syndiwatch.config import Config, CrawlConfig, NetworkConfig
from syndiwatch.demo.server import DemoSites

HTML = "text/html; charset=utf-8"
XML = "application/xml"


class FixtureSite:
    """One site on its own port; `put` changes what a path answers."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.requests: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes | str, content_type: str = HTML, status: int = 200) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            self.routes[path] = (status, data, content_type)
        return self.url(path)

    def hits(self, path: str) -> list[int]:
        """Statuses answered for `path`, in order."""
        with self.lock:
            return [status for p, status in self.requests if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:
        site: FixtureSite = self.server.site
        path = self.path.split("?", 1)[0]
        with site.lock:
            status, body, content_type = site.routes.get(path, (404, b"not found", "text/plain"))
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16] + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status = 304
        with site.lock:
            site.requests.append((path, status))
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(1_700_000_000, usegmt=True))
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def loopback_config(database_url: str, **crawl: int) -> Config:
    """A config for loopback crawls: private addresses allowed, no politeness delay."""
    return replace(
        Config(database_url=database_url),
        network=NetworkConfig(allow_private=True, download_timeout=10),
        crawl=CrawlConfig(**crawl) if crawl else CrawlConfig(),
    )


def demo_page(sites: DemoSites, key: str, path: str | None = None) -> bytes:
    """The served bytes of a demo page (placeholders substituted); default: the site's article."""
    return sites.resolve(key, path or sites.site(key)["article"]["path"]).body


def urlset(urls: list[tuple[str, str | None]]) -> str:
    rows = "".join(
        f"<url><loc>{u}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>"
        for u, m in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
    )


def news_sitemap(urls: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<url><loc>{u}</loc><news:news><news:publication>"
        "<news:name>Fixture News</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{d}</news:publication_date>"
        "<news:title>t</news:title></news:news></url>"
        for u, d in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{rows}</urlset>'
    )


def sitemap_index(urls: list[str]) -> str:
    rows = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
    )


def gzipped(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))
