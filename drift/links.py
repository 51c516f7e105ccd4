"""Find the links inside or next to the article body, with their anchor text.

A link counts when its block is a body paragraph or a credit line, or when it sits in
the few blocks right after the body ("Read the original"); menus, related and share
blocks do not. Reads the soup drift.locate builds; paragraphs come from drift.body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bs4 import Tag

from drift.body import ADJACENT_BLOCKS
from drift.metadata import attr, clean_text, element_text, iter_tags, resolve_url
from drift.model import Link

# A link's block is its nearest ancestor that is not one of these.
INLINE_TAGS = frozenset({"span", "strong", "em", "b", "i", "u", "small", "font"})
_NON_ARTICLE_HREF = re.compile(r"^\s*(#|javascript:|$)", re.IGNORECASE)
# Shorter texts ("Home", "World") match inside too many paragraphs by chance.
_MIN_PARTIAL_MATCH = 20
# Credit lines may sit in an article <footer>, so only menus rule a matched link out.
_MENU_TAGS = frozenset({"nav", "aside"})
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "form", "header", "script", "style"})
_FURNITURE = re.compile(
    r"related|share|social|tags?\b|comment|newsletter|promo|advert|\bads?\b|recommend|"
    r"most-?read|popular|trending|sidebar|subscribe|sponsor",
    re.IGNORECASE,
)


def find_body_links(
    soup: Tag, url: str, paragraphs: Iterable[str], extra_lines: Iterable[str] = ()
) -> tuple[Link, ...]:
    """Return the links in body paragraphs or credit lines, then those right after the body."""
    paragraphs = list(paragraphs)
    wanted = set(paragraphs) | {clean_text(line) for line in extra_lines}
    if not wanted:
        return ()
    blocks_ok: dict[int, bool] = {}  # id(): the soup is alive for the whole call
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    haystack = "\n".join(wanted)
    for a in iter_tags(soup, "a"):
        anchor = element_text(a)
        if anchor and anchor not in haystack:
            continue  # cheap test first: navigation anchors are not in the body text
        block = _link_block(a)
        if id(block) not in blocks_ok:
            blocks_ok[id(block)] = _block_matches(block, wanted)
        if not blocks_ok[id(block)] or any(x.name in _MENU_TAGS for x in a.parents):
            continue
        _add(links, seen, _make_link(a, url))
    for a in _adjacent_anchors(soup, paragraphs):
        _add(links, seen, _make_link(a, url))
    return tuple(links)


def _add(links: list[Link], seen: set[tuple[str, str]], link: Link) -> None:
    if (link.href, link.text) not in seen:
        seen.add((link.href, link.text))
        links.append(link)


def _adjacent_anchors(soup: Tag, paragraphs: list[str]) -> Iterator[Tag]:
    """Yield the anchors in the few blocks after the last body paragraph."""
    if not paragraphs:
        return
    start = paragraphs[-1][:40]
    hits = [p for p in iter_tags(soup, "p") if element_text(p).startswith(start)]
    node: Tag | None = hits[-1] if hits else None
    for _ in range(2):  # the paragraph's own siblings, then its container's
        if node is None or node.name in ("body", "html", "[document]"):
            return
        sibling = node.find_next_sibling()
        for _ in range(ADJACENT_BLOCKS):
            if sibling is None or _is_furniture(sibling):
                break
            if sibling.name == "a":
                yield sibling
            yield from iter_tags(sibling, "a")
            sibling = sibling.find_next_sibling()
        node = node.parent


def _is_furniture(el: Tag) -> bool:
    return is_furniture(el.name, attr(el, "class"), attr(el, "id"), attr(el, "role"))


def is_furniture(tag: object, cls: str | None, el_id: str | None, role: str | None) -> bool:
    """Tell whether a block after the body is page furniture (the walk for links stops)."""
    if not isinstance(tag, str) or tag in _FURNITURE_TAGS:
        return True
    return _FURNITURE.search(f"{cls or ''} {el_id or ''} {role or ''}") is not None


def _link_block(a: Tag) -> Tag:
    node = a.parent
    while node is not None and node.name in (
        "span",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "small",
        "font",
    ):
        parent = node.parent
        if parent is None:
            break
        node = parent
    return node if node is not None else a


def _block_matches(block: Tag, wanted: set[str]) -> bool:
    text = element_text(block)
    if not text:
        return False
    if text in wanted:
        return True
    if len(text) <= _MIN_PARTIAL_MATCH:
        return False
    # A block holding a <br>-separated credit line, or a paragraph split by trafilatura.
    return any(len(w) > _MIN_PARTIAL_MATCH and (w in text or text in w) for w in wanted)


def _make_link(a: Tag, url: str) -> Link:
    raw = attr(a, "href")
    text = element_text(a)
    if raw is None:
        return Link(href="", text=text)
    if _NON_ARTICLE_HREF.match(raw):
        return Link(href=raw, text=text)
    return Link(href=resolve_url(raw, url) or raw, text=text)
