"""Normalise a fetched page into a drift.model.Article: decode, locate with lxml, read with soup.

`normalise` is the one entry point and raises only drift.errors.NotAnArticle. lxml and
trafilatura locate the body (drift.body, drift.locate); every field is read from
BeautifulSoup built over the located parts (readers: drift.metadata, drift.credits,
drift.people, drift.links), except htmldate's date fallback, which reads the lxml tree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import lxml.html
from bs4 import BeautifulSoup
from lxml import etree
from lxml.html import HtmlElement

from drift.blocks import mark_paragraphs
from drift.body import (
    element_text,
    extract_paragraphs,
    locate_article_region,
    paywall_selectors,
)
from drift.credits import find_captions, find_credit_lines, find_dateline_agency
from drift.decode import decode_html
from drift.depth import flatten_tree, parse_flattened
from drift.errors import NotAnArticle
from drift.links import find_body_links
from drift.locate import (
    UNREAD_TAGS,
    locate_after_body,
    locate_credits,
    locate_head,
    locate_link_blocks,
    locate_people,
    located_soup,
    parse_html,
)
from drift.metadata import (
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
# The same controls written as character references (&#27;, &#x1B;): libxml2 would put
# them in the tree, where lxml refuses them in every XPath string ("unreadable page").
# Browsers show nothing for them.
_CONTROL_REF = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])(?!\d)|[xX]0*(?:[0-8bBcCeEfF]|1[\da-fA-F])(?![\da-fA-F]));?"
)
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
# as much as trafilatura itself, so drift.locate builds soups only over what the readers
# need: the wanted head tags, the blocks of the body's links and the blocks after it,
# credit-line blocks and captions, inside copies of the ancestors the readers test.
# Comments and processing instructions are dropped at parse time: trafilatura loses the
# text after a comment inside a paragraph ("When <!-- -->").
# huge_tree lifts libxml2's depth limit of 256: past it the rest of the page was silently
# dropped, so a copy wrapped in 260 <div>s read as empty. The page's size is already
# bounded by max_page_bytes.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
    default_doctype=False,
    huge_tree=True,
)


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
    mark_paragraphs(tree)  # every later walk sees paragraph-like blocks as <p>
    head = located_soup(tree, locate_head(tree), shells=False)
    meta = read_meta_tags(head)
    jsonld = read_jsonld(head)
    provenance: dict[str, str] = {}
    title = read_title(head, meta, jsonld, provenance)
    published = _read_published(tree, head, meta, jsonld, url, provenance)
    paragraphs = extract_paragraphs(
        tree,
        url,
        first_str(jsonld, "articleBody"),
        title,
        paywalled=paywall_selectors(jsonld),
        provenance=provenance,
    )
    article = _article_soup(tree, paragraphs)
    people = cache(lambda kind: located_soup(tree, locate_people(tree, kind)))
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


def _article_soup(tree: HtmlElement, paragraphs: list[str]) -> BeautifulSoup:
    """Soup of the body's link blocks, the blocks after the body, credit blocks and captions."""
    # From here on the tree is only read through soups: what no reader needs is emptied.
    for el in tree.iter(*UNREAD_TAGS):
        el.clear(keep_tail=True)
    region = locate_article_region(tree, paragraphs)
    framed, after_links = locate_after_body(region.last, region.after)
    located = [
        *locate_link_blocks(region.containers, paragraphs),
        *after_links,
        *locate_credits(tree),
    ]
    return located_soup(tree, located, framed=framed)


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
    text = _CONTROL_REF.sub("", _CONTROL.sub("", _XML_DECL.sub("", text, count=1)))
    if not text.strip():
        raise NotAnArticle(f"{url}: empty page")
    try:
        tree = parse_flattened(text, lambda t: lxml.html.document_fromstring(t, parser=_PARSER))
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"{url}: not an HTML document ({exc})") from exc
    flatten_tree(tree)
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
