"""Attribution evidence as real sites print it, read through drift.normalise.

Small hand-written pages in the shapes met on real news sites: syndication notes above
the body or under the byline, canonical / og:url / isBasedOn naming the original, a
byte-identical mirror, credit labels inside a template line, CMS placeholder authors,
junk author markup, and photo credits printed next to their caption.
"""

from __future__ import annotations

import json

import pytest

from drift.analyse import analyse_copy
from drift.attribution import find_attribution_findings
from drift.attribution_names import author_kind, outlet_names
from drift.credits import parse_credit_lines
from drift.model import Article, Credit
from drift.normalise import normalise

ORIGINAL_URL = "https://www.harbor-courier.com/2024/05/24/harbour-floods"
COPY_URL = "https://daily-buzz.example/news/harbour-floods"
PARAGRAPHS = [
    "Floodwater rose through the harbour district on Friday night, forcing more than two"
    " thousand residents from their homes as the river broke its banks.",
    "The council opened three shelters in school halls and said buses would run through"
    " the night to carry families and their belongings to higher ground.",
    "Engineers warned that the sea wall, repaired only last spring, could fail again if"
    " the storm surge forecast for Sunday morning reaches the upper estimate.",
    "Shopkeepers on the quay spent the evening carrying stock upstairs, and several said"
    " they had not been told about the warning until the water reached their doors.",
]
BODY = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def page(
    body: str = BODY,
    *,
    head: str = "",
    above: str = "",
    byline: str = '<p class="byline">By Jane Doe</p>',
    site: str = "The Harbor Courier",
    canonical: str | None = ORIGINAL_URL,
) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><title>Harbour floods | {site}</title>
{link}<meta property="og:site_name" content="{site}">{head}</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<header class="article-header"><h1>Harbour floods force thousands from homes</h1>
{byline}{above}</header>
<article><div class="article-body">{body}</div></article>
<footer><p>© 2024 {site}</p></footer></body></html>""".encode()


ORIGINAL = normalise(page(), ORIGINAL_URL)


def codes(copy_html: bytes, copy_url: str = COPY_URL, original: Article = ORIGINAL) -> list[str]:
    copy = normalise(copy_html, copy_url)
    return [f.code for f in find_attribution_findings(original, copy)]


# --- original identity: canonical, og:url and isBasedOn --------------------------------


def test_byte_identical_mirror_on_another_host_gives_no_findings() -> None:
    data = page()
    original = normalise(data, "http://127.0.0.1:8001/harbour-floods.html")
    mirror = normalise(data, "http://localhost:8002/mirror/harbour-floods.html")
    assert analyse_copy(original, mirror).findings == ()


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(f'<meta property="og:url" content="{ORIGINAL_URL}">', id="og-url"),
        pytest.param(
            '<script type="application/ld+json">'
            + json.dumps({"@type": "NewsArticle", "isBasedOn": ORIGINAL_URL})
            + "</script>",
            id="is-based-on",
        ),
    ],
)
def test_machine_readable_link_to_the_original_counts_as_link_back(head: str) -> None:
    copy = page(head=head, site="Daily Buzz", canonical=COPY_URL)
    assert "attribution.link_missing" not in codes(copy)


def test_canonical_naming_the_original_counts_as_link_back() -> None:
    found = codes(page(site="Daily Buzz", canonical=ORIGINAL_URL))
    assert "attribution.link_missing" not in found
    assert "attribution.canonical_elsewhere" not in found


def test_canonical_naming_the_originals_real_site_when_served_elsewhere() -> None:
    # The original is fetched from a mirror or test host; its canonical is its real site.
    original = normalise(page(), "http://127.0.0.1:8001/story.html")
    found = codes(page(site="Daily Buzz", canonical=ORIGINAL_URL), original=original)
    assert "attribution.link_missing" not in found
    assert "attribution.canonical_elsewhere" not in found


def test_own_canonical_and_no_link_is_still_link_missing() -> None:
    assert "attribution.link_missing" in codes(page(site="Daily Buzz", canonical=COPY_URL))


# --- syndication notes above the body or under the byline -------------------------------

NOTE = (
    'This article was originally published by <a href="{href}">The Harbor Courier</a>'
    " and is republished with permission."
)


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("above", id="under-byline"),
        pytest.param("top", id="above-body"),
    ],
)
def test_syndication_note_outside_the_body_links_back(where: str) -> None:
    note = f'<p class="syndication-note">{NOTE.format(href=ORIGINAL_URL)}</p>'
    if where == "above":
        copy = page(above=note, site="Daily Buzz", canonical=COPY_URL)
    else:
        copy = page(note + BODY, site="Daily Buzz", canonical=COPY_URL)
    article = normalise(copy, COPY_URL)
    assert Credit("Originally published", "The Harbor Courier") in article.credits
    assert not any("originally published" in p for p in article.paragraphs)
    found = codes(copy)
    assert "attribution.link_missing" not in found
    assert "attribution.publisher_missing" not in found


def test_syndication_note_linking_elsewhere_is_no_link_back() -> None:
    note = f'<p class="syndication-note">{NOTE.format(href="/about")}</p>'
    found = codes(page(above=note, site="Daily Buzz", canonical=COPY_URL))
    assert "attribution.link_missing" in found
    assert "attribution.publisher_missing" not in found


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("This story first appeared in The Harbor Courier on May 24.", "The Harbor Courier"),
        ("Republished with permission from harbor-courier.com.", "harbor-courier.com"),
        ("Originally published on The Conversation. Read the original article.", None),
    ],
)
def test_syndication_note_values(line: str, credit: str | None) -> None:
    [found] = parse_credit_lines(line)
    assert found.value == (credit or "The Conversation")


# --- credit labels inside a line ------------------------------------------------------

TEMPLATE = (
    "You are reading the article Harbour floods force thousands from homes at – Source: –"
    ' <a href="{href}">Read the original article here</a>'
)


def test_inline_source_placeholder_in_a_template_line() -> None:
    line = f"<p>{TEMPLATE.format(href=ORIGINAL_URL)}</p>"
    copy = page(BODY + line, site="Daily Buzz", canonical=COPY_URL)
    article = normalise(copy, COPY_URL)
    assert Credit("Source", "–") in article.credits
    assert "attribution.credit_placeholder" in codes(copy)
    assert "attribution.link_missing" not in codes(copy)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Harbour floods – Source: AFP – Read the original article", [("Source", "AFP")]),
        (
            "Story | Source: Reuters | Via: The Harbor Courier",
            [("Source", "Reuters"), ("Via", "The Harbor Courier")],
        ),
        ("Source: The Harbor Courier / AFP", [("Source", "The Harbor Courier / AFP")]),
        ("Nguồn: sưu tầm", [("Nguồn", "sưu tầm")]),
        # A colon inside prose is no label: no separator before it.
        ("The minister named the source: a leaked memo from the port authority.", []),
    ],
)
def test_credit_labels_inside_a_line(line: str, expected: list[tuple[str, str]]) -> None:
    assert [(c.label, c.value) for c in parse_credit_lines(line)] == expected


def test_placeholder_the_original_prints_too_is_no_finding() -> None:
    sources = "<p>Sources:</p><ul><li>Harbour council statement</li></ul>"
    original = normalise(page(BODY + sources), ORIGINAL_URL)
    copy = page(BODY + sources, canonical=ORIGINAL_URL)
    assert "attribution.credit_placeholder" not in codes(copy, original=original)


# --- CMS placeholder and junk authors ------------------------------------------------


@pytest.mark.parametrize(
    "byline",
    [
        "admin",
        "editor",
        "Staff",
        "user",
        "administrator",
        "webmaster",
        "guest",
        "Daily Buzz",
        "jdoe42",
        "news_desk",
        "Follow Author",
        "By",
        "Redaktion",
    ],
)
def test_cms_placeholder_author_on_copy_is_byline_missing(byline: str) -> None:
    copy = page(
        byline=f'<span class="author">{byline}</span>', site="Daily Buzz", canonical=COPY_URL
    )
    found = codes(copy)
    assert "attribution.byline_missing" in found
    assert "attribution.byline_replaced" not in found


@pytest.mark.parametrize(
    "byline",
    [
        '<a class="author" href="/u/1">changesets</a>',
        '<span class="author">J J</span>',
        '<span class="author">J.</span>',
        '<span class="author">Follow</span>',
        '<span class="author">More articles by</span>',
        '<span class="author">Harbour Media Group</span>',
        '<span class="author">d.roe@daily-buzz.example</span>',
        '<span class="author">105092</span>',
    ],
)
def test_junk_author_markup_never_becomes_an_author(byline: str) -> None:
    copy = page(byline=byline, site="Daily Buzz", canonical=COPY_URL)
    article = normalise(copy, COPY_URL)
    assert not any(author_kind(a) == "person" for a in article.authors)
    found = codes(copy)
    assert "attribution.byline_replaced" not in found
    assert "attribution.byline_missing" in found


def test_other_person_on_copy_is_byline_replaced() -> None:
    copy = page(byline='<p class="byline">By John Smith</p>', site="Daily Buzz")
    assert "attribution.byline_replaced" in codes(copy)


def test_joined_names_in_json_ld_are_split() -> None:
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Doe and Li Wei"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    assert normalise(page(head=head), ORIGINAL_URL).authors == ("Jane Doe", "Li Wei")


def test_organisation_author_in_json_ld_is_no_person() -> None:
    ld = {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Harbor Courier"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = normalise(page(head=head, byline=""), ORIGINAL_URL)
    assert article.authors == ()


OWN = outlet_names("Daily Buzz")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Jane Q. Doe", "person"),
        ("J. Smith", "person"),
        ("Dr. Max Kolter", "person"),
        ("Michelle de Oliveira", "person"),
        ("Nguyễn Văn An", "person"),
        ("JÖRG ZSCHOCHE", "person"),
        ("Jean-Pierre O'Neil", "person"),
        ("Doe, Jane", "person"),
        ("Владимир Иванов", "person"),
        ("Ελένη Παπαδοπούλου", "person"),
        ("محمد علي", "person"),
        ("渡辺洋介", "person"),
        ("박준석 기자", "person"),
        ("Jose\u0301 Pe\u0301rez", "person"),  # decomposed accents
        ("राहुल शर्मा", "person"),  # Devanagari vowel signs are combining marks
        ("Paula Steiger (SDA)", "person"),
        ("Jane Doe/AP", "person"),
        ("Associated Press", "organisation"),
        ("AFP", "organisation"),
        ("Stuttgarter Zeitung", "organisation"),
        ("Government of Canada", "organisation"),
        ("harbor-courier.com", "organisation"),
        ("台北時報", "organisation"),
        ("Staff Writer", "placeholder"),
        ("BR24 Redaktion", "placeholder"),
        ("Daily Buzz", "placeholder"),
        ("jdoe42", "placeholder"),
        ("changesets", "placeholder"),
        ("J J", "junk"),
        ("Ilanga D", "junk"),
        ("Sweidah", "junk"),
        ("105092", "junk"),
        ("jane@example.com", "junk"),
    ],
)
def test_author_kind(name: str, kind: str) -> None:
    assert author_kind(name, OWN) == kind


# --- photo credits next to their caption ---------------------------------------------

CAPTION = "Residents wade through the flooded quay on Friday night."
MEDIA_SHAPES = {
    "div-media-credit-p": (
        '<div class="media"><img src="a.jpg"><p class="caption">{cap}</p>'
        '<p class="credit">Photo: {credit}</p></div>'
    ),
    "figure-span-credit": (
        '<figure><img src="a.jpg"><figcaption>{cap}</figcaption>'
        '<span class="credit">{credit}</span></figure>'
    ),
    "credit-before-caption": (
        '<figure><img src="a.jpg"><footer class="credit"><span class="copyright">{credit}'
        '</span></footer><figcaption class="caption">{cap}</figcaption></figure>'
    ),
    "small-credit": (
        '<figure><picture><img src="a.jpg"></picture><figcaption>{cap}</figcaption>'
        "<small>{credit}</small></figure>"
    ),
    "cite-credit": (
        '<div class="image-block"><img src="a.jpg"><div class="caption">{cap}</div>'
        "<cite>{credit}</cite></div>"
    ),
    "caption-credit-class": (
        '<div class="photo"><img src="a.jpg"><p class="photo-caption">{cap}</p>'
        '<p class="photo-caption-credit">{credit}</p></div>'
    ),
    "bare-photo-line": (
        '<div class="wp-block-image"><img src="a.jpg"><p class="wp-caption-text">{cap}</p>'
        "<p>Photo: {credit}</p></div>"
    ),
    "label-only-credit-element": (
        '<figure><img src="a.jpg"><figcaption><span class="caption-text">{cap}</span>'
        '<span class="caption-copyright">Copyright</span>'
        '<span class="caption-credit">{credit}</span></figcaption></figure>'
    ),
    "picture-by-in-caption": (
        '<div class="image"><img src="a.jpg"><div class="image-caption">{cap}'
        " — Picture by {credit}</div></div>"
    ),
    "unmarked-caption-with-foto-line": (
        '<div class="lead-media"><picture><img src="a.jpg"></picture>'
        '<p class="media--lead">{cap}</p><p class="image--author">Foto: {credit}</p></div>'
    ),
}


def media_page(block: str, byline: str = '<p class="byline">By Jane Doe</p>') -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + block
    body += "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    return page(body, byline=byline)


@pytest.mark.parametrize("shape", list(MEDIA_SHAPES))
def test_credit_next_to_caption_is_read_and_kept_out_of_the_body(shape: str) -> None:
    html = media_page(MEDIA_SHAPES[shape].format(cap=CAPTION, credit="Li Wei/AFP"))
    article = normalise(html, ORIGINAL_URL)
    assert [(c.text.rstrip(" .—"), c.credit) for c in article.captions] == [
        (CAPTION.rstrip("."), "Li Wei/AFP")
    ]
    assert not any("Li Wei" in p for p in article.paragraphs)
    assert len(article.paragraphs) == len(PARAGRAPHS)


@pytest.mark.parametrize("shape", list(MEDIA_SHAPES))
def test_faithful_copy_of_a_media_block_keeps_its_credit(shape: str) -> None:
    block = MEDIA_SHAPES[shape].format(cap=CAPTION, credit="Li Wei/AFP")
    original = normalise(media_page(block), ORIGINAL_URL)
    copy = normalise(media_page(block), COPY_URL)
    found = [f.code for f in find_attribution_findings(original, copy)]
    assert "attribution.photo_credit_dropped" not in found


@pytest.mark.parametrize("shape", ["div-media-credit-p", "figure-span-credit", "small-credit"])
def test_media_block_credit_removed_is_photo_credit_dropped(shape: str) -> None:
    original = normalise(
        media_page(MEDIA_SHAPES[shape].format(cap=CAPTION, credit="Li Wei/AFP")), ORIGINAL_URL
    )
    bare = f'<figure><img src="a.jpg"><figcaption>{CAPTION}</figcaption></figure>'
    copy = normalise(media_page(bare), COPY_URL)
    found = [f.code for f in find_attribution_findings(original, copy)]
    assert "attribution.photo_credit_dropped" in found


def test_thumbnail_teaser_and_page_copyright_are_no_captions() -> None:
    teaser = (
        '<div class="teaser"><a href="/other"><img src="t.jpg"><span>Other story headline'
        "</span></a><small>2 hours ago</small></div>"
        '<div class="brand"><img src="logo.png"><p>© 2024 Harbour Media. All rights reserved.'
        "</p></div>"
    )
    assert normalise(media_page(teaser), ORIGINAL_URL).captions == ()


# --- bylines as real sites print them ------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ('<p class="meta-info">von <a href="/autoren/mk">Dr. Max Kolter</a></p>', ("Max Kolter",)),
        (
            '<ul><li class="information-item">Von: <span><a href="/bm">Bill MCCARTHY</a>,'
            '</span> <span><a href="/mg">Marisha GOLDHAMER</a></span></li></ul>',
            ("Bill MCCARTHY", "Marisha GOLDHAMER"),
        ),
        (
            '<ul><li class="list-item"><span>von</span> <span class="bold">Jemima Kelly</span>'
            "</li></ul>",
            ("Jemima Kelly",),
        ),
        ('<p class="meta">By: Jane Doe | May 24, 2024</p>', ("Jane Doe",)),
    ],
)
def test_byline_text_with_the_names_in_the_next_elements(
    byline: str, authors: tuple[str, ...]
) -> None:
    assert normalise(page(byline=byline), ORIGINAL_URL).authors == authors


def test_meta_author_without_a_person_gives_way_to_the_next_tag() -> None:
    head = (
        '<meta name="author" content="d.roe@harbor-courier.com">'
        '<meta name="twitter:misc:Written by" content="Dana Roe">'
    )
    assert normalise(page(head=head, byline=""), ORIGINAL_URL).authors == ("Dana Roe",)


def test_prose_starting_with_by_is_no_byline() -> None:
    prose = "By the end of the week the water had reached the old town hall."
    article = normalise(page(BODY + f"<p>{prose}</p>"), ORIGINAL_URL)
    assert prose in article.paragraphs
    assert article.authors == ("Jane Doe",)


@pytest.mark.parametrize(
    "teaser",
    [
        '<div class="most-read"><a href="/b">Other story</a>'
        '<div class="teaser__byline byline">von <a rel="author" href="/a/sk">Stefan Kaufmann'
        "</a></div></div>",
        '<section class="related-articles"><div class="authors">Von Anna Sleegers</div>'
        '<a href="/c">Another story</a></section>',
    ],
)
def test_teaser_byline_is_not_the_copys_author(teaser: str) -> None:
    copy = page(BODY + teaser, byline="", site="Daily Buzz", canonical=ORIGINAL_URL)
    assert normalise(copy, COPY_URL).authors == ()
    found = codes(copy)
    assert "attribution.byline_missing" in found
    assert "attribution.byline_replaced" not in found


def test_page_footer_by_line_is_no_author() -> None:
    footer = (
        "<footer><p>Use of this site is governed by <a href='/p'>Privacy Policy</a></p>"
        "<p>by Harbour Media Group</p></footer>"
    )
    copy = page(BODY, byline="", site="Daily Buzz").replace(
        b"</body>", footer.encode() + b"</body>"
    )
    assert normalise(copy, COPY_URL).authors == ()
    assert "attribution.byline_replaced" not in codes(copy)


def test_person_the_original_names_is_no_impostor() -> None:
    # The original credits its photographer; a copy whose reader falls back to that name.
    block = MEDIA_SHAPES["figure-span-credit"].format(cap=CAPTION, credit="Petra Lerch")
    original = normalise(media_page(block), ORIGINAL_URL)
    copy = normalise(media_page(block, byline='<p class="byline">By Petra Lerch</p>'), COPY_URL)
    found = [f.code for f in find_attribution_findings(original, copy)]
    assert "attribution.byline_replaced" not in found
    assert "attribution.byline_missing" in found


@pytest.mark.parametrize(
    ("figcaption", "credit"),
    [
        (
            f'<span class="caption">{CAPTION}</span> <span class="credit">Photo by Petra Lerch'
            '</span> /<span class="distributor">Harbour Wire</span>',
            "Petra Lerch / Harbour Wire",
        ),
        (
            f'<span class="caption__text">{CAPTION}</span><span class="caption__copyright">'
            'Tous droits réservés&nbsp;</span><span class="caption__credit">Harbour Wire</span>',
            "Harbour Wire",
        ),
    ],
    ids=["credit-and-distributor", "bare-label-then-name"],
)
def test_credit_in_two_sibling_spans_is_read_whole(figcaption: str, credit: str) -> None:
    block = f'<figure><img src="a.jpg"><figcaption>{figcaption}</figcaption></figure>'
    captions = normalise(media_page(block), ORIGINAL_URL).captions
    assert [(c.text, c.credit) for c in captions] == [(CAPTION, credit)]


@pytest.mark.parametrize(
    ("figcaption", "credit"),
    [
        (f"<span>{CAPTION}</span> <span>Petra Lerch/dpa</span>", "Petra Lerch/dpa"),
        (f'<span class="t">{CAPTION}</span> <span class="p"> (Petra Lerch) </span>', "Petra Lerch"),
        (f'<span class="small">{CAPTION} Credits: Petra Lerch;</span>', "Petra Lerch"),
        (f"{CAPTION} Fotoğraf : Petra Lerch/AA", "Petra Lerch/AA"),
    ],
    ids=["unmarked-last-span", "last-span-in-parentheses", "credits-label", "fotograf-label"],
)
def test_figcaption_credit_without_credit_markup(figcaption: str, credit: str) -> None:
    block = f'<figure><img src="a.jpg"><figcaption>{figcaption}</figcaption></figure>'
    captions = normalise(media_page(block), ORIGINAL_URL).captions
    assert [(c.text, c.credit) for c in captions] == [(CAPTION, credit)]


@pytest.mark.parametrize(
    "figcaption",
    [
        f"<span>{CAPTION}</span> <span>Read more.</span>",
        f"<span>{CAPTION}</span> <span>Residents wade through the flooded quay again</span>",
        "<span>Petra Lerch/dpa</span>",
    ],
    ids=["sentence", "as-long-as-caption", "single-span"],
)
def test_figcaption_spans_without_a_credit_give_none(figcaption: str) -> None:
    block = f'<figure><img src="a.jpg"><figcaption>{figcaption}</figcaption></figure>'
    captions = normalise(media_page(block), ORIGINAL_URL).captions
    assert [c.credit for c in captions] == [None]


def test_site_owner_in_meta_author_is_no_byline_replacement() -> None:
    # <meta name="author"> names the company owning the site (a person-shaped name, as
    # "Axel Springer"); <meta name="copyright"> says so; the copy's byline is a placeholder.
    head = (
        '<meta name="author" content="Brenner Hartwig">'
        '<meta name="copyright" content="Copyright (c) Brenner Hartwig 2024">'
    )
    copy = page(head=head, byline='<p class="byline">By admin</p>', site="Daily Buzz")
    assert "Brenner Hartwig" not in normalise(copy, COPY_URL).authors
    found = codes(copy)
    assert "attribution.byline_replaced" not in found
    assert "attribution.byline_missing" in found
