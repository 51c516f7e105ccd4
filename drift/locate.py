"""Locate the parts of a page the readers need (lxml) and build BeautifulSoup over them.

Locators walk the lxml tree drift.normalise parsed once; `located_soup` serialises the
located elements inside copies of the ancestors readers test and parses that with
BeautifulSoup and the lxml parser (`parse_html`). The readers live in drift.metadata,
drift.credits, drift.people and drift.links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from itertools import islice

from bs4 import BeautifulSoup
from lxml import etree
from lxml.html import HtmlElement

from drift.credits import (
    BLOCK_TAGS,
    MAX_MEDIA_ELEMENTS,
    MEDIA_CLIMB,
    MEDIA_TAGS,
    NOT_MEDIA_BLOCKS,
    NOTE_WORDS,
    PICTURE_TAGS,
)
from drift.links import INLINE_TAGS, is_furniture
from drift.metadata import READ_META_KEYS
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
)

# Only the meta tags whose keys some reader asks for (most pages carry dozens of others).
_META_KEYS = frozenset((*READ_META_KEYS, *META_AUTHOR_KEYS, *META_PUBLISHER_KEYS))
_META_KEY_ATTRS = ("property", "name", "itemprop", "http-equiv")
_CAPTION_XPATH = "//body//figcaption | //body//*[contains(@class,'caption')]"
# A credit line starts with its label (30 characters at most, drift.patterns) and a colon,
# so only text nodes with a colon among their first 40 characters can hold one.
_CREDIT_TEXT = (
    "(contains(., ':') or contains(., '：')) and (contains(substring(normalize-space("
    "substring(., 1, 200)), 1, 40), ':') or contains(substring(normalize-space(substring("
    "., 1, 200)), 1, 40), '：'))"
)
# A label inside a short line after a separator ("… at – Source: –"), or a syndication
# note ("This article was originally published by …"; drift.credits reads both).
_INLINE_CREDIT_TEXT = (
    "string-length(.) <= 400 and ((contains(., ':') and (contains(., '– ') or contains(., '— ')"
    " or contains(., '| '))) or {})".format(
        " or ".join(f"contains(., '{word}')" for word in NOTE_WORDS)
    )
)
# A block holding a credit line is read whole; one larger than this (a page wrapper with
# loose text) is not: a credit line printed straight into it is not found.
_MAX_CANDIDATE_ELEMENTS = 300
# Each block (drift.credits.BLOCK_TAGS) around such a text node, once, in page order.
_CREDIT_XPATH = (
    "//body//*[not(self::script or self::style)]"
    f"[text()[({_CREDIT_TEXT}) or ({_INLINE_CREDIT_TEXT})]]"
    "/ancestor-or-self::*[{}][1][not(self::body or self::html)][count(.//*) <= {}]".format(
        " or ".join(f"self::{t}" for t in sorted(BLOCK_TAGS)), _MAX_CANDIDATE_ELEMENTS
    )
)
# Read only when JSON-LD and meta tags name no author or publisher (drift.people asks).
# Cheap tests first (a class at all; a text node starting with B, b, P or V), and "By …"
# only on a text node's first 120 characters: these walks cost more than the soups.
_FIRST_LETTER = "substring(normalize-space(substring(., 1, 120)), 1, 1)"
# A byline in a menu, the page footer or another story's teaser ("related", "most read")
# is not this article's: without this, a copy without a byline reads the next teaser's.
_NOT_TEASER = (
    "[not(ancestor::nav or ancestor::aside or ancestor::footer[not(ancestor::article)]"
    " or ancestor::*[@class and ("
    + " or ".join(
        f"contains(@class,'{w}')"
        for w in ("related", "recommend", "most-read", "mostread", "popular")
    )
    + ")])]"
)
_PEOPLE_XPATHS = {
    MARKUP: (
        "//body//*[@itemprop='author' or @rel='author' or (@class and (contains(@class,'byline')"
        " or contains(@class,'autor') or contains(@class,'signature') or (contains(@class,"
        "'author') and (contains(@class,'author-name') or contains(@class,'article-author')"
        " or contains(@class,'post-author') or contains(concat(' ',@class,' '),' author ')))))]"
        + _NOT_TEASER
    ),
    # Each element with a byline-like text node, and its block when small (the names may
    # sit in the next element: "<span>von</span> <span>Name</span>").
    BYLINE_LINES: "{0} | {0}/ancestor::*[{1}][1][count(.//*) <= 30]".format(
        "//body//*[text()[contains('{}', concat('|', {}, '|')) and ({})]]".format(
            "|" + "|".join(sorted({s[0] for s in BYLINE_STARTS})) + "|",
            _FIRST_LETTER,
            " or ".join(
                f"starts-with(concat(normalize-space(substring(., 1, 120)), ' '), '{s}')"
                for s in BYLINE_STARTS
            ),
        )
        + _NOT_TEASER,
        " or ".join(f"self::{t}" for t in sorted(BLOCK_TAGS)),
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
UNREAD_TAGS = ("svg", "template", "picture", "video", "audio", "object")
# Ancestors some reader tests for (besides a "caption" class and a microdata publisher).
_TESTED_ANCESTOR_TAGS = frozenset({"html", "body", "figure", "figcaption", "nav", "aside"})
_NAME = re.compile(r"^[A-Za-z][\w:.-]*$")
_FURNITURE_BLOCKS = frozenset({"nav", "header", "footer", "aside", "script", "style", "form"})


def parse_html(text: str) -> BeautifulSoup:
    """Parse HTML with BeautifulSoup and the lxml parser (the one parser drift names).

    Attribute values stay single strings (class and rel are not split into lists).
    """
    return BeautifulSoup(text, "lxml", multi_valued_attributes=None)


def locate_after_body(
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


def locate_link_blocks(containers: list[HtmlElement], paragraphs: list[str]) -> list[HtmlElement]:
    """Locate the blocks of the body's links whose text is body text (as drift.links reads)."""
    haystack = "\n".join(paragraphs)
    blocks: dict[HtmlElement, None] = {}
    for container in containers:
        for a in container.iter("a"):
            text = _text(a)
            if text and text not in haystack:
                continue  # drift.links drops it on the same test
            node = a.getparent()
            while node is not None and node.tag in INLINE_TAGS and node.getparent() is not None:
                node = node.getparent()
            blocks[node if node is not None else a] = None
    return list(blocks)


def locate_head(tree: HtmlElement) -> list[HtmlElement]:
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


def locate_credits(tree: HtmlElement) -> list[HtmlElement]:
    """Locate captions (with their media blocks) and the blocks holding credit-line
    candidates, anywhere in the body."""
    found: list[HtmlElement] = tree.xpath(_CAPTION_XPATH)
    media = [block for block in map(_media_block, found) if block is not None]
    body = tree.find("body")
    pictures = [] if body is None else _article_pictures(body)
    media += [block for block in map(_image_block, pictures) if block is not None]
    blocks: list[HtmlElement] = tree.xpath(_CREDIT_XPATH)
    return found + media + blocks


def _article_pictures(body: HtmlElement) -> list[HtmlElement]:
    """The pictures outside menus, page header and footer (drift.credits skips those too)."""
    found: list[HtmlElement] = []
    stack = [body]
    while stack:  # depth-first, in page order
        el = stack.pop()
        for child in reversed(el):
            tag = child.tag
            if not isinstance(tag, str) or tag in _FURNITURE_BLOCKS:
                continue
            if tag in PICTURE_TAGS:
                found.append(child)
            else:
                stack.append(child)
    return found


def _image_block(img: HtmlElement) -> HtmlElement | None:
    """The block drift.credits.image_block finds around a picture (unmarked captions)."""
    node = img
    for _ in range(MEDIA_CLIMB):
        parent = node.getparent()
        if parent is None or not isinstance(parent.tag, str) or parent.tag in NOT_MEDIA_BLOCKS:
            return None
        if sum(1 for _ in islice(parent.iterdescendants(), MAX_MEDIA_ELEMENTS + 1)) > (
            MAX_MEDIA_ELEMENTS
        ):
            return None
        if parent.text_content().strip():
            return parent
        node = parent
    return None


def _media_block(caption: HtmlElement) -> HtmlElement | None:
    """The block drift.credits.media_block finds around a caption (credit siblings)."""
    node = caption
    for _ in range(MEDIA_CLIMB):
        parent = node.getparent()
        if parent is None or not isinstance(parent.tag, str) or parent.tag in NOT_MEDIA_BLOCKS:
            return None
        if parent.tag == "figure":
            return parent
        if sum(1 for _ in islice(parent.iterdescendants(), MAX_MEDIA_ELEMENTS + 1)) > (
            MAX_MEDIA_ELEMENTS
        ):
            return None
        if any(True for _ in parent.iterdescendants(*MEDIA_TAGS)):
            return parent
        node = parent
    return None


def locate_people(tree: HtmlElement, kind: str) -> list[HtmlElement]:
    """Locate one kind of author or publisher evidence (see drift.people's soup kinds)."""
    found: list[HtmlElement] = tree.xpath(_PEOPLE_XPATHS[kind])
    return found[_PEOPLE_LIMITS.get(kind, slice(None))]


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


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())
