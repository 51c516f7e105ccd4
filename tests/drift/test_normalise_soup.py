"""drift.normalise reads fields from soups built over located parts of a page.

Each test puts the evidence where only the ancestor copies, the sibling walk after
the body or a located block far from the article can carry it into the soup.
"""

from __future__ import annotations

import lxml.html
import pytest

from drift.locate import located_soup
from drift.model import Caption, Credit, Link
from drift.normalise import normalise, parse_html

LEAD = (
    "On May 24, the news agency reported that a large set of files had leaked from the "
    "ministry, and officials said they were studying the matter closely."
)
SECOND = (
    "The spokesperson told reporters that the ministry firmly opposes the publication of "
    "the documents and called them fabricated from start to finish."
)
THIRD = (
    "According to the report, 2,800 pages were published by a group of researchers on "
    "Tuesday morning, several hours before the ministry reacted."
)
URL = "https://copy.example/a/1"


def page(body: str, head: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head>"
        f"<body><div class='site'><div class='main'>{body}</div>"
        "<footer><div class='legal'><p>© 2026 Daily Buzz Hub. All rights reserved.</p></div>"
        "</footer></div></body></html>"
    ).encode()


def test_parse_html_keeps_class_and_rel_as_one_string() -> None:
    soup = parse_html("<p class='a b' rel='x y'>hi</p>")
    assert soup.p is not None
    assert soup.p.get("class") == "a b"
    assert soup.p.get("rel") == "x y"


def test_located_soup_keeps_only_the_ancestors_readers_test() -> None:
    tree = lxml.html.document_fromstring(
        "<html><body><div class='a'><figure><div class='b'><figcaption>Cap</figcaption>"
        "</div></figure><p>Other</p></div></body></html>"
    )
    soup = located_soup(tree, tree.xpath("//figcaption"))
    names = [t.name for t in soup.find_all(True)]
    assert names == ["html", "body", "figure", "figcaption"]


def test_located_soup_frames_keep_every_ancestor_and_sibling_order() -> None:
    tree = lxml.html.document_fromstring(
        "<html><body><div id='x'><p>One</p><p>Two</p><p>Three</p></div></body></html>"
    )
    ps = tree.xpath("//p")
    soup = located_soup(tree, ps[:1], framed=ps)
    first = soup.find("p")
    assert first is not None
    assert first.parent is not None
    assert first.parent.get("id") == "x"
    second = first.find_next_sibling()
    assert second is not None
    assert (second.name, second.get_text()) == ("p", "")


def test_credit_line_inside_a_deep_caption_stays_a_photo_credit() -> None:
    body = (
        f"<article><h1>Files leaked</h1><p>{LEAD}</p>"
        "<figure><div class='wrap'><div class='inner'><img src='/a.jpg'>"
        "<figcaption>The ministry building <span>Photo: Jane Roe</span></figcaption>"
        f"</div></div></figure><p>{SECOND}</p><p>{THIRD}</p></article>"
        "<div class='box'><div class='deep'><p>Source: AFP</p></div></div>"
    )
    article = normalise(page(body), URL)
    assert article.captions == (Caption(text="The ministry building", credit="Jane Roe"),)
    assert article.credits == (Credit("Source", "AFP"),)
    assert article.wire_services == ("AFP",)


def test_links_in_a_menu_inside_the_article_are_not_body_links() -> None:
    body = (
        f"<article><h1>Files leaked</h1><p>{LEAD} <a href='/report'>the report</a></p>"
        f"<nav><ul><li><a href='/tags/ministry'>studying the matter</a></li></ul></nav>"
        f"<p>{SECOND}</p><p>{THIRD}</p></article>"
    )
    links = normalise(page(body), URL).links
    assert Link(href="https://copy.example/report", text="the report") in links
    assert all(link.text != "studying the matter" for link in links)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("<a class='read-more' href='#'>Read the original article</a>", True),
        ("<div class='note'><p><a href='#'>Read the original article</a></p></div>", True),
        (
            "<div class='share-bar'><a href='/s'>Share</a></div>"
            "<p><a href='#'>Read the original article</a></p>",
            False,
        ),
    ],
)
def test_links_right_after_the_body_stop_at_furniture(after: str, expected: bool) -> None:
    body = (
        f"<div class='story'><h1>Files leaked</h1><div class='text'><p>{LEAD}</p><p>{SECOND}</p>"
        f"<p>{THIRD}</p></div>{after}</div>"
    )
    links = normalise(page(body), URL).links
    assert (Link(href="#", text="Read the original article") in links) is expected


def test_microdata_publisher_inside_wrappers_and_footer_copyright() -> None:
    body = (
        f"<article><h1>Files leaked</h1><p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p></article>"
        "<div itemprop='publisher' itemscope><div class='logo'><div>"
        "<span itemprop='name'>Harbour Ledger</span></div></div></div>"
    )
    assert normalise(page(body), URL).publisher == "Harbour Ledger"
    no_microdata = f"<article><h1>Files leaked</h1><p>{LEAD}</p><p>{SECOND}</p></article>"
    assert normalise(page(no_microdata), URL).publisher == "Daily Buzz Hub"


def test_meta_tags_no_reader_asks_for_do_not_shadow_those_it_does() -> None:
    head = (
        "<meta name='viewport' content='width=device-width'>"
        "<meta property='og:type' content='article'>"
        "<meta name='AUTHOR' content='Jane Doe'>"
        "<meta property='og:site_name' content='Daily Buzz Hub'>"
        "<link rel='Canonical' href='/a/1'>"
    )
    body = f"<article><h1>Files leaked</h1><p>{LEAD}</p><p>{SECOND}</p></article>"
    article = normalise(page(body, head), URL)
    assert article.authors == ("Jane Doe",)
    assert article.publisher == "Daily Buzz Hub"
    assert article.canonical == URL
