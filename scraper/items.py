"""Items and jobs that cross the boundary between a crawl and the application.

A crawl runs in a child process (scraper.runner). The parent sends one
`CrawlJob` as JSON on the child's stdin; the child writes one `FetchedPage`
per line of JSON on its stdout as pages arrive, so the parent can analyse
while the crawl goes on. Bodies travel base64-encoded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """What a child crawl should do.

    kind: "pages" (fetch exactly `urls`), later also "feed", "sitemap", "site".
    settings: Scrapy settings built by syndiwatch.config (applied at cmdline priority).
    meta: opaque values echoed back on every FetchedPage (e.g. a source id).
    """

    kind: str
    urls: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "urls": list(self.urls),
                "settings": dict(self.settings),
                "meta": dict(self.meta),
                "options": dict(self.options),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CrawlJob:
        data = json.loads(text)
        return cls(
            kind=data["kind"],
            urls=tuple(data["urls"]),
            settings=data.get("settings") or {},
            meta=data.get("meta") or {},
            options=data.get("options") or {},
        )


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One fetch outcome. Exactly one of `body` (a response) or `error` is meaningful.

    request_url: the URL asked for; url: the final URL after redirects.
    status: HTTP status (0 when no response arrived).
    error: one line, what and why ("HTTP 404", "timed out after 30 s", ...).
    error_kind: a short machine tag for `error`: http, timeout, dns, refused,
    too_large, robots, private_address, redirect, connection, other.
    """

    request_url: str
    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    error_kind: str | None = None
    fetched_at: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status < 300

    def to_json(self) -> str:
        return json.dumps(
            {
                "request_url": self.request_url,
                "url": self.url,
                "status": self.status,
                "headers": dict(self.headers),
                "body": base64.b64encode(self.body).decode("ascii"),
                "error": self.error,
                "error_kind": self.error_kind,
                "fetched_at": self.fetched_at,
                "meta": dict(self.meta),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> FetchedPage:
        data = json.loads(text)
        return cls(
            request_url=data["request_url"],
            url=data["url"],
            status=data["status"],
            headers=data.get("headers") or {},
            body=base64.b64decode(data.get("body") or ""),
            error=data.get("error"),
            error_kind=data.get("error_kind"),
            fetched_at=data.get("fetched_at") or "",
            meta=data.get("meta") or {},
        )
