"""A generated news site on 127.0.0.1 for scale-out tests and bench/scale.py.

`ScaleSite(n_articles)` serves an index, sections of 50 links and n articles, of
which every 50th (offset 7) republishes the original story at /original.html.
It counts every request per path, so tests can prove each page was fetched once.
Feeds and sitemaps carry an ETag and Last-Modified and answer a matching
If-None-Match with 304; `conditional` logs (path, If-None-Match) of every request
for them, and paths in `failing` answer 500.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PER_SECTION = 50
COPY_EVERY, COPY_OFFSET = 50, 7
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ner",
    "tas",
    "vi",
    "dor",
    "pe",
    "sun",
    "ra",
    "gal",
    "te",
    "bro",
    "fin",
    "mar",
    "lu",
    "sel",
    "qua",
    "zen",
    "hol",
    "ist",
    "ben",
    "cro",
    "dum",
]
_VERBS = ["said", "warned", "confirmed", "announced", "reported", "estimated", "argued"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))


def sentence(rng: random.Random) -> str:
    """A sentence of made-up words: pages share no run of words by chance."""
    words = [_word(rng) for _ in range(rng.randint(9, 16))]
    words.insert(2, rng.choice(_VERBS))
    words.insert(rng.randint(4, len(words) - 1), str(rng.randint(2, 9999)))
    return " ".join(words).capitalize() + "."


def paragraphs(seed: int, count: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(sentence(rng) for _ in range(4)) for _ in range(count)]


def article_html(title: str, paras: list[str], *, byline: str, extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><a href='/index.html'>Home</a></nav><article><h1>{title}</h1>"
        f"<p class='byline'>By {byline}</p>{body}{extra}</article></body></html>"
    )


ORIGINAL_PARAS = paragraphs(seed=1_000_000)


def build_pages(n: int) -> dict[str, bytes]:
    """Every page of the site by path: /original.html, /index.html, /s/N.html, /a/N.html."""
    pages: dict[str, str] = {
        "/original.html": article_html(
            "Port strike halts container traffic", ORIGINAL_PARAS, byline="Jane Doe"
        )
    }
    sections = (n + PER_SECTION - 1) // PER_SECTION
    links = "".join(f"<li><a href='/s/{s}.html'>Section {s}</a></li>" for s in range(sections))
    pages["/index.html"] = f"<html><body><ul>{links}</ul></body></html>"
    for s in range(sections):
        ids = range(s * PER_SECTION, min(n, (s + 1) * PER_SECTION))
        items = "".join(f"<li><a href='/a/{i}.html'>Story {i}</a></li>" for i in ids)
        pages[f"/s/{s}.html"] = (
            f"<html><body><a href='/index.html'>Home</a><ul>{items}</ul></body></html>"
        )
    for i in range(n):
        if i % COPY_EVERY == COPY_OFFSET:
            paras = ORIGINAL_PARAS[: 6 + i % 3]
            pages[f"/a/{i}.html"] = article_html(
                "Strike at the port stops containers",
                paras,
                byline="Staff",
                extra="<p>Source: –</p>",
            )
        else:
            pages[f"/a/{i}.html"] = article_html(f"Story {i}", paragraphs(seed=i), byline="Desk")
    return {path: html.encode("utf-8") for path, html in pages.items()}


class ScaleSite:
    """The generated site, served by a threaded server until close()."""

    def __init__(self, n_articles: int = 500) -> None:
        self.n = n_articles
        self.hits: Counter[str] = Counter()
        self.conditional: list[tuple[str, str | None]] = []
        self.failing: set[str] = set()
        self.lock = threading.Lock()
        self.pages = build_pages(n_articles)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.documents = self._documents()

    def _documents(self) -> dict[str, bytes]:
        """A sitemap index (one child: articles 0-49) and an RSS feed (articles 50-99)."""
        locs = "".join(f"<url><loc>{self.url(f'/a/{i}.html')}</loc></url>" for i in range(50))
        items = "".join(
            f"<item><title>Story {i}</title><link>{self.url(f'/a/{i}.html')}</link>"
            f"<guid>{i}</guid></item>"
            for i in range(50, min(100, self.n))
        )
        docs = {
            "/sitemap.xml": "<?xml version='1.0'?><sitemapindex xmlns="
            f"'http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap><loc>{self.url('/sm-0.xml')}"
            "</loc></sitemap></sitemapindex>",
            "/sm-0.xml": "<?xml version='1.0'?><urlset xmlns="
            f"'http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>",
            "/feed.xml": "<?xml version='1.0'?><rss version='2.0'><channel><title>Scale</title>"
            f"<link>{self.base}/</link>{items}</channel></rss>",
        }
        return {path: text.encode("utf-8") for path, text in docs.items()}

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def copy_paths(self) -> list[str]:
        return [f"/a/{i}.html" for i in range(self.n) if i % COPY_EVERY == COPY_OFFSET]

    @property
    def crawl_paths(self) -> set[str]:
        """Every page a site crawl from /index.html reaches."""
        return {p for p in self.pages if p != "/original.html"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        site: ScaleSite = self.server.site  # type: ignore[attr-defined]
        path = self.path.split("?")[0]
        asked = self.headers.get("If-None-Match")
        with site.lock:
            site.hits[path] += 1
            body = site.pages.get(path)
            document = site.documents.get(path) if body is None else None
            if document is not None:
                site.conditional.append((path, asked))
            failing = path in site.failing
        kind, etag = "text/html; charset=utf-8", None
        if document is not None:
            body, kind = document, "application/xml"
            etag = '"' + hashlib.sha1(document).hexdigest()[:16] + '"'
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        if failing:
            status, body = 500, b"broken"
        elif etag is not None and asked == etag:
            status, body = 304, b""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if etag is not None and status in (200, 304):
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return
