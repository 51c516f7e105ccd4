"""Normalise a fetched page into a drift.model.Article: decode, parse once, read, extract.

`normalise` is the one entry point and raises only drift.errors.NotAnArticle. The parts
live in drift.decode, drift.metadata (tags), drift.credits (credit lines, bylines,
captions), drift.people (authors, publisher), drift.body (paragraphs), drift.links.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import lxml.html
from bs4 import BeautifulSoup
from lxml import etree
from lxml.html import HtmlElement

from drift.body import extract_paragraphs
from drift.credits import (
    find_captions,
    find_credit_lines,
    find_dateline_agency,
)
from drift.decode import decode_html
from drift.errors import NotAnArticle
from drift.links import find_body_links
from drift.metadata import (
    element_text,
    first_link,
    first_str,
    jsonld_url,
    normalise_date,
    normalise_language,
    pick,
    read_jsonld,
    read_meta_tags,
    resolve_url,
    strip_site_suffix,
)
from drift.model import Article
from drift.people import find_authors, find_publisher, wire_services_of

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
# The one tree parser: lxml.html (libxml2, the parser BeautifulSoup's "lxml" builder
# wraps, so parse_html and this agree on broken markup). The tree is parsed once and
# shared by metadata, credits and trafilatura: a BeautifulSoup tree on top would
# double the cost per page. Comments and processing instructions are dropped at parse
# time: trafilatura loses the text after a comment inside a paragraph ("When <!-- -->").
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
)


def parse_html(text: str) -> BeautifulSoup:
    """Parse HTML text with BeautifulSoup and the lxml parser (the one parser drift names)."""
    return BeautifulSoup(text, "lxml")


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
    meta = read_meta_tags(tree)
    jsonld = read_jsonld(tree)
    provenance: dict[str, str] = {}
    title = _read_title(tree, meta, jsonld, provenance)
    body_text = first_str(jsonld, "articleBody")
    paragraphs = extract_paragraphs(tree, url, body_text, title)
    captions = find_captions(tree)
    caption_texts = {c.text for c in captions} | {_caption_full(c.text, c.credit) for c in captions}
    paragraphs = [p for p in paragraphs if p not in caption_texts]
    _reject_non_article(tree, paragraphs, title, url)
    credit_lines = find_credit_lines(tree)
    credits = tuple(credit for credit, _ in credit_lines)
    authors, agency_authors = find_authors(tree, meta, jsonld, provenance)
    publisher = find_publisher(tree, meta, jsonld, provenance)
    wires = wire_services_of(credits, agency_authors, find_dateline_agency(paragraphs))
    links = find_body_links(tree, url, paragraphs, (line for _, line in credit_lines))
    canonical, og_url = _read_urls(tree, meta, url, provenance)
    published, modified = _read_dates(tree, meta, jsonld, url, provenance)
    return Article(
        url=url,
        title=title,
        paragraphs=tuple(paragraphs),
        authors=authors,
        publisher=publisher,
        credits=credits,
        wire_services=wires,
        captions=captions,
        links=links,
        canonical=canonical,
        og_url=og_url,
        published=published,
        modified=modified,
        language=_read_language(tree, meta, jsonld, headers, provenance),
        is_based_on=_read_is_based_on(jsonld, url, provenance),
        provenance=provenance,
    )


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


def _read_title(
    tree: HtmlElement, meta: Mapping[str, str], jsonld: Mapping[str, Any], prov: dict[str, str]
) -> str:
    site_names = tuple(
        n for n in (meta.get("og:site_name"), meta.get("application-name")) if n is not None
    )
    h1 = tree.find(".//h1")
    title_el = tree.find(".//title")
    value, source = pick(
        ("og", meta.get("og:title")),
        ("json-ld", first_str(jsonld, "headline", "name")),
        ("h1", element_text(h1) if h1 is not None else None),
        ("meta", meta.get("twitter:title")),
        ("title", element_text(title_el) if title_el is not None else None),
    )
    if value is None or source is None:
        return ""
    prov["title"] = source
    if source == "h1":
        return value
    return strip_site_suffix(value, site_names, guess=source in ("title", "meta"))


def _read_urls(
    tree: HtmlElement, meta: Mapping[str, str], url: str, prov: dict[str, str]
) -> tuple[str | None, str | None]:
    canonical = resolve_url(first_link(tree, "canonical"), url)
    og_url = resolve_url(meta.get("og:url"), url)
    if canonical:
        prov["canonical"] = "link"
    if og_url:
        prov["og_url"] = "og"
    return canonical, og_url


def _read_dates(
    tree: HtmlElement,
    meta: Mapping[str, str],
    jsonld: Mapping[str, Any],
    url: str,
    prov: dict[str, str],
) -> tuple[str | None, str | None]:
    time_el = tree.find(".//body//time[@datetime]")
    published, source = _first_date(
        ("meta", meta.get("article:published_time")),
        ("json-ld", first_str(jsonld, "datePublished", "dateCreated")),
        (
            "meta",
            first_str(
                meta,
                "datepublished",
                "og:published_time",
                "pubdate",
                "publishdate",
                "date",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "sailthru.date",
                "parsely-pub-date",
            ),
        ),
        ("time", time_el.get("datetime") if time_el is not None else None),
    )
    if published is None:
        published, source = _htmldate_fallback(tree, url)
    if source:
        prov["published"] = source
    modified, msource = _first_date(
        ("meta", meta.get("article:modified_time")),
        ("json-ld", first_str(jsonld, "dateModified")),
        ("meta", first_str(meta, "datemodified", "og:updated_time", "dcterms.modified")),
    )
    if msource:
        prov["modified"] = msource
    return published, modified


def _first_date(*candidates: tuple[str, str | None]) -> tuple[str | None, str | None]:
    for source, raw in candidates:
        value = normalise_date(raw)
        if value:
            return value, source
    return None, None


def _htmldate_fallback(tree: HtmlElement, url: str) -> tuple[str | None, str | None]:
    try:
        from htmldate import find_date

        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate is a best-effort fallback; its failure only means no date
        log.debug("htmldate failed on %s", url, exc_info=True)
        return None, None
    return (normalise_date(found), "htmldate") if found else (None, None)


def _read_language(
    tree: HtmlElement,
    meta: Mapping[str, str],
    jsonld: Mapping[str, Any],
    headers: Mapping[str, str] | None,
    prov: dict[str, str],
) -> str | None:
    header_lang = next(
        (v for k, v in (headers or {}).items() if k.lower() == "content-language"), None
    )
    for source, raw in (
        ("html", tree.get("lang") or tree.get("xml:lang")),
        ("meta", meta.get("content-language")),
        ("og", meta.get("og:locale")),
        ("json-ld", first_str(jsonld, "inLanguage")),
        ("header", header_lang),
    ):
        lang = normalise_language(raw)
        if lang:
            prov["language"] = source
            return lang
    return None


def _read_is_based_on(jsonld: Mapping[str, Any], url: str, prov: dict[str, str]) -> str | None:
    raw = jsonld_url(jsonld.get("isBasedOn")) or jsonld_url(jsonld.get("isBasedOnUrl"))
    if not raw:
        return None
    prov["is_based_on"] = "json-ld"
    return resolve_url(raw, url)
