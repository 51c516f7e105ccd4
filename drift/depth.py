"""Bound a page's nesting depth while keeping all its text, so deep wrapping hides nothing.

libxml2 stops parsing 2048 levels down even with huge_tree (the rest of the page is
lost), and the recursive readers after it (BeautifulSoup, trafilatura, htmldate) fail far
earlier. Browsers show such pages: Chrome re-parents elements past depth 512. Here a
page libxml2 refused is flattened in its markup and parsed again, then the tree is
flattened: past a depth only the innermost text blocks (paragraphs, headings, list items)
and leaf elements keep their tags.
Used by drift.normalise right after parsing; no other module needs it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from lxml import etree
from lxml.html import HtmlElement

# libxml2's XML_PARSE_HUGE depth limit: a tree this deep was cut short.
LIBXML2_MAX_DEPTH = 2048
# Markup of a page libxml2 refused keeps its tags only to this depth (counted roughly,
# ignoring implied end tags, so a little deeper than libxml2 would count).
MARKUP_MAX_DEPTH = 1024
# A tree deeper than MAX_DEPTH is flattened past WRAPPER_DEPTH, so it ends at most two
# levels below it. Trafilatura, BeautifulSoup and htmldate recurse a few frames per level
# and survive 256 levels within Python's default recursion limit of 1000 (1,000 did not).
WRAPPER_DEPTH = 192
MAX_DEPTH = 256

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Tags that close an open one of their kind in libxml2's HTML parser, so keeping them past
# the markup limit (uncounted, as siblings) never deepens the tree; links stay links.
SIBLING_TAGS = frozenset(["p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "a"])
# Blocks kept whole when the tree is flattened: readers take paragraphs from them.
_TEXT_BLOCKS = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "figcaption",
        "caption",
        "td",
        "th",
    ]
)


def parse_flattened(text: str, parse: Callable[[str], HtmlElement]) -> HtmlElement:
    """Parse `text`; when libxml2 stops at its depth limit, parse it again flattened."""
    tree = parse(text)
    for keep in (SIBLING_TAGS, frozenset()):
        if not cut_short(tree):
            break
        tree = parse(flatten_markup(text, keep))
    return tree


def flatten_markup(text: str, keep: frozenset[str] = SIBLING_TAGS) -> str:
    """Drop the tags nested deeper than MARKUP_MAX_DEPTH but `keep`'s, keeping the text."""
    out: list[str] = []
    depth, last = 0, 0
    dropped: Counter[str] = Counter()
    siblings: Counter[str] = Counter()
    for m in _TAG.finditer(text):
        closing, name = m.group(1), m.group(2).lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        kept = True
        if closing and siblings[name]:
            siblings[name] -= 1
        elif closing and dropped[name]:
            dropped[name] -= 1
            kept = False
        elif closing:
            depth = max(depth - 1, 0)
        elif depth < MARKUP_MAX_DEPTH:
            depth += 1
        elif name in keep:
            siblings[name] += 1
        else:
            dropped[name] += 1
            kept = False
        if not kept:
            out.append(text[last : m.start()])
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def deeper_than(tree: HtmlElement, depth: int) -> bool:
    """Whether some element of `tree`'s document lies deeper than `depth` (the root is at 1)."""
    # One XPath step per level, evaluated in C: a tenth of the cost of a Python walk.
    return bool(tree.getroottree().xpath("boolean(" + "/*" * (depth + 1) + ")"))


def cut_short(tree: HtmlElement) -> bool:
    """Whether libxml2 stopped at its depth limit, dropping the rest of the page."""
    return deeper_than(tree, LIBXML2_MAX_DEPTH - 1)


def flatten_tree(tree: HtmlElement) -> None:
    """Past WRAPPER_DEPTH, keep only leaf elements and the innermost text blocks."""
    if not deeper_than(tree, MAX_DEPTH):
        return
    for el in _to_unwrap(tree, _block_holders(tree)):
        el.drop_tag()


def _block_holders(tree: HtmlElement) -> set[HtmlElement]:
    """Elements past WRAPPER_DEPTH with a text block among their descendants."""
    holders: set[HtmlElement] = set()
    holds: list[bool] = [False]
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            holds.append(False)
            continue
        held = holds.pop()
        if held and len(holds) > WRAPPER_DEPTH:
            holders.add(el)
        holds[-1] = holds[-1] or held or el.tag in _TEXT_BLOCKS
    return holders


def _to_unwrap(tree: HtmlElement, holders: set[HtmlElement]) -> list[HtmlElement]:
    """Elements past WRAPPER_DEPTH that are neither leaves nor innermost text blocks."""
    found: list[HtmlElement] = []
    depth = 0
    block_depth: int | None = None  # depth of the text block kept past the limit, if inside one
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "end":
            if block_depth == depth:
                block_depth = None
            depth -= 1
            continue
        depth += 1
        if depth <= WRAPPER_DEPTH or not isinstance(el, HtmlElement) or len(el) == 0:
            continue
        if block_depth is None and el.tag in _TEXT_BLOCKS and el not in holders:
            block_depth = depth
        else:
            found.append(el)
    return found
