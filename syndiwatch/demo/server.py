"""Serve the bundled demo sites, each on its own loopback port, for the demo and the tests.

Owns the HTTP side only: file lookup, `{{site:KEY}}` substitution, content types,
ETag/Last-Modified with 304s, HEAD, 404s and runtime overrides. The sites and their
expected drift live in `sites/` (manifest.json); nothing here knows about drift.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

SITES_ROOT = Path(__file__).with_name("sites")
PLACEHOLDER = re.compile(r"\{\{site:([a-z0-9_-]+)\}\}")
CONTENT_TYPES: Mapping[str, str] = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
TEXT_SUFFIXES = (".html", ".xml", ".txt", ".json", ".svg")
# Override bodies with no status of their own: None means "gone".
GONE_STATUSES = (404, 410)


@dataclass(frozen=True, slots=True)
class Resource:
    """One response ready to send: status, body bytes and validators."""

    status: int
    body: bytes
    content_type: str
    etag: str
    last_modified: float


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request a demo site answered (for tests that check what a crawler asked)."""

    site: str
    method: str
    path: str
    status: int
    headers: Mapping[str, str]


def content_type_for(path: str) -> str:
    """Return the Content-Type the demo server sends for a file path."""
    name = path.rsplit("/", 1)[-1]
    if name in CONTENT_TYPES:
        return CONTENT_TYPES[name]
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ".html"
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def load_manifest(root: Path | None = None) -> dict[str, Any]:
    """Read and return the parsed sites/manifest.json."""
    path = (root or SITES_ROOT) / "manifest.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def normalise_path(path: str) -> str:
    """Return the URL path without query or fragment, decoded, with a leading slash."""
    clean = unquote(urlsplit(path).path) or "/"
    return clean if clean.startswith("/") else "/" + clean


class SiteServer(ThreadingHTTPServer):
    """A threaded HTTP server for one demo site; close() joins every request thread."""

    daemon_threads = True
    block_on_close = True

    def __init__(self, host: str, site_key: str, demo: DemoSites) -> None:
        super().__init__((host, 0), SiteRequestHandler)
        self.site_key = site_key
        self.demo = demo


class SiteRequestHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD for one demo site from files, overrides and validators."""

    server: SiteServer
    server_version = "syndiwatch-demo/1"
    timeout = 10  # a silent client must not keep close() waiting for ever

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.server.site_key, format % args)

    def _respond(self, *, send_body: bool) -> None:
        demo = self.server.demo
        path = normalise_path(self.path)
        res = demo.resolve(self.server.site_key, path)
        status = res.status
        if status == 200 and is_not_modified(self.headers, res):
            status = 304
        demo.record(
            RequestRecord(
                self.server.site_key, self.command, path, status, dict(self.headers.items())
            )
        )
        self.send_response(status)
        self.send_header("ETag", res.etag)
        self.send_header("Last-Modified", formatdate(res.last_modified, usegmt=True))
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", res.content_type)
        self.send_header("Content-Length", str(len(res.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(res.body)


def is_text_type(content_type: str) -> bool:
    """Return True for the content types whose placeholders are substituted."""
    return content_type.startswith("text/") or "xml" in content_type or "json" in content_type


def is_not_modified(headers: Message, res: Resource) -> bool:
    """Return True when a conditional GET's validators match (If-None-Match wins)."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {tag.strip().removeprefix("W/") for tag in inm.split(",")}
        return "*" in tags or res.etag in tags
    ims = headers.get("If-Modified-Since")
    if ims is None:
        return False
    try:
        since = parsedate_to_datetime(ims).timestamp()
    except (TypeError, ValueError):
        return False
    return int(res.last_modified) <= since


class DemoSites:
    """Every demo site served on its own 127.0.0.1 port; close() (or `with`) stops them all."""

    def __init__(self, root: Path, host: str) -> None:
        self.root = root
        self.manifest: dict[str, Any] = load_manifest(root)
        self.started = float(int(time.time()))
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._overrides: dict[tuple[str, str], Resource] = {}
        self._stamp = self.started
        self._servers: dict[str, SiteServer] = {}
        self._threads: list[threading.Thread] = []
        self.sites: dict[str, str] = {}
        try:
            for site in self.manifest["sites"]:
                self._start(site["key"], host)
        except BaseException:
            self.close()
            raise

    def _start(self, key: str, host: str) -> None:
        server = SiteServer(host, key, self)
        self._servers[key] = server
        port = server.server_address[1]
        self.sites[key] = f"http://{host}:{port}"
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"syndiwatch-demo-{key}",
            daemon=True,
        )
        self._threads.append(thread)
        thread.start()

    # ---- addresses -------------------------------------------------------------
    def site(self, key: str) -> dict[str, Any]:
        """Return the manifest entry of one site."""
        for site in self.manifest["sites"]:
            if site["key"] == key:
                return dict(site)
        raise KeyError(f"no demo site {key!r}")

    def url(self, site_key: str, path: str = "/") -> str:
        """Return the absolute URL of `path` on one demo site."""
        if site_key not in self.sites:
            raise KeyError(f"no demo site {site_key!r}")
        return self.sites[site_key] + (path if path.startswith("/") else "/" + path)

    @property
    def original_url(self) -> str:
        """The URL of the original story."""
        story = self.manifest["story"]
        return self.url(story["site"], story["path"])

    @property
    def copy_urls(self) -> list[str]:
        """The URLs of every page the manifest marks as a copy, in manifest order."""
        return [self.url(s["key"], s["article"]["path"]) for s in self._articles(True)]

    @property
    def candidate_urls(self) -> list[str]:
        """The URLs of every non-original article page (copies and non-copies)."""
        return [self.url(s["key"], s["article"]["path"]) for s in self._articles(None)]

    def expectation(self, url: str) -> dict[str, Any]:
        """Return the manifest's article entry (expected drift) for a served URL."""
        for site in self.manifest["sites"]:
            if self.url(site["key"], site["article"]["path"]) == url:
                return dict(site["article"])
        raise KeyError(f"no demo article at {url}")

    def _articles(self, is_copy: bool | None) -> list[dict[str, Any]]:
        return [
            s
            for s in self.manifest["sites"]
            if s["role"] != "original" and (is_copy is None or s["article"]["is_copy"] is is_copy)
        ]

    def substitute(self, text: str) -> str:
        """Replace every `{{site:KEY}}` with that site's base URL (unknown keys stay)."""
        return PLACEHOLDER.sub(lambda m: self.sites.get(m.group(1), m.group(0)), text)

    def substitute_bytes(self, body: bytes) -> bytes:
        """Substitute placeholders in UTF-8 bytes; other bytes pass through untouched."""
        try:
            return self.substitute(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return body

    # ---- content ---------------------------------------------------------------
    def resolve(self, site_key: str, path: str) -> Resource:
        """Return what the site answers for `path`: an override, a file or a 404."""
        with self._lock:
            override = self._overrides.get((site_key, path))
        if override is not None:
            return override
        file = self._find_file(site_key, path)
        if file is None:
            return self._make(404, b"404 Not Found\n", "text/plain; charset=utf-8", self.started)
        body = file.read_bytes()
        kind = content_type_for(file.name)
        if file.suffix in TEXT_SUFFIXES:
            body = self.substitute_bytes(body)
        return self._make(200, body, kind, self.started)

    def _find_file(self, site_key: str, path: str) -> Path | None:
        site_dir = (self.root / str(self.site(site_key)["directory"])).resolve()
        rel = path.lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        for candidate in (site_dir / rel, site_dir / (rel + ".html")):
            resolved = candidate.resolve()
            if resolved.is_relative_to(site_dir) and resolved.is_file():
                return resolved
        return None

    @staticmethod
    def _make(status: int, body: bytes, kind: str, modified: float) -> Resource:
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        return Resource(status, body, kind, etag, modified)

    def set_override(
        self,
        site_key: str,
        path: str,
        body: bytes | None,
        status: int = 200,
        content_type: str | None = None,
    ) -> None:
        """Replace a page with `body` (placeholders substituted), or remove it (`body=None`).

        A removed page answers `status` when that is 404 or 410, else 404.
        """
        self.url(site_key)  # unknown site → KeyError
        path = normalise_path(path)
        with self._lock:
            # Strictly increasing stamps, so If-Modified-Since sees every change.
            self._stamp = max(float(int(time.time())), self._stamp + 1)
            if body is None:
                gone = status if status in GONE_STATUSES else 404
                res = self._make(
                    gone, f"{gone}\n".encode(), "text/plain; charset=utf-8", self._stamp
                )
            else:
                kind = content_type or content_type_for(path)
                if is_text_type(kind):
                    body = self.substitute_bytes(body)
                res = self._make(status, body, kind, self._stamp)
            self._overrides[(site_key, path)] = res

    def variant_body(self, name: str) -> bytes:
        """Return the raw bytes of a manifest variant (an alternative page for lifecycle tests)."""
        variant = self.manifest["variants"][name]
        return (self.root / str(variant["file"])).read_bytes()

    def apply_variant(self, name: str) -> str:
        """Serve a manifest variant in place of its page; return that page's URL."""
        variant = self.manifest["variants"][name]
        self.set_override(variant["site"], variant["path"], self.variant_body(name))
        return self.url(variant["site"], variant["path"])

    def clear_overrides(self) -> None:
        """Forget every override: all pages answer from their files again."""
        with self._lock:
            self._overrides.clear()

    def record(self, entry: RequestRecord) -> None:
        """Remember one answered request (see `requests`)."""
        with self._lock:
            self.requests.append(entry)

    # ---- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        """Stop every server, close its socket and join its threads."""
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join()
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoSites:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve_sites(root: Path | None = None, host: str = "127.0.0.1") -> DemoSites:
    """Serve every site of the manifest on its own port of `host`; close() the result."""
    return DemoSites(root or SITES_ROOT, host)
