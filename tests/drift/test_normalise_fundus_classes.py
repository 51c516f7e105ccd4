"""drift.normalise's headline reader on the markup classes real news pages show.

Each test is a small hand-written page of one shape: a sharing og:title written apart
from the headline, a JSON-LD headline the visible <h1> confirms (or does not), a
sharing title that frames the headline with site and section parts, HTML entities
left inside JSON-LD text.
"""

from __future__ import annotations

import json

import pytest

from drift.normalise import normalise

LEAD = (
    "The harbour authority said on Monday that the night ferry would stop running in "
    "November, after the operator lost two thirds of its passengers in a year."
)
SECOND = (
    "Councillors asked the authority to publish the figures behind the decision and to "
    "hold a public meeting in the town hall before the last crossing."
)
URL = "https://news.example/ferry"


def page(*, h1: str | None = None, head: str = "", headline: str | None = None) -> bytes:
    if headline is not None:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline}
        head += f'<script type="application/ld+json">{json.dumps(data)}</script>'
    heading = f"<h1>{h1}</h1>" if h1 is not None else ""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head>"
        f"<body><article>{heading}<p>{LEAD}</p><p>{SECOND}</p></article></body></html>"
    ).encode()


def og(title: str, site: str | None = None) -> str:
    tags = f"<meta property='og:title' content='{title}'>"
    return tags + (f"<meta property='og:site_name' content='{site}'>" if site else "")


HEADLINE = "Night ferry to stop in November as passengers stay away"
SHARING = "Why the night ferry is ending"


def test_the_h1_confirms_the_json_ld_headline_over_a_sharing_og_title() -> None:
    html = page(h1=HEADLINE, head=og(SHARING), headline=HEADLINE)
    art = normalise(html, URL)
    assert art.title == HEADLINE
    assert art.provenance["title"] == "json-ld"


def test_the_json_ld_headline_comes_before_og_title_when_no_h1_decides() -> None:
    art = normalise(page(head=og(SHARING), headline=HEADLINE), URL)
    assert art.title == HEADLINE
    art = normalise(page(h1="Ferry news", head=og(SHARING), headline=HEADLINE), URL)
    assert art.title == HEADLINE


def test_the_h1_confirming_og_title_wins_over_a_json_ld_headline() -> None:
    html = page(
        h1=SHARING, head=og(f"{SHARING} | Harbour Ledger", "Harbour Ledger"), headline=HEADLINE
    )
    art = normalise(html, URL)
    assert art.title == SHARING
    assert art.provenance["title"] == "og"


@pytest.mark.parametrize(
    "og_title",
    [
        f"{HEADLINE} | Harbour Ledger",  # a site part the page does not name
        f"{HEADLINE} - Local | Ledger.example",  # section and site
        f"Ferries | {HEADLINE}",  # a section before the headline
        f"{HEADLINE}：ハーバー新聞",  # a full-width colon before the site name
        f"{HEADLINE}-지역ㅣ항구일보",  # Korean section and site marks, no spaces
    ],
)
def test_a_sharing_title_framing_the_h1_gives_the_h1(og_title: str) -> None:
    art = normalise(page(h1=HEADLINE, head=og(og_title)), URL)
    assert art.title == HEADLINE
    assert art.provenance["title"] == "h1"


def test_a_kicker_before_a_colon_is_part_of_the_headline() -> None:
    # "Kicker: headline" is one headline; only site separators frame one.
    title = f"Harbour: {HEADLINE}"
    art = normalise(page(h1=HEADLINE, head=og(title)), URL)
    assert art.title == title


def test_html_entities_inside_json_ld_text_are_decoded() -> None:
    headline = "Ferry operator: &quot;We tried everything&quot; &amp; more"
    art = normalise(page(headline=headline, h1='Ferry operator: "We tried everything" & more'), URL)
    assert art.title == 'Ferry operator: "We tried everything" & more'
    assert art.provenance["title"] == "json-ld"


def test_a_json_ld_headline_cut_short_gives_the_full_h1() -> None:
    full = f"{HEADLINE} after the operator lost two thirds of its passengers"
    art = normalise(page(h1=full, head=og(SHARING), headline=full[:90]), URL)
    assert art.title == full
    assert art.provenance["title"] == "h1"


def test_an_h1_that_is_the_site_name_frames_nothing() -> None:
    head = og("September open thread - The Harbour Blog", "The Harbour Blog")
    art = normalise(page(h1="The Harbour Blog", head=head), URL)
    assert art.title == "September open thread"
    assert art.provenance["title"] == "og"
