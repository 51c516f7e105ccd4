"""Hostile scraped content is shown, never run; security headers; safe links only."""

from __future__ import annotations

import re

import pytest
from deskdata import T0, DeskData
from starlette.testclient import TestClient

from drift.analyse import analyse_copy
from drift.model import Article, Credit, Link
from storage import Store
from syndiwatch.web.safety import safe_href, show_text

EVIL = "<script>alert(1)</script>"


def _hostile_article_copy(store: Store, desk: DeskData) -> int:
    """A copy whose every field carries an attack, stored through the real analysis."""
    story = store.get_story(desk.story_id)
    orig = story.article
    url = "https://evil.example/x"
    copy = Article(
        url=url,
        title=f"{EVIL} </textarea><img src=x onerror=alert(2)>",
        paragraphs=(*orig.paragraphs[:6], f"Inserted \u202egnp.exe\u202c text {EVIL} here."),
        authors=('"><svg onload=alert(3)>', "\u202eevil"),
        publisher="<iframe src=javascript:alert(4)>",
        credits=(Credit("Source", "<b onmouseover=alert(5)>AFP</b>"),),
        links=(Link("javascript:alert(6)", "Read the original article"),
               Link(orig.url.replace("http", "javascript"), "source")),
        canonical="javascript:alert(7)",
    )  # fmt: skip
    snap = store.record_fetch(url, status=200, body=b"x", headers={}, article=copy, fetched_at=T0)
    record = store.record_analysis(
        desk.story_id, url, snapshot_id=snap.id, analysis=analyse_copy(orig, copy),
        discovered_via="url", title=copy.title, now=T0,
    )  # fmt: skip
    assert record is not None
    return record.id


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<script" not in html.lower()  # the desk itself ships no script at all
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert "<iframe" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no event-handler attribute in any tag
    assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE)
    assert "</textarea><" not in html
    assert "\u202e" not in html
    assert "\u202c" not in html


def test_hostile_pipeline_copy_is_escaped(client: TestClient, desk: DeskData) -> None:
    html = client.get(f"/copies/{desk.copy_ids['hostile']}").text
    _assert_inert(html)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "⟨U+202E⟩" in html


def test_hostile_fields_everywhere_are_escaped(
    client: TestClient, desk: DeskData, desk_store: Store
) -> None:
    copy_id = _hostile_article_copy(desk_store, desk)
    for path in ("/", f"/stories/s_{desk.story_id:02d}", f"/copies/{copy_id}"):
        _assert_inert(client.get(path).text)
    page = client.get(f"/copies/{copy_id}").text
    assert "&lt;iframe src=javascript:alert(4)&gt;" in page
    assert 'class="unsafe-url"' in page  # the javascript: canonical is shown as text
    assert "⟨U+202E⟩</span>gnp.exe" in page
    api = client.get(f"/api/copies/{copy_id}")
    assert api.headers["content-type"] == "application/json"


def test_security_headers_on_every_response(client: TestClient, desk: DeskData) -> None:
    for path in ("/", f"/copies/{desk.copy_ids['hostile']}", "/api/stories", "/nope",
                 "/static/style.css"):  # fmt: skip
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    cookie = client.get("/login").headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/a", "https://news.example/a"),
        ("http://news.example/a?b=1", "http://news.example/a?b=1"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/", None),
        ("#", None),
        ("https://evil\u202e.example/", None),
        ("https://exa mple.com/", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_safe_href(url: object, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_show_text_escapes_and_reveals_controls() -> None:
    out = str(show_text('<a href="x">\u202eevil\u2066 & "q"'))
    assert out.startswith("&lt;a href=&#34;x&#34;&gt;")
    assert "⟨U+202E⟩" in out
    assert "⟨U+2066⟩" in out
    assert "&amp;" in out
    assert "\u202e" not in out
    assert str(show_text(None)) == ""
