"""Find the links inside or next to the article body, with their anchor text.

A link counts when its block is a body paragraph or a credit line, or when it sits
in the few blocks right after the body (a "Read the original" box); navigation,
related-story and share blocks do not. Body paragraphs come from drift.body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

from drift.metadata import clean_text, element_text, resolve_url
from drift.model import Link

_NON_ARTICLE_HREF = re.compile(r"^\s*(#|javascript:|$)", re.IGNORECASE)
# Shorter texts ("Home", "World") match inside too many paragraphs by chance.
_MIN_PARTIAL_MATCH = 20
# How many blocks after the last body paragraph (at its level and its container's)
# are read as "next to the body".
_ADJACENT_BLOCKS = 3
# Credit lines may sit in an article <footer>, so only menus rule a matched link out.
_MENU_TAGS = frozenset({"nav", "aside"})
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "form", "header", "script", "style"})
_FURNITURE = re.compile(
    r"related|share|social|tags?\b|comment|newsletter|promo|advert|\bads?\b|recommend|"
    r"most-?read|popular|trending|sidebar|subscribe|sponsor",
    re.IGNORECASE,
)


def find_body_links(
    tree: HtmlElement, url: str, paragraphs: Iterable[str], extra_lines: Iterable[str] = ()
) -> tuple[Link, ...]:
    """Return the links in body paragraphs or credit lines, then those right after the body."""
    paragraphs = list(paragraphs)
    wanted = set(paragraphs) | {clean_text(line) for line in extra_lines}
    if not wanted:
        return ()
    # Keyed by element (not id()): holding the proxies keeps lxml from reusing them.
    blocks_ok: dict[HtmlElement, bool] = {}
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    haystack = "\n".join(wanted)
    for a in tree.iter("a"):
        anchor = element_text(a)
        if anchor and anchor not in haystack:
            continue  # cheap test first: navigation anchors are not in the body text
        block = _link_block(a)
        if block not in blocks_ok:
            blocks_ok[block] = _block_matches(block, wanted)
        if not blocks_ok[block] or any(x.tag in _MENU_TAGS for x in a.iterancestors()):
            continue
        _add(links, seen, _make_link(a, url))
    for a in _adjacent_anchors(tree, paragraphs):
        _add(links, seen, _make_link(a, url))
    return tuple(links)


def _add(links: list[Link], seen: set[tuple[str, str]], link: Link) -> None:
    if (link.href, link.text) not in seen:
        seen.add((link.href, link.text))
        links.append(link)


def _adjacent_anchors(tree: HtmlElement, paragraphs: list[str]) -> Iterator[HtmlElement]:
    """Yield the anchors in the few blocks after the last body paragraph."""
    if not paragraphs:
        return
    hits = tree.xpath("//p[starts-with(normalize-space(.), $s)]", s=paragraphs[-1][:40])
    node: HtmlElement | None = hits[-1] if hits else None
    for _ in range(2):  # the paragraph's own siblings, then its container's
        if node is None or node.tag in ("body", "html"):
            return
        sibling = node.getnext()
        for _ in range(_ADJACENT_BLOCKS):
            if sibling is None or _is_furniture(sibling):
                break
            yield from sibling.iter("a")
            sibling = sibling.getnext()
        node = node.getparent()


def _is_furniture(el: HtmlElement) -> bool:
    if not isinstance(el.tag, str) or el.tag in _FURNITURE_TAGS:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}"
    return _FURNITURE.search(marks) is not None


def _link_block(a: HtmlElement) -> HtmlElement:
    node = a.getparent()
    while node is not None and node.tag in ("span", "strong", "em", "b", "i", "u", "small", "font"):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node if node is not None else a


def _block_matches(block: HtmlElement, wanted: set[str]) -> bool:
    text = element_text(block)
    if not text:
        return False
    if text in wanted:
        return True
    if len(text) <= _MIN_PARTIAL_MATCH:
        return False
    # A block holding a <br>-separated credit line, or a paragraph split by trafilatura.
    return any(len(w) > _MIN_PARTIAL_MATCH and (w in text or text in w) for w in wanted)


def _make_link(a: HtmlElement, url: str) -> Link:
    raw = a.get("href")
    text = element_text(a)
    if raw is None:
        return Link(href="", text=text)
    if _NON_ARTICLE_HREF.match(raw):
        return Link(href=raw, text=text)
    return Link(href=resolve_url(raw, url) or raw, text=text)
