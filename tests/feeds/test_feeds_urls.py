"""canonical_url and same_site: table tests, including AMP variants and hostile input."""

from __future__ import annotations

import pytest

from feeds import InvalidURL, canonical_url, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # case, default ports, fragments, credentials
        ("HTTP://News.Example.COM/a/b", "http://news.example.com/a/b"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("https://news.example/a#comments", "https://news.example/a"),
        ("https://user:secret@news.example/a", "https://news.example/a"),
        ("https://news.example./a", "https://news.example/a"),
        ("  https://news.example/a  ", "https://news.example/a"),
        # trailing slashes and the root
        ("https://news.example", "https://news.example/"),
        ("https://news.example/", "https://news.example/"),
        ("https://news.example/2022/05/24/leak/", "https://news.example/2022/05/24/leak"),
        # query: sorting, tracking parameters, blank values kept
        ("https://news.example/a?b=2&a=1", "https://news.example/a?a=1&b=2"),
        ("https://news.example/a?utm_source=rss&utm_medium=feed", "https://news.example/a"),
        ("https://news.example/a?id=7&UTM_Campaign=x&fbclid=abc", "https://news.example/a?id=7"),
        ("https://news.example/a?gclid=1&mc_cid=2&mc_eid=3&igshid=4", "https://news.example/a"),
        ("https://news.example/a?ref=home&cmpid=rss&page=2", "https://news.example/a?page=2"),
        ("https://news.example/a?_ga=2.1&mtm_campaign=x&pk_kwd=y", "https://news.example/a"),
        ("https://news.example/search?q=", "https://news.example/search?q="),
        ("https://news.example/a?reference=1", "https://news.example/a?reference=1"),
        # AMP variants map to the plain article
        ("https://news.example/2022/05/24/leak/amp/", "https://news.example/2022/05/24/leak"),
        ("https://news.example/amp/2022/05/24/leak", "https://news.example/2022/05/24/leak"),
        ("https://news.example/2022/leak?amp=1", "https://news.example/2022/leak"),
        ("https://news.example/2022/leak?amp", "https://news.example/2022/leak"),
        ("https://news.example/2022/leak?outputType=amp", "https://news.example/2022/leak"),
        ("https://news.example/2022/leak.amp.html", "https://news.example/2022/leak.html"),
        ("https://news.example/2022/leak.amp", "https://news.example/2022/leak"),
        ("https://amp.news.example/2022/leak", "https://news.example/2022/leak"),
        ("https://amp.example/2022/leak", "https://amp.example/2022/leak"),
        ("https://news.example/guitar-amp", "https://news.example/guitar-amp"),
        ("https://news.example/2022/leak?amp=0", "https://news.example/2022/leak?amp=0"),
        # encoding is normalised, non-ASCII hosts go to IDNA
        ("https://news.example/caf%c3%a9", "https://news.example/caf%C3%A9"),
        ("https://news.example/café", "https://news.example/caf%C3%A9"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://[2001:DB8::1]:443/a/", "https://[2001:db8::1]/a"),
        ("http://127.0.0.1:8000/copy/1/?utm_source=x", "http://127.0.0.1:8000/copy/1"),
    ],
)
def test_canonical_url_table(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a?utm_source=x#top",
        "HTTPS://AMP.NEWS.EXAMPLE:443/a/amp/?b=1&a=2",
        "https://news.example/caf%C3%A9/?z=1&y",
    ],
)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    "url",
    [
        "",
        "news.example/a",
        "/a/b",
        "ftp://news.example/a",
        "javascript:alert(1)",
        "https://",
        "http://x:99999/",
    ],
)
def test_canonical_url_rejects_non_http_urls_with_one_line(url: str) -> None:
    with pytest.raises(InvalidURL) as info:
        canonical_url(url)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://www.news.example/a", "https://news.example/b", True),
        ("https://www.bbc.co.uk/news", "http://amp.bbc.co.uk/x", True),
        ("https://news.example/a", "https://news.example:8443/a", True),
        ("https://bbc.co.uk/", "https://itv.co.uk/", False),
        ("https://alice.github.io/a", "https://bob.github.io/a", False),
        ("https://news.example/a", "https://republisher.example/a", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", False),
        ("http://localhost/a", "http://LOCALHOST:80/b", True),
    ],
)
def test_same_site_table(a: str, b: str, expected: bool) -> None:
    assert same_site(a, b) is expected
    assert same_site(b, a) is expected


def test_same_site_rejects_bad_urls() -> None:
    with pytest.raises(InvalidURL):
        same_site("https://news.example/", "not a url")
