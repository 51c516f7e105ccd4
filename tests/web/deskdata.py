"""Review desk test data: a database filled by the real pipeline, and client helpers.

The demo sites are fetched on 127.0.0.1, normalised by drift.normalise, analysed
by drift.analyse_copy and stored through Store verbs, once per session; each
test gets its own copy of that database (SQLite file, or PostgreSQL template).
A hostile copy (script tags, onerror=, javascript: links, </textarea>, U+202E)
is stored beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from starlette.testclient import TestClient

from drift.analyse import analyse_copy
from drift.normalise import normalise
from storage import Store
from syndiwatch.demo.server import DemoSites

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TOKEN = "desk-test-token-0123456789"
HOSTILE_URL = "https://hostile.example/a/1"
NUMBER_SITE = "coastal"


@dataclass(frozen=True)
class DeskData:
    url: str  # the database: SQLite or PostgreSQL (the test's database_kind)
    story_id: int
    original_url: str
    copy_ids: dict[str, int]  # site key (or "hostile") -> copy id


def hostile_html(original_html: str) -> str:
    """The original page with hostile strings put into headline, byline, body and links."""
    evil = (
        "<p>Dockworkers said &lt;script&gt;alert('xss')&lt;/script&gt; and "
        "&lt;img src=x onerror=alert(1)&gt; then &lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt; "
        "and the \u202eelbisivni\u202c override was 2,800 strong.</p>"
        '<p><a href="javascript:alert(document.cookie)">Read the original article</a></p>'
    )
    html = original_html.replace("</article>", evil + "</article>", 1)
    html = html.replace("<title>", "<title>&lt;script&gt;alert('title')&lt;/script&gt; ", 1)
    return html.replace("</head>", '<link rel="canonical" href="javascript:alert(2)"></head>', 1)


def fill_desk(store: Store, sites: DemoSites) -> DeskData:
    """Fetch the demo pages on loopback and store original, copies and analyses."""
    with httpx.Client(timeout=10) as http:
        pages = {u: http.get(u) for u in [sites.original_url, *sites.candidate_urls]}
    original = pages[sites.original_url]
    orig_article = normalise(original.content, sites.original_url, dict(original.headers))
    store.record_fetch(
        sites.original_url, status=200, body=original.content, headers={},
        article=orig_article, fetched_at=T0,
    )  # fmt: skip
    story = store.add_story(sites.original_url, name="Port strike", now=T0)
    copy_ids: dict[str, int] = {}
    bodies = {u: r.content for u, r in pages.items() if u != sites.original_url}
    bodies[HOSTILE_URL] = hostile_html(original.text).encode()
    for url, body in bodies.items():
        article = normalise(body, url, {"content-type": "text/html; charset=utf-8"})
        snap = store.record_fetch(
            url, status=200, body=body, headers={}, article=article, fetched_at=T0
        )
        record = store.record_analysis(
            story.id, url, snapshot_id=snap.id, analysis=analyse_copy(orig_article, article),
            discovered_via="url", title=article.title, now=T0,
        )  # fmt: skip
        if record is not None:
            key = "hostile" if url == HOSTILE_URL else _site_of(sites, url)
            copy_ids[key] = record.id
    return DeskData("", story.id, sites.original_url, copy_ids)


def _site_of(sites: DemoSites, url: str) -> str:
    return next(key for key, base in sites.sites.items() if url.startswith(base + "/"))


def csrf_of(client: TestClient, path: str = "/") -> str:
    """Load a page and read the session's CSRF token from its forms."""
    html = client.get(path).text
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field on " + path
    return m.group(1)


def sign_in(client: TestClient, name: str = "Ana") -> None:
    token = csrf_of(client, "/login")
    r = client.post(
        "/login", data={"csrf_token": token, "token": TOKEN, "name": name}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
