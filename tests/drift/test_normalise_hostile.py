"""Hostile and non-article input: normalise raises NotAnArticle with one line, or returns."""

from __future__ import annotations

import gzip
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drift.errors import NotAnArticle
from drift.model import Article
from drift.normalise import normalise

URL = "https://hostile.example/page"
PARA = "<p>The committee met on Tuesday and agreed the budget after a long debate.</p>"
ARTICLE = f"<html><head><title>Budget agreed</title></head><body>{PARA * 3}</body></html>"


def check(data: bytes) -> Article | None:
    """Run normalise; only NotAnArticle may come out, and its message is one line."""
    try:
        return normalise(data, URL)
    except NotAnArticle as exc:
        message = str(exc)
        assert message
        assert "\n" not in message
        assert URL in message
        return None


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"<html><head><title>x</title></head><body></body></html>", "no article"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (gzip.compress(ARTICLE.encode()), "gzip"),
        (b"\x00\x01\x02\x03" * 300, "binary"),
        (
            b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
            b"<p>The requested URL was not found on this server.</p></body></html>",
            "error page",
        ),
    ],
)
def test_not_an_article(data: bytes, why: str) -> None:
    with pytest.raises(NotAnArticle, match=URL) as info:
        normalise(data, URL)
    assert "\n" not in str(info.value)
    assert why.split()[0].lower() in str(info.value).lower() or why == "no article"


def test_an_article_is_not_rejected() -> None:
    art = normalise(ARTICLE.encode(), URL)
    assert art.paragraphs
    assert art.title == "Budget agreed"


def test_deeply_nested_page() -> None:
    data = (
        "<html><body>" + "<div>" * 10_000 + PARA + "</div>" * 10_000 + "</body></html>"
    ).encode()
    check(data)
    inline = ("<html><body><p>" + "<b><i>" * 5_000 + "text " * 50 + "</p></body></html>").encode()
    check(inline)


@pytest.mark.slow
def test_five_megabyte_page() -> None:
    para = "<p>Item {} of the committee's budget was agreed after a long debate.</p>"
    block = "".join(para.format(i) for i in range(40)) + "<div class='ad'>" + "x" * 200 + "</div>"
    body = block * 1700
    data = f"<html><body><article>{body}</article></body></html>".encode()
    assert len(data) > 5_000_000
    art = check(data)
    assert art is not None
    assert art.paragraphs


def test_truncated_page() -> None:
    data = ARTICLE.encode()
    for cut in (1, 10, 40, 80, len(data) // 2, len(data) - 5):
        check(data[:cut])


def test_malformed_metadata_does_not_break_reading() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": [[[{}]]], '
        '"headline": 42, "datePublished": "yesterday", "isBasedOn": {"url": ["", null]}'
        '</script><script type="application/ld+json">' + "[" * 5000 + "</script>"
        "<meta property='article:published_time' content='2022-13-45T99:99'>"
        "<link rel='canonical' href='http://[::1'>"
    )
    data = f"<html><head>{head}</head><body>{PARA * 3}</body></html>".encode()
    art = check(data)
    assert art is not None
    assert art.published is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes(data: bytes) -> None:
    check(data)


_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "span",
        "a",
        "figure",
        "figcaption",
        "script",
        "table",
        "li",
        "ul",
        "article",
        "h1",
        "time",
        "meta",
        "br",
        "title",
        "style",
    ]
)


@st.composite
def tag_soup(draw: st.DrawFn) -> bytes:
    parts = draw(
        st.lists(
            st.one_of(
                _TAGS.map(lambda t: f"<{t}>"),
                _TAGS.map(lambda t: f"</{t}>"),
                st.text(max_size=60),
                st.sampled_from(
                    [
                        "Source: –",
                        "By Jane Doe",
                        "© 2020 X",
                        "<a href='#'>",
                        "<a href='javascript:x'>",
                        "&#0;",
                        "&bogus;",
                        "<!--",
                        "]]>",
                        "<meta charset='utf-16'>",
                        "<html lang='??'>",
                        "\x00",
                    ]
                ),
            ),
            max_size=80,
        )
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "shift_jis", "gb18030"]))
    cut = draw(st.integers(min_value=0, max_value=10_000))
    data = "".join(parts).encode(encoding, errors="replace")
    return data[: cut or None]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag_soup())
def test_random_tag_soup(data: bytes) -> None:
    check(data)


def test_listing_page_is_not_an_article() -> None:
    items = "".join(
        f"<li><a href='/story/{i}'>Headline number {i} about the port strike</a></li>"
        for i in range(8)
    )
    data = (
        "<html><head><meta property='og:type' content='website'><title>News</title></head>"
        f"<body><main><h1>Latest news</h1><ul>{items}</ul></main></body></html>"
    ).encode()
    with pytest.raises(NotAnArticle, match="listing"):
        normalise(data, URL)


@st.composite
def hostile_page(draw: st.DrawFn) -> bytes:
    """A real article wrapped in deep nesting, then truncated or spliced with binary."""
    depth = draw(st.integers(min_value=0, max_value=10_000))
    tag = draw(st.sampled_from(["div", "span", "b", "table", "li", "article", "font"]))
    body = f"<{tag}>" * depth + PARA * draw(st.integers(1, 5)) + f"</{tag}>" * depth
    data = f"<html><head><title>t</title></head><body>{body}</body></html>".encode()
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    noise = draw(st.binary(max_size=64))
    at = draw(st.integers(min_value=0, max_value=cut))
    return data[:at] + noise + data[at:cut]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_page())
def test_nested_truncated_and_spliced_pages(data: bytes) -> None:
    check(data)


def _python_only_codecs() -> list[str]:
    import encodings.aliases

    from drift.decode import lookup_label

    names = {*encodings.aliases.aliases, *encodings.aliases.aliases.values()}
    names |= {"punycode", "undefined", "idna", "unicode_escape", "raw_unicode_escape", "utf-7"}
    return sorted(n for n in names if lookup_label(n) is None)


@pytest.mark.parametrize("where", ["meta", "header"])
def test_python_only_charset_labels_are_ignored(where: str) -> None:
    # Every codec Python knows but the Encoding Standard does not (punycode, undefined,
    # rot13, base64, utf-7, unicode_escape, …): ignored as a browser does, never an error.
    labels = _python_only_codecs()
    assert len(labels) > 100
    for label in labels:
        meta = f"<meta charset='{label}'>" if where == "meta" else ""
        headers = {"Content-Type": f"text/html; charset={label}"} if where == "header" else None
        data = f"<html><head>{meta}<title>Budget agreed</title></head><body>{PARA * 3}".encode()
        art = normalise(data + b"</body></html>", URL, headers)
        assert art.paragraphs[0] == PARA[3:-4], label


_DEEP_PARAS = "".join(
    f"<p>Point {i}: the committee <a href='/vote/{i}'>voted</a> on Tuesday and "
    f"<b>agreed</b> the budget after a long debate about the harbour.</p>"
    for i in range(4)
)
_WRAPPERS = {
    "div": lambda d: "<div>" * d + f"<article>{_DEEP_PARAS}</article>" + "</div>" * d,
    "table": lambda d: "<table><tr><td>" * d + _DEEP_PARAS + "</td></tr></table>" * d,
    "unclosed-li": lambda d: "<ul><li>" * d + _DEEP_PARAS,
    "text-on-every-level": lambda d: "<div>. " * d + _DEEP_PARAS + "</div>" * d,
    "blockquote": lambda d: "<blockquote>" * d + _DEEP_PARAS + "</blockquote>" * d,
}


@pytest.mark.parametrize("wrapper", sorted(_WRAPPERS))
@pytest.mark.parametrize("depth", [260, 1_000, 2_100, 5_000])
def test_an_article_wrapped_in_deep_nesting_is_read(wrapper: str, depth: int) -> None:
    # libxml2 dropped everything past 256 levels ("no article text found"); a 1,000-deep
    # tree then hit Python's recursion limit and nested tables took minutes.
    body = _WRAPPERS[wrapper](depth)
    data = f"<html><head><title>Budget agreed</title></head><body>{body}</body></html>"
    started = time.monotonic()
    art = normalise(data.encode(), URL)
    assert time.monotonic() - started < 20
    assert [p[:7] for p in art.paragraphs if p.startswith("Point")] == [
        f"Point {i}" for i in range(4)
    ]
    assert len(art.links) == 4


@pytest.mark.parametrize("pattern", ["<li><p><dt>", "<dd><p><h2>", "<p><li>", "<b><i>"])
def test_deep_nesting_of_tags_that_close_their_kind_keeps_the_text(pattern: str) -> None:
    # Past the limit the flattened markup keeps <p>, <li>, <a>… as siblings; when libxml2
    # nests them anyway (a <dt> in a <p> in a <li>), every deep tag goes.
    body = pattern * 5_000 + _DEEP_PARAS
    data = f"<html><head><title>Budget agreed</title></head><body>{body}</body></html>"
    art = check(data.encode())
    assert art is not None
    assert "Point 3: the committee voted" in art.text


def test_control_character_references_do_not_make_a_page_unreadable() -> None:
    # &#27; became ESC in the tree, and lxml refuses control characters in XPath strings.
    para = "<p>The committee met on Tuesday&#27;[31m and agreed&#x1B; the budget&#0; at last.</p>"
    data = f"<html><head><title>Budget&#x7;</title></head><body>{para * 3}</body></html>"
    art = check(data.encode())
    assert art is not None
    assert art.paragraphs[0] == "The committee met on Tuesday[31m and agreed the budget at last."
    assert art.title == "Budget"
