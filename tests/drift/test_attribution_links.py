"""Table tests for the link checks of drift.attribution: link_missing, link_broken, canonical.

Rows give a copy's links or canonical and how many findings of one code they must
give; near-miss rows (AMP variants, tracking parameters, home-page links) give none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from drift.attribution import find_attribution_findings
from drift.attribution_links import url_key
from drift.model import Article, Credit, Finding, Link

ORIGINAL_URL = "https://www.example-times.com/2022/05/24/leak"
COPY_URL = "https://republisher.example/a/123"
ORIGINAL = Article(
    url=ORIGINAL_URL,
    publisher="The Example Times",
    credits=(Credit("Source", "AFP"),),
    canonical=ORIGINAL_URL,
    og_url="https://example-times.com/leak-files",
)
FAITHFUL = Article(
    url=COPY_URL,
    credits=(Credit("Source", "The Example Times / AFP"),),
    links=(Link(ORIGINAL_URL, "Read the original article"),),
    canonical=ORIGINAL_URL,
)

MISSING = "attribution.link_missing"
BROKEN = "attribution.link_broken"
CANONICAL = "attribution.canonical_elsewhere"
AMP_CACHE = (
    "https://www-example-times-com.cdn.ampproject.org/c/s/www.example-times.com/2022/05/24/leak"
)
HEADLINE = (
    "Read more: Ministry unveils a budget plan for schools and hospitals across the whole country"
)


OWN_CANONICAL: dict[str, Any] = {"canonical": COPY_URL}


def _links(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"links": tuple(Link(href, text) for href, text in pairs)}


ROWS: list[tuple[str, dict[str, Any], str, int]] = [
    # link_missing: positives
    # (the copy's canonical is its own: a canonical naming the original is a link back)
    ("missing/no-links", {"links": (), **OWN_CANONICAL}, MISSING, 1),
    (
        "missing/own-site-only",
        {**_links((COPY_URL + "?page=2", "Next page")), **OWN_CANONICAL},
        MISSING,
        1,
    ),
    (
        "missing/look-alike-domain",
        {**_links(("https://example-times.net/leak", "The story")), **OWN_CANONICAL},
        MISSING,
        1,
    ),
    ("missing/canonical-names-original", {"links": ()}, MISSING, 0),
    # link_missing: near misses
    ("missing/home-page", _links(("http://example-times.com/", "Example Times")), MISSING, 0),
    (
        "missing/amp-and-tracking",
        _links(("https://amp.example-times.com/2022/05/24/leak/amp?utm_source=x", "AMP")),
        MISSING,
        0,
    ),
    ("missing/amp-cache", _links((AMP_CACHE, "cached")), MISSING, 0),
    (
        "missing/other-article-same-site",
        _links(("https://m.example-times.com/other", "x")),
        MISSING,
        0,
    ),
    # link_broken: positives
    ("broken/fragment", _links(("#", "Read the original article here")), BROKEN, 1),
    ("broken/javascript", _links(("javascript:void(0)", "Nguồn: The Example Times")), BROKEN, 1),
    ("broken/empty", _links(("", "Source")), BROKEN, 1),
    ("broken/elsewhere", _links(("/a/124", "Đọc bài gốc")), BROKEN, 1),
    ("broken/read-more-alone", _links(("/a/124", "Read more »")), BROKEN, 1),
    ("broken/read-more-at-publisher", _links(("/", "Read more at The Example Times")), BROKEN, 1),
    ("broken/one-of-two", _links(("#", "Source"), (ORIGINAL_URL, "Read the original")), BROKEN, 1),
    # link_broken: near misses
    (
        "broken/tracking-params-fine",
        _links((ORIGINAL_URL + "?utm_source=feed&fbclid=1", "Read the original article")),
        BROKEN,
        0,
    ),
    ("broken/fragment-not-source-like", _links(("#comments", "Comments")), BROKEN, 0),
    ("broken/credited-agency-site", _links(("https://www.afp.com/en", "Source: AFP")), BROKEN, 0),
    ("broken/headline-anchor", _links(("/a/124", HEADLINE)), BROKEN, 0),
    ("broken/read-more-next-story", _links(("/a/124", "Read more: Minister resigns")), BROKEN, 0),
    ("broken/via-inside-text", _links(("/a/124", "Travel via the new bridge")), BROKEN, 0),
    # A lone broken source link is two facts: it is broken, and no link reaches the original.
    ("both/lone-broken-is-also-missing", {**_links(("#", "Source")), **OWN_CANONICAL}, MISSING, 1),
    ("both/broken-next-to-working", _links(("#", "Source"), (ORIGINAL_URL, "here")), MISSING, 0),
    # canonical_elsewhere: positives
    ("canonical/self", {"canonical": COPY_URL}, CANONICAL, 1),
    ("canonical/relative-self", {"canonical": "/a/123"}, CANONICAL, 1),
    (
        "canonical/other-article-same-site",
        {"canonical": "https://example-times.com/other"},
        CANONICAL,
        1,
    ),
    # canonical_elsewhere: near misses
    ("canonical/none", {"canonical": None}, CANONICAL, 0),
    (
        "canonical/no-www-trailing-slash",
        {"canonical": "http://example-times.com/2022/05/24/leak/"},
        CANONICAL,
        0,
    ),
    (
        "canonical/original-og-url",
        {"canonical": "https://example-times.com/leak-files"},
        CANONICAL,
        0,
    ),
    ("canonical/amp-variant", {"canonical": ORIGINAL_URL + "/amp"}, CANONICAL, 0),
]


def _run(copy: dict[str, Any]) -> list[Finding]:
    return find_attribution_findings(ORIGINAL, replace(FAITHFUL, **copy))


@pytest.mark.parametrize(
    ("copy", "code", "expected"), [pytest.param(*r[1:], id=r[0]) for r in ROWS]
)
def test_link_checks(copy: dict[str, Any], code: str, expected: int) -> None:
    assert sum(1 for f in _run(copy) if f.code == code) == expected


def test_broken_link_evidence_names_text_and_target() -> None:
    [finding] = [f for f in _run(_links(("javascript:void(0)", "Source"))) if f.code == BROKEN]
    assert finding.evidence.copy == "Source"
    assert finding.evidence.detail == {"href": "javascript:void(0)", "reason": "javascript"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example-times.com/a/1/?utm_medium=rss&id=7", "example-times.com/a/1?id=7"),
        ("http://127.0.0.1:8042/a/1", "127.0.0.1:8042/a/1"),
        ("ftp://example-times.com/a", None),
        ("http://[::1", None),
        ("http://example.com:99999/a", None),
        ("", None),
    ],
)
def test_url_key(url: str, expected: str | None) -> None:
    assert url_key(url) == expected


@pytest.mark.parametrize(
    "href", ["http://[::1", "http://example.com:99999/", "\x00javascript:alert(1)", "//", "data:,x"]
)
def test_hostile_hrefs_do_not_raise(href: str) -> None:
    findings = _run({**_links((href, "Source")), "canonical": None})
    assert {f.code for f in findings} == {BROKEN, MISSING}
