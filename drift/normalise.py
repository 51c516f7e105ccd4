"""Normalise a fetched page into a drift.model.Article: decode, locate with lxml, read with soup.

`normalise` is the one entry point and raises only drift.errors.NotAnArticle. lxml and
trafilatura locate the body (drift.body); every field is read from BeautifulSoup trees
built over the located parts only (drift.soup). Readers: drift.metadata, drift.credits,
drift.people, drift.links.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import lxml.html
from bs4 import BeautifulSoup
from lxml import etree
from lxml.html import HtmlElement

from drift.body import element_text, extract_paragraphs, locate_article_region
from drift.credits import BLOCK_TAGS, find_captions, find_credit_lines, find_dateline_agency
from drift.decode import decode_html
from drift.errors import NotAnArticle
from drift.links import INLINE_TAGS, find_body_links, is_furniture
from drift.metadata import (
    READ_META_KEYS,
    first_str,
    normalise_date,
    read_is_based_on,
    read_jsonld,
    read_language,
    read_meta_tags,
    read_modified,
    read_published,
    read_title,
    read_urls,
)
from drift.model import Article
from drift.people import (
    BYLINE_LINES,
    BYLINE_STARTS,
    COPYRIGHT_LINES,
    MARKUP,
    MAX_BYLINE_STARTS,
    MAX_COPYRIGHT_LINES,
    META_AUTHOR_KEYS,
    META_PUBLISHER_KEYS,
    MICRODATA,
    find_authors,
    find_publisher,
    wire_services_of,
)

__all__ = ["decode_html", "normalise", "parse_html"]

log = logging.getLogger(__name__)

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF media file"),
    (b"\x00\x00\x00", "binary data"),
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ERROR_TITLE = re.compile(
    r"\b(404|410|403 forbidden|500 internal|page not found|not found|access denied|"
    r"page (?:does not|doesn't) exist|no longer available|seite nicht gefunden|"
    r"página no encontrada|page introuvable)\b",
    re.IGNORECASE,
)
# An error page can carry some text (a search box, suggestions), but not a story's worth.
_ERROR_PAGE_MAX_WORDS = 150
_MIN_ARTICLE_WORDS = 5
# A short body that is mostly link text is an index page (a list of headlines).
_LISTING_MAX_WORDS = 150
_LISTING_LINK_SHARE = 0.5
_SNIFF = 1024
# lxml.html locates, BeautifulSoup reads. The page is parsed once with lxml.html (libxml2,
# the parser BeautifulSoup's "lxml" builder wraps, so both agree on broken markup) and that
# tree goes to trafilatura for the body. A BeautifulSoup tree of a whole page costs about
# as much as trafilatura itself, so the soups are built only over what the readers need:
# the head's meta/link/title/JSON-LD elements, the article region and the blocks located
# around it, each inside empty copies of its ancestors (tag and attributes), so containment
# tests (in a caption, in a <nav>) and sibling walks read as they would on the whole page.
# Comments and processing instructions are dropped at parse time: trafilatura loses the
# text after a comment inside a paragraph ("When <!-- -->").
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
)
# Only the meta tags whose keys some reader asks for (most pages carry dozens of others).
_META_KEYS = frozenset((*READ_META_KEYS, *META_AUTHOR_KEYS, *META_PUBLISHER_KEYS))
_META_KEY_ATTRS = ("property", "name", "itemprop", "http-equiv")
_CAPTION_XPATH = "//body//figcaption | //body//*[contains(@class,'caption')]"
# A credit line starts with its label (30 characters at most, drift.patterns) and a colon,
# so only text nodes with a colon among their first 40 characters can hold one.
_CREDIT_XPATH = (
    "//body//*[not(self::script or self::style)][text()[(contains(., ':') or contains(., '：'))"
    " and (contains(substring(normalize-space(substring(., 1, 200)), 1, 40), ':')"
    " or contains(substring(normalize-space(substring(., 1, 200)), 1, 40), '：'))]]"
)
# Read only when JSON-LD and meta tags name no author or publisher (drift.people asks).
# Cheap tests first (a class at all; a text node starting with B, b, P or V), and "By …"
# only on a text node's first 120 characters: these walks cost more than the soups.
_FIRST_LETTER = "substring(normalize-space(substring(., 1, 120)), 1, 1)"
_PEOPLE_XPATHS = {
    MARKUP: (
        "//body//*[@itemprop='author' or @rel='author' or (@class and (contains(@class,'byline')"
        " or contains(@class,'author-name') or contains(@class,'article-author')"
        " or contains(@class,'post-author') or contains(concat(' ',@class,' '),' author ')"
        " or contains(@class,'signature') or contains(@class,'autor')))]"
    ),
    BYLINE_LINES: "//body//*[text()[contains('|B|b|P|V|', concat('|', {}, '|')) and ({})]]".format(
        _FIRST_LETTER,
        " or ".join(
            f"starts-with(normalize-space(substring(., 1, 120)), '{s}')" for s in BYLINE_STARTS
        ),
    ),
    MICRODATA: "//*[@itemprop='publisher']//*[@itemprop='name']",
    COPYRIGHT_LINES: (
        "//body//*[text()[contains(., '©') or contains(., 'Copyright') or contains(., '(c)')]]"
    ),
}
_PEOPLE_LIMITS = {
    BYLINE_LINES: slice(MAX_BYLINE_STARTS),
    COPYRIGHT_LINES: slice(-MAX_COPYRIGHT_LINES, None),
}
# No reader looks inside these (icons are often hundreds of <path>s); they are emptied
# but kept, so sibling walks count them as before.
_UNREAD_TAGS = ("svg", "template", "picture", "video", "audio", "object")
# A block holding a credit line is read whole; one larger than this (a page wrapper with
# loose text) is not: a credit line printed straight into it is not found.
_MAX_CANDIDATE_ELEMENTS = 300
# Ancestors some reader tests for (besides a "caption" class and a microdata publisher).
_TESTED_ANCESTOR_TAGS = frozenset({"html", "body", "figure", "figcaption", "nav", "aside"})
_NAME = re.compile(r"^[A-Za-z][\w:.-]*$")


def parse_html(text: str) -> BeautifulSoup:
    """Parse HTML with BeautifulSoup and the lxml parser (the one parser drift names).

    Attribute values stay single strings (class and rel are not split into lists).
    """
    return BeautifulSoup(text, "lxml", multi_valued_attributes=None)


def normalise(data: bytes, url: str, headers: Mapping[str, str] | None = None) -> Article:
    """Read a page into an Article; raise NotAnArticle when it holds no article text."""
    try:
        return _normalise(bytes(data), url, headers)
    except NotAnArticle:
        raise
    except (RecursionError, MemoryError) as exc:
        raise NotAnArticle(f"{url}: page too deeply nested or too large to read") from exc
    except Exception as exc:  # hostile HTML must never crash a crawl; keep the cause in the log
        log.warning("normalise failed on %s", url, exc_info=True)
        raise NotAnArticle(f"{url}: unreadable page ({type(exc).__name__}: {exc})") from exc


def _normalise(data: bytes, url: str, headers: Mapping[str, str] | None) -> Article:
    _reject_binary(data, url)
    tree = _parse_tree(decode_html(data, headers), url)
    head = located_soup(tree, _locate_head(tree), shells=False)
    meta = read_meta_tags(head)
    jsonld = read_jsonld(head)
    provenance: dict[str, str] = {}
    title = read_title(head, meta, jsonld, provenance)
    published = _read_published(tree, head, meta, jsonld, url, provenance)
    paragraphs = extract_paragraphs(tree, url, first_str(jsonld, "articleBody"), title)
    # From here on the tree is only read through soups: what no reader needs is emptied.
    for el in tree.iter(*_UNREAD_TAGS):
        el.clear(keep_tail=True)
    region = locate_article_region(tree, paragraphs)
    framed, after_links = _after_body(region.last, region.after)
    located = [*_link_blocks(region.containers, paragraphs), *after_links, *_locate_credits(tree)]
    article = located_soup(tree, located, framed=framed)
    people = cache(lambda kind: located_soup(tree, _locate_people(tree, kind)))
    captions = find_captions(article)
    caption_texts = {c.text for c in captions} | {_caption_full(c.text, c.credit) for c in captions}
    paragraphs = [p for p in paragraphs if p not in caption_texts]
    _reject_non_article(tree, paragraphs, title, url)
    credit_lines = find_credit_lines(article)
    credits = tuple(credit for credit, _ in credit_lines)
    authors, agency_authors = find_authors(people, meta, jsonld, provenance)
    canonical, og_url = read_urls(head, meta, url, provenance)
    return Article(
        url=url,
        title=title,
        paragraphs=tuple(paragraphs),
        authors=authors,
        publisher=find_publisher(people, meta, jsonld, provenance),
        credits=credits,
        wire_services=wire_services_of(credits, agency_authors, find_dateline_agency(paragraphs)),
        captions=captions,
        links=find_body_links(article, url, paragraphs, (line for _, line in credit_lines)),
        canonical=canonical,
        og_url=og_url,
        published=published,
        modified=read_modified(meta, jsonld, provenance),
        language=read_language(head, meta, jsonld, headers, provenance),
        is_based_on=read_is_based_on(jsonld, url, provenance),
        provenance=provenance,
    )


def _read_published(
    tree: HtmlElement,
    head: BeautifulSoup,
    meta: Mapping[str, str],
    jsonld: Mapping[str, Any],
    url: str,
    prov: dict[str, str],
) -> str | None:
    published, source = read_published(head, meta, jsonld)
    if published is None:
        published, source = _htmldate_fallback(tree, url)  # htmldate reads an lxml tree
    if source:
        prov["published"] = source
    return published


def _after_body(
    last: HtmlElement | None, after: list[HtmlElement]
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """Return the blocks drift.links walks after the body (as shells) and what it reads there.

    It reads the links of each block up to the first furniture block, so those links'
    blocks are located and the rest of each block is left out.
    """
    framed = [] if last is None else [last]
    links = framed.copy()  # the last paragraph is read whole
    for block in after:
        framed.append(block)
        if not is_furniture(block.tag, block.get("class"), block.get("id"), block.get("role")):
            links += _anchor_blocks(block)
    return framed, links


def _anchor_blocks(block: HtmlElement) -> list[HtmlElement]:
    """Return each link's block inside `block` (the link itself when `block` is one)."""
    found: dict[HtmlElement, None] = {}
    for a in block.iter("a"):
        node = a if a is block else a.getparent()
        while node is not None and node is not block and node.tag in INLINE_TAGS:
            node = node.getparent()
        found[node if node is not None else a] = None
    return list(found)


def _link_blocks(containers: list[HtmlElement], paragraphs: list[str]) -> list[HtmlElement]:
    """Locate the blocks of the body's links whose text is body text (as drift.links reads)."""
    haystack = "\n".join(paragraphs)
    blocks: dict[HtmlElement, None] = {}
    for container in containers:
        for a in container.iter("a"):
            text = element_text(a)
            if text and text not in haystack:
                continue  # drift.links drops it on the same test
            node = a.getparent()
            while node is not None and node.tag in INLINE_TAGS and node.getparent() is not None:
                node = node.getparent()
            blocks[node if node is not None else a] = None
    return list(blocks)


def _locate_head(tree: HtmlElement) -> list[HtmlElement]:
    """Locate the wanted meta tags, rel=canonical, JSON-LD, the first <title>, <h1> and
    <time datetime> in the body, in page order (one walk over these tags only)."""
    found: list[HtmlElement] = []
    firsts: set[str] = set()
    for el in tree.iter("meta", "link", "script", "title", "h1", "time"):
        tag = el.tag
        if tag == "meta":
            keep = el.get("content") is not None and any(
                (el.get(a) or "").strip().lower() in _META_KEYS for a in _META_KEY_ATTRS
            )
        elif tag == "link":
            keep = "canonical" in (el.get("rel") or "").lower()
        elif tag == "script":
            keep = (el.get("type") or "").strip().lower() == "application/ld+json"
        else:
            keep = tag not in firsts and (tag != "time" or _in_body_with_datetime(el))
            if keep:
                firsts.add(tag)
        if keep:
            found.append(el)
    return found


def _in_body_with_datetime(el: HtmlElement) -> bool:
    return el.get("datetime") is not None and any(a.tag == "body" for a in el.iterancestors())


def _locate_credits(tree: HtmlElement) -> list[HtmlElement]:
    """Locate captions and the blocks holding credit-line candidates, anywhere in the body."""
    found: list[HtmlElement] = tree.xpath(_CAPTION_XPATH)
    blocks = {_block_of(el) for el in tree.xpath(_CREDIT_XPATH)}
    return found + [b for b in blocks if b.tag not in ("body", "html") and _small(b)]


def _locate_people(tree: HtmlElement, kind: str) -> list[HtmlElement]:
    """Locate one kind of author or publisher evidence (see drift.people's soup kinds)."""
    found: list[HtmlElement] = tree.xpath(_PEOPLE_XPATHS[kind])
    return found[_PEOPLE_LIMITS.get(kind, slice(None))]


def _block_of(el: HtmlElement) -> HtmlElement:
    node = el
    while node.tag not in BLOCK_TAGS:
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node


def _small(el: HtmlElement) -> bool:
    return int(el.xpath("count(.//*)")) <= _MAX_CANDIDATE_ELEMENTS


def located_soup(
    tree: HtmlElement,
    elements: Iterable[HtmlElement],
    *,
    framed: Iterable[HtmlElement] = (),
    shells: bool = True,
) -> BeautifulSoup:
    """Build a soup of the located elements inside empty copies of the ancestors readers test.

    Those are <html>, <body>, captions, menus and microdata publishers (drift.credits,
    drift.links and drift.people look for them above an element). The elements in `framed`
    are kept as shells with every ancestor, so sibling walks among them read as on the
    page. Without `shells` the elements sit side by side under <html> (meta tags, JSON-LD,
    the title).
    """
    located = [el for el in elements if isinstance(el, HtmlElement)]
    out: list[str] = []
    if not shells:  # XPath hands elements over in page order
        out.append(_start_tag(tree))
        out.extend(_html_of(el) for el in dict.fromkeys(located))
        return parse_html("".join(out) + "</html>")
    full = set(located)
    kept: set[HtmlElement] = {tree}
    passed: set[HtmlElement] = set()
    for el in framed:
        kept.add(el)
        for ancestor in el.iterancestors():
            if ancestor in kept:
                break
            kept.add(ancestor)
    for el in located:
        for ancestor in el.iterancestors():
            if ancestor in kept or ancestor in passed:
                break
            (kept if _tested_ancestor(ancestor) else passed).add(ancestor)
    _serialise(tree, full, kept, passed, out)
    return parse_html("".join(out))


def _tested_ancestor(el: HtmlElement) -> bool:
    if el.tag in _TESTED_ANCESTOR_TAGS:
        return True
    return "caption" in (el.get("class") or "") or el.get("itemprop") == "publisher"


def _serialise(
    el: HtmlElement,
    full: set[HtmlElement],
    kept: set[HtmlElement],
    passed: set[HtmlElement],
    out: list[str],
) -> None:
    if el in full:
        out.append(_html_of(el))
        return
    shell = el in kept and isinstance(el.tag, str) and _NAME.match(el.tag) is not None
    if shell:
        out.append(_start_tag(el))
    for child in el:
        if child in full or child in kept or child in passed:
            _serialise(child, full, kept, passed, out)
    if shell:
        out.append(f"</{el.tag}>")


def _start_tag(el: HtmlElement) -> str:
    attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in el.attrib.items() if _NAME.match(str(k)))
    return f"<{el.tag}{attrs}>"


def _html_of(el: HtmlElement) -> str:
    return str(etree.tostring(el, encoding="unicode", method="html", with_tail=False))


def _reject_binary(data: bytes, url: str) -> None:
    if not data.strip():
        raise NotAnArticle(f"{url}: empty page")
    head = data[:_SNIFF]
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise NotAnArticle(f"{url}: not HTML but {what}")
    if head.count(b"\x00") > len(head) // 10 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAnArticle(f"{url}: not HTML but binary data")


def _parse_tree(text: str, url: str) -> HtmlElement:
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        raise NotAnArticle(f"{url}: empty page")
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"{url}: not an HTML document ({exc})") from exc
    if tree.find("body") is None:
        raise NotAnArticle(f"{url}: the page has no body")
    return tree


def _reject_non_article(tree: HtmlElement, paragraphs: list[str], title: str, url: str) -> None:
    words = sum(len(p.split()) for p in paragraphs)
    if words < _MIN_ARTICLE_WORDS and sum(len(p) for p in paragraphs) < 4 * _MIN_ARTICLE_WORDS:
        raise NotAnArticle(f"{url}: no article text found")
    if _ERROR_TITLE.search(title) and words < _ERROR_PAGE_MAX_WORDS:
        raise NotAnArticle(f"{url}: an error page ({title[:80]!r})")
    if words < _LISTING_MAX_WORDS and _link_share(tree, paragraphs) >= _LISTING_LINK_SHARE:
        raise NotAnArticle(f"{url}: a listing of links, not an article")


def _link_share(tree: HtmlElement, paragraphs: list[str]) -> float:
    """Share of the body text that is the text of links (a home page or section index)."""
    text = "\n".join(paragraphs)
    linked = 0
    for a in tree.iter("a"):
        anchor = element_text(a)
        if len(anchor) >= 3 and anchor in text:
            linked += len(anchor)
    return linked / max(len(text), 1)


def _caption_full(text: str, credit: str | None) -> str:
    return f"{text} {credit}".strip() if credit else text


def _htmldate_fallback(tree: HtmlElement, url: str) -> tuple[str | None, str | None]:
    try:
        from htmldate import find_date

        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate is a best-effort fallback; its failure only means no date
        log.debug("htmldate failed on %s", url, exc_info=True)
        return None, None
    return (normalise_date(found), "htmldate") if found else (None, None)
