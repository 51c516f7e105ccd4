"""Body shapes: a body written in <div>s, <section>s, <span>s, <br>-separated text or an old
<table> layout reads as the same paragraphs as one written in <p>s, everywhere.

Small hand-written pages through drift.normalise, triage's sketch and drift.analyse:
paragraph-like blocks (drift.blocks), nested extractor output (drift.extractor), a JSON-LD
articleBody longer than the visible text, and furniture printed after the body.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from drift.analyse import analyse_copy
from drift.extractor import output_paragraphs
from drift.model import Article
from drift.normalise import normalise
from syndiwatch.triage import sketch_page

PARAS = (
    "On May 24, the news agency reported that a large set of files had leaked from the "
    "ministry, and officials said they were studying the matter closely.",
    "The spokesperson told reporters that the ministry firmly opposes the publication of the "
    "documents and called them fabricated from start to finish.",
    "According to the report, 2,800 pages were published by a group of researchers on "
    "Tuesday morning, several hours before the ministry reacted.",
    "Researchers said the files covered a period of ten years and included budgets, internal "
    "memos and the minutes of several closed meetings.",
    "The ministry said it would ask the courts to stop any further publication, and that an "
    "inquiry into the leak would report by the end of June.",
)
# Furniture a template prints between body paragraphs (an ad, a related box, a sign-up
# box, a price): none of it may reach the body.
FURNITURE = (
    "<div class='ad'>Advertisement</div>",
    "<div class='related'><h4>Related</h4><a href='/x'>Prices rise 5% in March</a></div>",
    "<div class='newsletter'>Sign up for our daily newsletter</div>",
    "<div class='price'>$4.99 a month</div>",
)
ORIGINAL_LINK = "https://harbor.example/story"
AFTER = (
    f"<div class='source'>Read the original at <a href='{ORIGINAL_LINK}'>The Harbor "
    "Courier</a>.</div>"
)


def page(body: str, head: str = "") -> bytes:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Files leaked</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<h1>Files leaked</h1>{body}<footer><a href='/about'>About us</a></footer>"
        "</body></html>"
    ).encode()


def interleaved(wrap: Callable[[str], str]) -> str:
    out: list[str] = []
    for i, para in enumerate(PARAS):
        out.append(wrap(para))
        if i < len(FURNITURE):
            out.append(FURNITURE[i])
    return "".join(out)


def _wrapped(tag: str, attrs: str = "") -> Callable[[str], str]:
    return lambda text: f"<{tag}{attrs}>{text}</{tag}>"


SHAPES: dict[str, str] = {
    "p": "<article>" + interleaved(_wrapped("p")) + "</article>",
    "div": "<div class='story'>" + interleaved(_wrapped("div", " class='para'")) + "</div>",
    "section": "<div class='story'>" + interleaved(_wrapped("section")) + "</div>",
    "span": "<div class='story'>" + interleaved(_wrapped("span", " class='txt'")) + "</div>",
    "br": "<div class='story'>"
    + "<br><br>".join(PARAS[:3])
    + FURNITURE[0]
    + "<br><br>".join(PARAS[3:])
    + "</div>",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_body_shape_reads_as_paragraphs(shape: str) -> None:
    art = normalise(page(SHAPES[shape] + AFTER), "https://news.example/a")
    assert art.paragraphs == PARAS
    assert ORIGINAL_LINK in [link.href for link in art.links]  # the block after the body


def _table(cell: str, after: str) -> str:
    return (
        "<table><tr><td class='nav'><a href='/'>Home</a><br><a href='/w'>World</a></td>"
        f"<td>{cell}{after}</td></tr></table>"
    )


def test_table_layout_reads_like_the_same_layout_in_paragraphs() -> None:
    br_cell = "<font face='Arial'>" + "<br><br>".join(PARAS) + "</font>"
    p_cell = "".join(f"<p>{t}</p>" for t in PARAS)
    old = normalise(page(_table(br_cell, AFTER)), "https://news.example/a")
    new = normalise(page(_table(p_cell, AFTER)), "https://news.example/a")
    assert old.paragraphs == new.paragraphs
    assert old.paragraphs[: len(PARAS)] == PARAS
    assert "Home" not in " ".join(old.paragraphs)  # the menu cell is not glued to the body
    assert ORIGINAL_LINK in [link.href for link in old.links]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_triage_counts_paragraph_like_blocks(shape: str) -> None:
    sketch = sketch_page(page(SHAPES[shape]))
    assert sketch.article_like
    assert sketch.paragraph_words == sketch_page(page(SHAPES["p"])).paragraph_words


def test_lone_sentence_blocks_stay_out_of_the_body() -> None:
    body = (
        "<article>"
        + "".join(f"<p>{t}</p>" for t in PARAS)
        + "</article><div class='promo'><span class='intro'>Wait! Before you go</span>"
        "<span class='text'> on about your day, ask yourself how likely it is that this story"
        " would have been told without us.</span></div>"
        "<div class='card'><div class='summary'>Another story: the ministry faced questions "
        "over a separate leak of tax files last year.</div></div>"
    )
    art = normalise(page(body), "https://news.example/a")
    assert art.paragraphs == PARAS


def test_signup_box_and_hidden_text_are_not_paragraphs() -> None:
    box = (
        "<div class='box'><h2>Get daily news</h2><div>Get the day's news delivered to your inbox "
        "so you never miss the day's top stories.</div><form><input type='email'>"
        "<button>Go</button></form><div>By providing your email address, you agree to our "
        "terms and conditions and our privacy policy.</div></div>"
    )
    hidden = (
        "<div class='story'><span class='hidden'>image.jpg 540 960 admin 2018-10-15 10:33 "
        "uploaded by the administrator of this site.</span></div>"
    )
    body = "".join(f"<div class='para'>{t}</div>" for t in PARAS)
    art = normalise(page(f"<div class='story'>{body}</div>{box}{hidden}"), "https://n.example/a")
    assert art.paragraphs == PARAS


def test_few_long_paragraphs_and_a_div_body_read_whole() -> None:
    kicker = (
        "Analysis: this article is part of our series on public records, published every "
        "Tuesday with our partners at the regional papers."
    )
    credit = (
        "Reporting for this story was supported by a grant from the Public Records Fund, "
        "which has no say over its content or its editing."
    )
    note = (
        "Editor's note: an earlier version of this story misstated the number of pages "
        "released; it was 2,800, not 2,080 as first reported."
    )
    divs = "".join(f"<div class='text'>{t}</div>" for t in PARAS)
    body = f"<div class='story'><p>{kicker}</p>{divs}<p>{credit}</p><p>{note}</p></div>"
    art = normalise(page(body), "https://news.example/a")
    assert art.paragraphs == (kicker, *PARAS, credit, note)


def test_split_paragraph_of_br_runs() -> None:
    body = "<article><p>" + "<br><br>".join(PARAS) + "</p></article>" + AFTER
    art = normalise(page(body), "https://news.example/a")
    assert art.paragraphs == PARAS
    assert ORIGINAL_LINK in [link.href for link in art.links]


def _xml(text: str) -> etree._Element:
    return etree.fromstring(text)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("<body><p>One.</p><p>Two.</p></body>", ["One.", "Two."]),
        (
            "<body><quote><p>Quoted one.</p><p>Quoted two.</p></quote></body>",
            ["Quoted one.", "Quoted two."],
        ),
        (
            "<body><div><p>Nested one.</p><head>Sub</head><p>Nested two.</p></div></body>",
            ["Nested one.", "Sub", "Nested two."],
        ),
        ("<body><p>Line one<lb/>Line two</p></body>", ["Line one", "Line two"]),
        (
            "<body><table><row><cell>Name</cell><cell>Score</cell></row>"
            "<row><cell>Ann</cell><cell>12</cell></row></table></body>",
            ["Name Score", "Ann 12"],
        ),
        (
            "<body><table><row><cell>Home</cell><cell><p>The first body paragraph sits in"
            " the second cell of the row.</p><p>The second body paragraph follows it in the"
            " same cell, as laid out.</p></cell></row></table></body>",
            [
                "The first body paragraph sits in the second cell of the row.",
                "The second body paragraph follows it in the same cell, as laid out.",
            ],
        ),
        (
            "<body><list><item>A</item><item><p>B one.</p><p>B two.</p></item></list></body>",
            ["A", "B one.", "B two."],
        ),
    ],
)
def test_nested_extractor_output_is_split_into_blocks(output: str, expected: list[str]) -> None:
    assert output_paragraphs(_xml(output)) == expected


def _analyse(original_html: bytes, copy_html: bytes) -> list[str]:
    original = normalise(original_html, "https://origin.example/a")
    copy = normalise(copy_html, "https://copy.example/b")
    return [f.code for f in analyse_copy(original, copy).findings if f.category == "content"]


def test_verbatim_div_copy_has_no_content_findings() -> None:
    original = page(SHAPES["p"])
    for shape in ("div", "section", "span", "br"):
        assert _analyse(original, page(SHAPES[shape])) == [], shape


def _jsonld(body: str, extra: str = "") -> str:
    text = "\\n\\n".join(body.split("\n"))
    return (
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":"Files leaked"{extra},"articleBody":"{text}"}}'
        "</script>"
    )


def test_jsonld_longer_than_a_visibly_cut_copy_is_not_read() -> None:
    full = "\n".join(PARAS)
    cut = normalise(
        page("<article>" + "".join(f"<p>{t}</p>" for t in PARAS[:2]) + "</article>", _jsonld(full)),
        "https://copy.example/b",
    )
    assert cut.paragraphs == PARAS[:2]
    assert "body" not in cut.provenance
    original = normalise(page(SHAPES["p"], _jsonld(full)), "https://origin.example/a")
    codes = [f.code for f in analyse_copy(original, cut).findings if f.category == "content"]
    assert codes == ["content.truncated"]


def test_jsonld_in_one_paragraph_longer_than_the_visible_text_is_not_read() -> None:
    one_block = " ".join(PARAS)  # an articleBody without paragraph breaks
    visible = "<article>" + "".join(f"<p>{t}</p>" for t in PARAS[:2]) + "</article>"
    cut = normalise(page(visible, _jsonld(one_block)), "https://copy.example/b")
    assert cut.paragraphs == PARAS[:2]
    assert "body" not in cut.provenance


def test_jsonld_read_when_the_markup_hides_the_text() -> None:
    full = "\n".join(PARAS)
    scripted = normalise(page("<div id='app'>Loading…</div>", _jsonld(full)), "https://n.example/a")
    assert scripted.paragraphs == PARAS
    assert scripted.provenance["body"] == "jsonld"
    teaser = "<article><p>" + PARAS[0] + " Subscribe to read the rest of this story.</p></article>"
    paywall = ',"isAccessibleForFree":false'
    walled = normalise(page(teaser, _jsonld(full, paywall)), "https://n.example/a")
    assert walled.paragraphs == PARAS
    assert walled.provenance["body"] == "jsonld"
    two = "<article>" + "".join(f"<p>{t}</p>" for t in PARAS[:2]) + "</article>"
    cut = normalise(page(two, _jsonld(full, paywall)), "https://copy.example/b")
    assert cut.paragraphs == PARAS[:2]  # more than a teaser: a copy cut after 40 %
    free = normalise(page(teaser, _jsonld(full, ',"isAccessibleForFree":true')), "https://n/a")
    assert len(free.paragraphs) == 1
    assert "body" not in free.provenance


def test_declared_paywall_whose_part_is_served_hides_nothing() -> None:
    full = "\n".join(PARAS)
    part = ',"hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False",'
    part += '"cssSelector":".paid-content"}'
    shown = "<article><div class='paid-content'>" + "".join(f"<p>{t}</p>" for t in PARAS[:2])
    cut = normalise(page(shown + "</div></article>", _jsonld(full, part)), "https://copy/b")
    assert cut.paragraphs == PARAS[:2]  # a cut copy keeping the original's paywall markup
    teaser = f"<article><p>{PARAS[0]}</p><div class='paid-content'></div></article>"
    walled = normalise(page(teaser, _jsonld(full, part)), "https://origin.example/a")
    assert walled.paragraphs == PARAS
    assert walled.provenance["body"] == "jsonld"


TRAILING = (
    "Jane Doe is a reporter covering health and science for The Harbor Courier.",
    "With files from The Canadian Press",
    "Our Standards: The Thomson Reuters Trust Principles.",
    "We strive for accuracy and fairness. If you see something that doesn't look right, "
    "contact us.",
    "Follow us on Twitter",
    "Get the day's top stories delivered straight to your inbox every morning.",
    "—Associated Press writer John Roe in Paris contributed to this report.",
    "Fehler gefunden? Jetzt melden.",
    "Copyright © Example Agency 2017-2026. All rights reserved.",
    "Would you like to comment on this article? Sign in now.",
)


@pytest.mark.parametrize("shape", ["p", "div"])
def test_trailing_furniture_is_not_body(shape: str) -> None:
    wrap = "<p>{}</p>" if shape == "p" else "<div class='para'>{}</div>"
    body = "".join(wrap.format(t) for t in (*PARAS, *TRAILING))
    art = normalise(page(f"<article>{body}</article>"), "https://news.example/a")
    assert art.paragraphs == PARAS


def test_truncated_copy_of_an_original_with_a_bio_is_truncated() -> None:
    furniture = "".join(f"<p>{t}</p>" for t in TRAILING)
    original = page("<article>" + "".join(f"<p>{t}</p>" for t in PARAS) + furniture + "</article>")
    cut = page("<article>" + "".join(f"<p>{t}</p>" for t in PARAS[:3]) + furniture + "</article>")
    assert _analyse(original, cut) == ["content.truncated"]
    assert _analyse(original, original) == []


def test_mid_body_sentence_about_a_reporter_stays() -> None:
    about = "Jane Doe is a reporter covering the ministry, and she obtained the files first."
    art = normalise(
        page(
            "<article>"
            + "".join(f"<p>{t}</p>" for t in (PARAS[0], about, *PARAS[1:]))
            + "</article>"
        ),
        "https://news.example/a",
    )
    assert art.paragraphs == (PARAS[0], about, *PARAS[1:])


def test_article_model_unchanged_for_p_bodies() -> None:
    art = normalise(page(SHAPES["p"]), "https://news.example/a")
    assert isinstance(art, Article)
    assert art.text == "\n\n".join(PARAS)
