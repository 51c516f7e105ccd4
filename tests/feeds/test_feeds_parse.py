"""feeds.parse over RSS 0.91/1.0/2.0 and Atom samples, and over broken or hostile bytes."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds import Feed, FeedError, parse

DATA = Path(__file__).parent / "data"
FEED_URL = "https://buzz.example/feed/rss.xml"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def rss_items(count: int, *, extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>https://buzz.example/a/{i}</link>"
        f'<guid isPermaLink="false">buzz-{i}</guid>'
        f"<description>Teaser {i}</description>{extra}</item>"
        for i in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Buzz</title><link>https://buzz.example/</link>{items}</channel></rss>"
    ).encode()


def test_rss091_entries_and_latin1_text() -> None:
    feed = parse(load("rss091.xml"), "https://wire.example/rss.xml", {"Content-Type": "text/xml"})
    assert feed.version.startswith("rss091")
    assert feed.title == "Old Wire Service"
    assert [e.link for e in feed.entries] == [
        "https://wire.example/stories/leak.html",
        "https://wire.example/stories/cafe.html",
    ]
    assert feed.entries[1].title == "Café prices up 12%"
    assert feed.entries[0].summary.startswith("The ministry said on Tuesday")
    assert not feed.bozo


def test_rss10_rdf_dc_creator_and_date() -> None:
    feed = parse(load("rss10.rdf"), "https://rdf.example/index.rdf")
    assert feed.version == "rss10"
    first = feed.entries[0]
    assert first.title == "Leaked files: ministry responds"
    assert first.authors == ("Jane Doe",)
    assert first.updated == "2022-05-24T08:00:00Z"  # dc:date, converted to UTC
    assert first.id == "https://rdf.example/2022/05/24/leak"
    assert len(feed.entries) == 2


def test_rss20_content_encoded_is_full_content_with_absolute_links() -> None:
    feed = parse(load("rss20.xml"), FEED_URL, {"Content-Type": "application/rss+xml"})
    first = feed.entries[0]
    assert first.id == "buzz-123"
    assert first.link == "https://buzz.example/a/123"
    assert first.published == "2022-05-25T03:00:00Z"
    assert first.updated is None
    assert first.authors == ("Staff",)
    assert first.summary == "On May 24, AFP news agency reported …"
    assert first.content_html is not None
    assert 'href="https://buzz.example/docs/files.pdf"' in first.content_html
    assert 'src="https://buzz.example/feed/img/leak.jpg"' in first.content_html
    assert "<script" not in first.content_html
    assert "Source: –" in first.content_html


def test_rss20_relative_links_resolve_against_feed_url() -> None:
    feed = parse(load("rss20.xml"), "https://other.example/x/feed.xml")
    assert feed.link == "https://other.example/"
    assert feed.entries[1].link == "https://other.example/x/stories/second"
    assert feed.entries[2].link == (
        "https://buzz.example/stories/third?utm_source=rss&utm_medium=feed"
    )


def test_content_location_header_overrides_base() -> None:
    headers = {"Content-Location": "/mirror/rss.xml"}
    feed = parse(load("rss20.xml"), "https://buzz.example/feed/rss.xml", headers)
    assert feed.entries[1].link == "https://buzz.example/mirror/stories/second"


def test_rss_author_email_form_gives_the_name() -> None:
    feed = parse(load("rss20.xml"), FEED_URL)
    assert feed.entries[1].authors == ("Ann Editor",)
    assert feed.entries[2].authors == ()


def test_atom_xml_base_authors_dates_and_content() -> None:
    feed = parse(load("atom.xml"), "https://atom.example/feed.atom")
    assert feed.version == "atom10"
    assert feed.title == "Atom News"
    first, second = feed.entries
    assert first.link == "https://atom.example/blog/2022/05/24/leak"
    assert first.authors == ("Jane Doe", "John Roe")
    assert first.published == "2022-05-24T08:00:00Z"
    assert first.updated == "2022-05-24T16:30:00Z"
    assert first.content_html is not None
    assert 'href="https://atom.example/blog/about"' in first.content_html
    assert second.title == "Second entry"
    assert second.published is None
    assert second.content_html is not None
    assert 'href="https://atom.example/blog/rel/link"' in second.content_html


def test_truncated_after_two_items_returns_them_and_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = rss_items(5)
    cut = data.index(b"</item>", data.index(b"</item>") + 1) + len(b"</item>")
    with caplog.at_level(logging.WARNING, logger="feeds.parse"):
        feed = parse(data[:cut], FEED_URL)
    assert [e.id for e in feed.entries] == ["buzz-0", "buzz-1"]
    assert feed.bozo
    assert feed.bozo_message
    assert "\n" not in feed.bozo_message
    assert any(FEED_URL in r.getMessage() and "2 entries" in r.getMessage() for r in caplog.records)


def test_truncated_inside_third_item_keeps_first_two() -> None:
    data = rss_items(5)
    cut = data.index(b"<title>Story 2") + 10
    feed = parse(data[:cut], FEED_URL)
    assert [e.id for e in feed.entries[:2]] == ["buzz-0", "buzz-1"]
    assert feed.bozo


def test_windows_1252_feed_declared_utf8_reads_text() -> None:
    text = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\xe9</title>'
        "<item><title>\u201cQuoted\u201d \u2013 caf\xe9 na\xefve</title>"
        "<link>https://x.example/a</link></item></channel></rss>"
    )
    data = text.encode("windows-1252")
    headers = {"Content-Type": "application/xml; charset=utf-8"}
    feed = parse(data, "https://x.example/rss.xml", headers)
    assert feed.entries[0].title == "\u201cQuoted\u201d \u2013 caf\xe9 na\xefve"
    assert feed.bozo
    assert "windows-1252" in feed.bozo_message.lower()


def test_huge_feed_of_2000_entries_parses() -> None:
    feed = parse(rss_items(2000), FEED_URL)
    assert len(feed.entries) == 2000
    assert feed.entries[-1].id == "buzz-1999"
    assert not feed.bozo


def test_well_formed_feed_without_items_is_an_empty_feed() -> None:
    feed = parse(rss_items(0), FEED_URL)
    assert feed.entries == ()
    assert feed.title == "Buzz"


@pytest.mark.parametrize(
    ("data", "headers", "expected"),
    [
        (b"", None, f"empty response: {FEED_URL} returned no bytes"),
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>",
            {"Content-Type": "text/html; charset=utf-8"},
            f"not a feed: {FEED_URL} is an HTML page",
        ),
        (
            b"<html><body><p>Just a page</p></body></html>",
            None,
            f"not a feed: {FEED_URL} is an HTML page",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, f"not a feed: {FEED_URL} is binary data"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', None, "is JSON"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", None, "is XML but not RSS or Atom"),
        (b"hello, world", None, "is plain text, not XML"),
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<title>x</titel></channel>',
            None,
            f"malformed feed {FEED_URL}: mismatched tag at line 3 — no entries could be read",
        ),
    ],
)
def test_unusable_bytes_raise_one_line_feed_error(
    data: bytes, headers: dict[str, str] | None, expected: str
) -> None:
    with pytest.raises(FeedError) as info:
        parse(data, FEED_URL, headers)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message


def test_bytes_naming_a_local_file_are_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss_items(1))
    with pytest.raises(FeedError, match="plain text"):
        parse(str(path).encode(), FEED_URL)


def test_entity_expansion_bomb_is_refused_without_crash() -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{levels}]>'
        '<rss version="2.0"><channel><title>&l9;</title>'
        "<item><title>a</title><link>https://x.example/a</link></item></channel></rss>"
    ).encode()
    try:
        feed = parse(data, FEED_URL)
    except FeedError:
        return
    assert len(feed.title) < 10_000


def test_non_http_links_are_dropped() -> None:
    data = rss_items(1).replace(b"https://buzz.example/a/0", b"javascript:alert(1)")
    feed = parse(data, FEED_URL)
    assert feed.entries[0].link is None


def parse_or_error(data: bytes) -> Feed | str:
    try:
        return parse(data, FEED_URL)
    except FeedError as exc:
        return str(exc)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_feed_or_a_one_line_feed_error(data: bytes) -> None:
    result = parse_or_error(data)
    assert isinstance(result, Feed) or (result and "\n" not in result)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=600))
def test_any_truncation_of_a_feed_gives_a_feed_or_a_feed_error(cut: int) -> None:
    result = parse_or_error((DATA / "rss20.xml").read_bytes()[:cut])
    if isinstance(result, str):
        assert "\n" not in result
    else:
        assert all(e.link is None or e.link.startswith("https://") for e in result.entries)


GUID_ONLY = (
    '<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>\u00dc</title>'
    "<item><guid>https://x.example/a/1</guid><title>\u00dcn\u00ef</title></item>"
    "</channel></rss>"
)


def test_permalink_guid_gives_the_link_when_there_is_none() -> None:
    feed = parse(GUID_ONLY.format(enc="utf-8").encode(), "https://x.example/rss.xml")
    assert feed.entries[0].link == "https://x.example/a/1"
    assert feed.entries[0].id == "https://x.example/a/1"


def test_utf16_feed_with_bom_parses() -> None:
    feed = parse(GUID_ONLY.format(enc="utf-16").encode("utf-16"), "https://x.example/rss.xml")
    assert feed.entries[0].title == "\u00dcn\u00ef"
    assert not feed.bozo


def test_feed_served_as_text_html_is_still_a_feed() -> None:
    data = GUID_ONLY.format(enc="utf-8").encode()
    feed = parse(data, "https://x.example/rss.xml", {"Content-Type": "text/html; charset=utf-8"})
    assert len(feed.entries) == 1
    assert not feed.bozo
