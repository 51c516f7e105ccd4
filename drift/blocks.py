"""Paragraph-like blocks: the one rule for what counts as a paragraph, whatever its markup.

A paragraph is a <p>; or a block holding only inline content (`<div class="para">`, a
<section>, a <span> standing alone) whose own text is sentence-like, next to another
paragraph; or a run of text between <br>s and blocks, next to another such run or
paragraph. `mark_paragraphs` rewrites them into <p> elements in place, so every later
reader (triage's word count, trafilatura, drift.body's region and section walks) sees one
shape. A lone sentence-like block (a caption, a teaser's summary) is left alone.
Pure lxml; no I/O.
"""

from __future__ import annotations

import re

from lxml.etree import _Element
from lxml.html import HtmlElement

from drift.patterns import FURNITURE_CLASS_RE, HIDDEN_CLASS_RE, HIDDEN_STYLE_RE

# Elements a browser lays out as blocks: a run of text ends at each of them.
BLOCK_LEVEL = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details",
        "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li",
        "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul", "iframe", "noscript", "script", "style",
        "template", "select", "textarea", "video", "audio", "canvas", "object",
    }
)  # fmt: skip
# Generic holders renamed to <p> when their whole content is one paragraph.
_RENAMED = frozenset({"div", "section", "span", "font", "center"})
# Holders whose runs are wrapped in new <p> children (renaming would break the layout).
_WRAPPED = frozenset({"td", "th", "article", "main", "body", "form", "dd"})
# Nothing inside these is rewritten: they already are a paragraph, a heading, a list
# item, a link or a figure, or they hold no text a reader reads as body. Nor inside an
# element with "caption" in its class (drift.credits reads captions by class).
_OPAQUE = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "pre", "code", "a", "button",
        "label", "figure", "figcaption", "caption", "blockquote", "nav", "select",
        "textarea", "script", "style", "noscript", "template", "svg", "math", "head",
        "title",
    }
)  # fmt: skip
_INLINE_HOLDERS = frozenset({"span", "font"})
_CONTROLS = frozenset({"form", "input", "button", "select", "textarea", "fieldset"})
# A furniture box holds less text than this; page wrappers are never boxes.
_MAX_BOX_CHARS = 2000
_WRAPPERS = frozenset({"html", "body", "main", "article"})
# Sentence-like: eight words (twenty characters of CJK text) and a sentence mark; a block
# that is mostly link text is a teaser or a menu, not a paragraph.
_MIN_WORDS = 8
_MIN_CJK = 20
_MAX_LINK_SHARE = 0.5
_SENTENCE_MARK = re.compile(r"[.!?…](?:[\"'”’»)\]]*)(?:\s|$)|[。！？]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def is_sentence_like(text: str) -> bool:
    """Tell whether a block's text reads as a sentence: long enough, with a sentence mark."""
    if len(text.split()) < _MIN_WORDS and len(_CJK.findall(text)) < _MIN_CJK:
        return False
    return _SENTENCE_MARK.search(text) is not None


def mark_paragraphs(root: HtmlElement) -> None:
    """Rewrite every paragraph-like block below `root` into <p> elements, in place.

    Among an element's children, the holders of inline content with sentence-like text
    are renamed to <p> (div, section, span, font, center) once there are two paragraphs
    there (counting its <p>s and its own sentence-like text runs); so do their siblings of
    the same tag and class (a short subheading `<div class="para">`). Text runs between
    blocks and <br>s are wrapped in <p>s on the same test, and a <p> holding two
    sentence-like runs between <br>s is split into one <p> per run.
    """
    _unwrap_line_holders(root)
    with_blocks = _elements_with_blocks(root)
    stack: list[_Element] = [root]
    while stack:
        el = stack.pop()
        if el.tag == "p":
            if el not in with_blocks and el.find("br") is not None:
                _split_paragraph(el)
            continue
        if not isinstance(el.tag, str) or el.tag in _OPAQUE or _skipped(el):
            continue
        if el not in with_blocks:
            if el.tag in _RENAMED | _WRAPPED and el.find("br") is not None:
                runs = _runs(el, with_blocks)
                if _sentence_runs(runs) >= 2:
                    _rebuild(el, runs)
            continue
        _mark_children(el, with_blocks)
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))


def _skipped(el: _Element) -> bool:
    """Tell whether nothing inside `el` is read as paragraphs: a caption, hidden text, a
    furniture box (sign-up, promotion, related stories; small, so never a page wrapper)."""
    if not el.attrib:
        return False  # most elements: no attribute to test
    cls, el_id, style = el.get("class") or "", el.get("id") or "", el.get("style")
    if (
        "caption" in cls
        or "legend" in cls
        or el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
    ):
        return True
    if (cls and HIDDEN_CLASS_RE.search(cls)) or (style and HIDDEN_STYLE_RE.search(style)):
        return True
    if el.tag in _WRAPPERS or not (cls or el_id) or not FURNITURE_CLASS_RE.search(f"{cls} {el_id}"):
        return False
    return len(el.text_content()) < _MAX_BOX_CHARS


def _mark_children(el: _Element, with_blocks: set[_Element]) -> None:
    """Rename the paragraph-like inline-content children of `el`; wrap its own text runs."""
    leaves = [
        c
        for c in el
        if c.tag in _RENAMED
        and c not in with_blocks
        and (c.tag not in _INLINE_HOLDERS or _stands_alone(c))
        and not _skipped(c)
    ]
    runs = _runs(el, with_blocks) if el.tag in _RENAMED or el.tag in _WRAPPED else []
    texts = any(members or text.strip() for text, members, _ in runs)
    if not leaves and not texts:
        return  # the common case: a container of blocks only
    if any(c.tag in _CONTROLS and c.get("type") != "hidden" for c in el) and (
        len(el.text_content()) < _MAX_BOX_CHARS
    ):
        return  # a sign-up box: its blurb and disclaimer sit beside a form
    found = [c for c in leaves if _is_paragraph_text(c)]
    own = _sentence_runs(runs) if texts else 0
    if len(found) + own + _paragraphs_among(el, 2 - len(found) - own) < 2:
        return
    kinds = {(c.tag, c.get("class")) for c in found}
    for c in leaves:
        if c in found or ((c.tag, c.get("class")) in kinds and c.text_content().strip()):
            c.tag = "p"
    if own:
        _rebuild(el, _runs(el, with_blocks))


def _paragraphs_among(el: _Element, wanted: int) -> int:
    """Count `el`'s sentence-like <p> children, stopping once `wanted` are found."""
    found = 0
    for c in el:
        if found >= wanted:
            break
        if c.tag == "p" and _is_paragraph_text(c):
            found += 1
    return found


def _is_paragraph_text(el: _Element) -> bool:
    text = " ".join(el.text_content().split())
    if not is_sentence_like(text):
        return False
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked <= _MAX_LINK_SHARE * len(text)


def _unwrap_line_holders(root: HtmlElement) -> None:
    """Drop <font> and bare <span> tags around <br>-separated text (old layouts wrap whole
    bodies in them), so the runs between the <br>s belong to the enclosing block."""
    for el in list(root.iter("font", "span")):
        if el.find("br") is not None and (el.tag == "font" or not el.attrib):
            el.drop_tag()


def _split_paragraph(p: _Element) -> None:
    """Split a <p> at its <br>s when two of its runs are sentence-like (paragraphs, not lines)."""
    runs = _runs(p, set())
    parent = p.getparent()
    if _sentence_runs(runs) < 2 or parent is None:
        return
    at = parent.index(p)
    tail = p.tail
    pieces: list[_Element] = []
    for text, members, _ in runs:
        if _run_text(text, members):
            piece = p.makeelement("p", dict(p.attrib))
            piece.text = text
            piece.extend(members)
            pieces.append(piece)
    parent.remove(p)
    for offset, piece in enumerate(pieces):
        parent.insert(at + offset, piece)
    pieces[-1].tail = tail


def _elements_with_blocks(root: HtmlElement) -> set[_Element]:
    """Return the elements that have a block-level descendant (one walk over the blocks)."""
    marked: set[_Element] = set()
    for block in root.iter(*BLOCK_LEVEL):
        for ancestor in block.iterancestors():
            if ancestor in marked:
                break
            marked.add(ancestor)
    return marked


def _stands_alone(el: _Element) -> bool:
    """Tell whether an inline element sits between blocks (no text of its parent beside it)."""
    prev, parent = el.getprevious(), el.getparent()
    before = prev.tail if prev is not None else (parent.text if parent is not None else None)
    if (before and before.strip()) or (el.tail and el.tail.strip()):
        return False
    # Beside another inline element only when it is one of a run of the same kind
    # (<span class="para"> after <span class="para">), not a label and its text.
    return all(
        not isinstance(s.tag, str)
        or s.tag in BLOCK_LEVEL
        or s.tag == "br"
        or (s.tag == el.tag and s.get("class") == el.get("class"))
        for s in (el.getprevious(), el.getnext())
        if s is not None
    )


_Run = tuple[str, list[_Element], _Element | None]


def _runs(el: _Element, with_blocks: set[_Element]) -> list[_Run]:
    """Split `el`'s content into (leading text, inline members, separator after) runs."""
    runs: list[_Run] = []
    text, members = el.text or "", list[_Element]()
    for child in el:
        if isinstance(child.tag, str) and (
            child.tag == "br" or child.tag in BLOCK_LEVEL or child in with_blocks
        ):
            runs.append((text, members, child))
            text, members = child.tail or "", []
        else:
            members.append(child)
    runs.append((text, members, None))
    return runs


def _run_text(text: str, members: list[_Element]) -> str:
    parts = [text]
    for m in members:
        if isinstance(m.tag, str):
            parts.append(m.text_content())
        parts.append(m.tail or "")
    return " ".join("".join(parts).split())


def _sentence_runs(runs: list[_Run]) -> int:
    return sum(is_sentence_like(_run_text(text, members)) for text, members, _ in runs)


def _rebuild(el: _Element, runs: list[_Run]) -> None:
    """Replace `el`'s content: each run with text becomes a <p>; <br> separators go."""
    children: list[_Element] = []
    for text, members, sep in runs:
        if _run_text(text, members):
            p = el.makeelement("p", {})
            p.text = text
            p.extend(members)
            children.append(p)
        else:
            children.extend(members)
        if sep is not None and sep.tag != "br":
            children.append(sep)
    el.text = None
    for child in list(el):
        el.remove(child)
    for _, _, sep in runs:
        if sep is not None:
            sep.tail = None  # its text opens the next run
    el.extend(children)


def count_paragraph_words(root: HtmlElement) -> int:
    """Mark the paragraph-like blocks below `root` (in place) and count the words in <p>s."""
    mark_paragraphs(root)
    return sum(len(p.text_content().split()) for p in root.iter("p"))
