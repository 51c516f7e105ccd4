"""drift.normalise on small hand-written pages: body templates, bylines, credits, captions."""

from __future__ import annotations

from pathlib import Path

import pytest

from drift.model import Caption, Credit, Link
from drift.normalise import normalise

PAGES = Path(__file__).parent / "pages"

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


def page(body: str, head: str = "", lang: str = "en") -> bytes:
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>{body}"
        "<footer><a href='/about'>About us</a></footer></body></html>"
    ).encode()


def test_plain_paragraph_body_drops_navigation_and_teasers() -> None:
    html = page(
        f"<article><h1>Files leaked</h1><p>{LEAD}</p><div class='ad'>Advertisement</div>"
        f"<p>{SECOND}</p><p>{THIRD}</p></article>"
        "<aside><h3>Most read</h3><ul><li><a href='/x'>Another story</a></li></ul></aside>"
        "<div class='newsletter'>Sign up for our daily newsletter</div>"
    )
    art = normalise(html, "https://news.example/a")
    assert art.paragraphs == (LEAD, SECOND, THIRD)
    assert art.title == "Files leaked"
    assert art.language == "en"


def test_div_paragraph_body() -> None:
    html = page(
        f"<div class='story-body'><div class='para'>{LEAD}</div><div class='para'>{SECOND}</div>"
        f"<div class='para'>{THIRD}</div></div>"
    )
    art = normalise(html, "https://news.example/a")
    assert art.paragraphs == (LEAD, SECOND, THIRD)


def test_jsonld_only_metadata_and_body() -> None:
    body_text = f"{LEAD}\\n\\n{SECOND}\\n\\n{THIRD}"
    jsonld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"WebSite","name":"Site"},{"@type":"NewsArticle","headline":"Ministry responds",'
        '"author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],'
        '"publisher":{"@type":"Organization","name":"The Example Times"},'
        '"datePublished":"2022-05-24T10:00:00Z","dateModified":"2022-05-24T12:30:00+02:00",'
        '"isBasedOn":{"@id":"https://origin.example/story"},'
        f'"articleBody":"{body_text}"'
        "}]}</script>"
    )
    art = normalise(page("<div id='app'></div>", head=jsonld), "https://news.example/a")
    assert art.title == "Ministry responds"
    assert art.authors == ("Jane Doe", "John Roe")
    assert art.publisher == "The Example Times"
    assert art.published == "2022-05-24T10:00:00+00:00"
    assert art.modified == "2022-05-24T12:30:00+02:00"
    assert art.is_based_on == "https://origin.example/story"
    assert art.paragraphs == (LEAD, SECOND, THIRD)
    assert art.provenance["authors"] == "json-ld"
    assert art.provenance["publisher"] == "json-ld"


def test_title_drops_site_suffix() -> None:
    head = "<title>Ministry responds to leak | The Example Times</title>"
    art = normalise(page(f"<p>{LEAD}</p><p>{SECOND}</p>", head=head), "https://e.example/a")
    assert art.title == "Ministry responds to leak"
    head = (
        "<meta property='og:title' content='Ministry responds - Daily Buzz'>"
        "<meta property='og:site_name' content='Daily Buzz'>"
    )
    art = normalise(page(f"<p>{LEAD}</p><p>{SECOND}</p>", head=head), "https://e.example/a")
    assert art.title == "Ministry responds"
    assert art.provenance["title"] == "og"


@pytest.mark.parametrize(
    ("byline", "authors", "wires"),
    [
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe"), ()),
        ("By Jane Doe, Reuters", ("Jane Doe",), ("Reuters",)),
        ("Por María Pérez", ("María Pérez",), ()),
    ],
)
def test_byline_in_text(byline: str, authors: tuple[str, ...], wires: tuple[str, ...]) -> None:
    html = page(f"<article><h1>T</h1><p>{byline}</p><p>{LEAD}</p><p>{SECOND}</p></article>")
    art = normalise(html, "https://e.example/a")
    assert art.authors == authors
    assert art.wire_services == wires
    assert byline not in art.paragraphs
    assert art.provenance["authors"] == "byline-text"


def test_byline_in_meta_and_generic_names_skipped() -> None:
    head = "<meta name='author' content='Jane Doe'>"
    html = page(f"<p class='byline'>By Staff</p><p>{LEAD}</p><p>{SECOND}</p>", head=head)
    art = normalise(html, "https://e.example/a")
    assert art.authors == ("Jane Doe",)
    assert art.provenance["authors"] == "meta"
    only_staff = normalise(page(f"<p>By Staff</p><p>{LEAD}</p><p>{SECOND}</p>"), "https://e/a")
    assert only_staff.authors == ("Staff",)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Source: AFP", Credit("Source", "AFP")),
        ("Source: –", Credit("Source", "–")),
        ("Nguồn:", Credit("Nguồn", "")),
        ("Via: N/A", Credit("Via", "N/A")),
        (
            "Originally published: The Example Times",
            Credit("Originally published", "The Example Times"),
        ),
        ("Credit: Reuters", Credit("Credit", "Reuters")),
        ("Fuente: EFE", Credit("Fuente", "EFE")),
        ("Quelle: dpa", Credit("Quelle", "dpa")),
        ("Источник: ТАСС", Credit("Источник", "ТАСС")),
        ("来源：新华社", Credit("来源", "新华社")),
        ("<strong>Source:</strong> <a href='#'>AFP</a>", Credit("Source", "AFP")),
    ],
)
def test_credit_lines_are_read_and_kept_out_of_the_body(line: str, credit: Credit) -> None:
    html = page(f"<article><p>{LEAD}</p><p>{SECOND}</p><p>{line}</p></article>")
    art = normalise(html, "https://e.example/a")
    assert credit in art.credits
    assert all(credit.label not in p for p in art.paragraphs)
    assert art.paragraphs == (LEAD, SECOND)


def test_wire_services_from_credits_and_datelines() -> None:
    html = page(f"<p>BEIJING (AFP) – {LEAD}</p><p>{SECOND}</p><p>Source: Reuters</p>")
    art = normalise(html, "https://e.example/a")
    assert art.wire_services == ("AFP", "Reuters")
    plain = normalise(page(f"<p>{LEAD}</p><p>{SECOND}</p>"), "https://e.example/a")
    assert plain.wire_services == ()


def test_captions_with_credits_are_kept_apart() -> None:
    html = page(
        f"<article><p>{LEAD}</p>"
        "<figure><img src='a.jpg'><figcaption>The minister on May 24 "
        "<span class='credit'>Photo: Jane Roe/AFP</span></figcaption></figure>"
        "<figure><img src='b.jpg'><figcaption>Crowds outside (Photo: Reuters)</figcaption></figure>"
        "<figure><img src='c.jpg'><figcaption>An empty hall © The Example Times</figcaption>"
        "</figure>"
        "<figure><img src='d.jpg'><figcaption>No credit here</figcaption></figure>"
        f"<p>{SECOND}</p></article>"
    )
    art = normalise(html, "https://e.example/a")
    assert art.captions == (
        Caption("The minister on May 24", "Jane Roe/AFP"),
        Caption("Crowds outside", "Reuters"),
        Caption("An empty hall", "The Example Times"),
        Caption("No credit here", None),
    )
    assert art.paragraphs == (LEAD, SECOND)
    assert art.wire_services == ()  # a photo agency is not the text's wire service


def test_links_inside_body_resolved_and_placeholders_kept_verbatim() -> None:
    html = page(
        f"<article><p>{LEAD} <a href='/report'>the report</a></p>"
        f"<p>{SECOND} <a href='https://origin.example/story'>original story</a></p>"
        "<p><a href='#'>Read the original article here</a></p>"
        "<p>Source: <a href='javascript:void(0)'>AFP</a></p></article>"
    )
    art = normalise(html, "https://news.example/2022/a")
    assert Link("https://news.example/report", "the report") in art.links
    assert Link("https://origin.example/story", "original story") in art.links
    assert Link("#", "Read the original article here") in art.links
    assert Link("javascript:void(0)", "AFP") in art.links
    assert all(ln.text not in ("Home", "World", "About us") for ln in art.links)


def test_canonical_og_url_dates_and_language_from_meta() -> None:
    head = (
        "<link rel='canonical' href='/a/123'><meta property='og:url' content='https://e.example/og'>"
        "<meta property='article:published_time' content='2022-05-25T03:00:00Z'>"
        "<meta property='og:locale' content='vi_VN'>"
    )
    art = normalise(
        page(f"<p>{LEAD}</p><p>{SECOND}</p>", head=head, lang=""), "https://e.example/x"
    )
    assert art.canonical == "https://e.example/a/123"
    assert art.og_url == "https://e.example/og"
    assert art.published == "2022-05-25T03:00:00+00:00"
    assert art.language == "vi"
    assert art.provenance["language"] == "og"


def test_time_element_and_copyright_publisher() -> None:
    html = page(
        f"<article><time datetime='2021-03-04T05:06:07+01:00'>4 March</time><p>{LEAD}</p>"
        f"<p>{SECOND}</p></article>"
        "<div class='legal'>© 2021 The Example Times. All rights reserved.</div>"
    )
    art = normalise(html, "https://e.example/a")
    assert art.published == "2021-03-04T05:06:07+01:00"
    assert art.publisher == "The Example Times"
    assert art.provenance["publisher"] == "copyright"


def test_fixture_copy_page() -> None:
    art = normalise((PAGES / "copy_vi.html").read_bytes(), "https://republisher.example/a/123")
    assert art.title == "Leak of files, ministry spoke up"
    assert art.publisher == "Daily Buzz Hub"
    assert Credit("Source", "–") in art.credits
    assert Credit("Nguồn", "") in art.credits
    assert art.wire_services[0] == "AFP"
    assert Link("#", "Read the original article here") in art.links
    assert "Advertisement" not in art.paragraphs
    assert art.captions[0].credit == "China's Ministry of Foreign Affairs"
    assert len(art.paragraphs) == len(set(art.paragraphs))


FOURTH = (
    "Officials at the port said the backlog of ships waiting outside the harbour had "
    "grown to eleven vessels by Wednesday evening, the highest number this year."
)
FIFTH = (
    "Union leaders said they were ready to return to the table if the operator withdrew "
    "its proposal, but no date for new talks had been set by late afternoon."
)
SIXTH = (
    "Shipping lines have begun diverting cargo to Gothenburg and Aarhus, and freight "
    "forwarders warned that the delays would reach inland warehouses next week."
)


def test_body_split_by_ad_blocks_is_joined_in_order() -> None:
    html = page(
        "<article><h1>Port strike</h1>"
        f"<div class='body-part'><p>{LEAD}</p><p>{SECOND}</p><p>{THIRD}</p></div>"
        "<div class='ad-slot' data-ad-slot='mid'>Advertisement</div>"
        f"<div class='body-part'><p>{FOURTH}</p><p>{FIFTH}</p><p>{SIXTH}</p></div>"
        "</article>"
    )
    art = normalise(html, "https://e.example/a")
    assert art.paragraphs == (LEAD, SECOND, THIRD, FOURTH, FIFTH, SIXTH)


def test_amp_page() -> None:
    html = (
        "<!doctype html><html ⚡ lang='en'><head><meta charset='utf-8'>"
        "<link rel='canonical' href='https://e.example/story'>"
        "<script async src='https://cdn.ampproject.org/v0.js'></script>"
        "<title>Port strike | Example</title></head><body>"
        "<amp-sidebar id='menu' layout='nodisplay'><a href='/'>Home</a></amp-sidebar>"
        f"<article><h1>Port strike</h1><p>{LEAD}</p>"
        "<amp-img src='a.jpg' width='600' height='400' layout='responsive'></amp-img>"
        f"<p>{SECOND}</p><amp-ad width='300' height='250' type='x'></amp-ad><p>{THIRD}</p>"
        "</article></body></html>"
    ).encode()
    art = normalise(html, "https://e.example/story/amp")
    assert art.paragraphs == (LEAD, SECOND, THIRD)
    assert art.canonical == "https://e.example/story"


def test_cookie_banner_and_comments_are_not_body() -> None:
    html = page(
        "<div class='cookie-notice' role='dialog'><p>We use cookies to personalise content "
        "and ads and to analyse our traffic. You can change your choice at any time.</p></div>"
        f"<article><p>{LEAD}</p><p>{SECOND}</p></article>"
        "<section class='comments'><h3>Comments (2)</h3><p>Great article, thanks!</p></section>"
    )
    art = normalise(html, "https://e.example/a")
    assert art.paragraphs == (LEAD, SECOND)


def test_byline_affiliation_is_not_an_author() -> None:
    html = page(
        "<article><div class='story-meta'><span class='author-name'>By <a rel='author' "
        "href='/a/ml'>Mara Lind</a> and <a rel='author' href='/a/to'>Tomás Ortega</a>, "
        f"The Harbour Ledger</span></div><p>{LEAD}</p><p>{SECOND}</p></article>"
    )
    art = normalise(html, "https://e.example/a")
    assert art.authors == ("Mara Lind", "Tomás Ortega")
    assert art.provenance["authors"] == "markup"


def test_links_right_after_the_body_count_but_furniture_does_not() -> None:
    html = page(
        f"<article><h1>T</h1><div class='content'><p>{LEAD}</p><p>{SECOND}</p></div>"
        "<div class='source-box'><a href='#'>Read the original article here</a></div>"
        "<div class='tags'><a href='/tag/ministry'>Ministry</a></div></article>"
        "<aside><a href='/y'>Other story about ministry leaks today</a></aside>"
    )
    art = normalise(html, "https://e.example/a")
    assert art.links == (Link("#", "Read the original article here"),)


def test_caption_credit_label_and_language_from_header() -> None:
    html = (
        "<html><head><meta charset='utf-8'><title>Storm</title></head><body><article>"
        f"<p>{LEAD}</p><figure><img src='a.jpg'><figcaption>Flooded road near the coast "
        f"Credit: Ola Nord</figcaption></figure><p>{SECOND}</p></article></body></html>"
    ).encode()
    art = normalise(html, "https://e.example/a", {"Content-Language": "nb-NO"})
    assert art.captions == (Caption("Flooded road near the coast", "Ola Nord"),)
    assert art.credits == ()  # a photo credit is not a credit line of the text
    assert art.language == "nb"
    assert art.provenance["language"] == "header"


@pytest.mark.parametrize(
    ("title_tag", "expected"),
    [
        ("Oil steadies as supply worries ease - Reuters", "Oil steadies as supply worries ease"),
        ("Grève dans les ports : le trafic reprend", "Grève dans les ports : le trafic reprend"),
        ("Fish market closes for winter :: Harbour Ledger", "Fish market closes for winter"),
    ],
)
def test_title_tag_site_part_is_guessed_only_at_site_separators(
    title_tag: str, expected: str
) -> None:
    html = f"<html><head><title>{title_tag}</title></head><body><p>{LEAD}</p><p>{SECOND}</p>"
    art = normalise(html.encode(), "https://e.example/a")
    assert art.title == expected
    assert art.provenance["title"] == "title"


def test_meta_author_with_by_prefix() -> None:
    head = "<meta name='author' content='By Jane Doe and John Roe'>"
    art = normalise(page(f"<p>{LEAD}</p><p>{SECOND}</p>", head=head), "https://e.example/a")
    assert art.authors == ("Jane Doe", "John Roe")
