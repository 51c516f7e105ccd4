"""Run trafilatura over the parsed tree and read its output into paragraphs.

The fast mode first, the full mode (readability/jusText comparison) when the fast
result does not read like prose. The output is read block by block: nested blocks (a
quote or a layout-table cell holding paragraphs) are split into their paragraphs.
drift.body filters and assembles the body from these.
"""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor, use_config

from drift.blocks import is_sentence_like
from drift.metadata import clean_text

log = logging.getLogger(__name__)

# trafilatura's fast mode (no readability/jusText comparison) scores higher on the
# shared benchmark (F1 0.973 against 0.970) at about half the cost; the full mode
# runs only when the fast result does not read like prose (see _reads_like_prose).
_CONFIG = use_config()
# trafilatura replaces an extraction shorter than this with a dump of the whole page
# (250 chars by default): a short article then comes out as one blob with its headline,
# captions and credit lines. Our own fallbacks handle a failed extraction instead.
# The same setting gates trafilatura's div-paragraph reading (only below 3x this much
# <p> text, 75 chars here): a page with a few long <p>s and its body in <div>s would lose
# the body, so drift.blocks rewrites paragraph-like <div>s into <p>s before this runs.
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "25")


def _extractor(fast: bool) -> Extractor:
    return Extractor(
        config=_CONFIG,
        output_format="python",
        fast=fast,
        comments=False,
        tables=True,
        images=False,
        links=False,
    )


_FAST = _extractor(fast=True)
_FULL = _extractor(fast=False)
# Block elements of trafilatura's output: nested in another block, each is a paragraph.
_OUTPUT_BLOCKS = frozenset({"p", "head", "list", "table", "quote", "div", "code"})
# Prose has a sentence end every 15–30 words; a menu or tag cloud has almost none.
_MAX_WORDS_PER_SENTENCE = 50
_MIN_FAST_WORDS = 100
_SENTENCE_MARK = re.compile(r"[.!?。！？]")
# Page furniture trafilatura keeps on some templates: consent dialogs, ad slots. Only
# small elements, and never <body> or a wrapper, since sites put classes such as
# "cookies-not-set" on those. Three walks with a cheap test first (an element has a class,
# an id) cost less than one walk testing every attribute of every element.
_SMALL_PART = (
    "[not(self::html or self::body or self::main or self::article)][string-length(.) < 3000]"
)
_PRUNE_XPATH = (
    "//*[@class][contains(@class,'cookie') or contains(@class,'consent')"
    f" or contains(@class,'gdpr')]{_SMALL_PART}"
    f" | //*[@id][contains(@id,'cookie') or contains(@id,'consent')]{_SMALL_PART}"
    " | //*[@role='dialog' or @role='alertdialog' or @aria-modal='true'"
    " or @aria-label='Advertisement' or @data-ad-slot]"
)


def extract_with_trafilatura(tree: HtmlElement, url: str) -> list[str]:
    """Return trafilatura's body paragraphs (fast mode, the full mode when it reads badly)."""
    paragraphs = _run_trafilatura(tree, url, _FAST)
    if _reads_like_prose(paragraphs):
        return paragraphs
    full = _run_trafilatura(tree, url, _FULL)
    return full if word_count(full) >= _MIN_FAST_WORDS or not paragraphs else paragraphs


def _reads_like_prose(paragraphs: list[str]) -> bool:
    words = word_count(paragraphs)
    if words < _MIN_FAST_WORDS:
        return False
    marks = sum(len(_SENTENCE_MARK.findall(p)) for p in paragraphs)
    return words <= _MAX_WORDS_PER_SENTENCE * (marks + 1)


def _run_trafilatura(tree: HtmlElement, url: str, options: Extractor) -> list[str]:
    try:
        doc = trafilatura.bare_extraction(
            tree, url=url or None, options=options, prune_xpath=_PRUNE_XPATH
        )
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as exc:
        # trafilatura documents ValueError; deep or odd trees can surface the others.
        log.debug("trafilatura failed on %s: %s", url, exc)
        return []
    body = getattr(doc, "body", None)
    if body is None:
        return []
    return output_paragraphs(body)


def output_paragraphs(body: etree._Element) -> list[str]:
    """Return the extractor output's paragraphs: one per block, nested blocks split out.

    The full mode's readability fallback hands over nested blocks (a quote or a cell
    holding paragraphs, a layout table); each block-level piece is its own paragraph.
    """
    out: list[str] = []
    if body.text and body.text.strip():
        out.append(clean_text(body.text))
    for child in body:
        if child.tag == "list":
            for item in child.findall("item") or [child]:
                out.extend(_block_lines(item))
        elif child.tag == "table":
            out.extend(_table_paragraphs(child))
        else:
            out.extend(_block_lines(child))
        if child.tail and child.tail.strip():
            out.append(clean_text(child.tail))  # text between two headings, say
    return [p for p in out if p]


def _block_lines(el: etree._Element) -> list[str]:
    if any(child.tag in _OUTPUT_BLOCKS for child in el):
        return output_paragraphs(el)
    return _lines(el)


def _table_paragraphs(table: etree._Element) -> list[str]:
    """Read a data table row by row, a layout table's rows (cells holding paragraphs) cell
    by cell; there a cell without a sentence-like paragraph is a menu, a spacer or a label."""
    out: list[str] = []
    for row in table.iter("row"):
        cells = list(row.iter("cell")) or [row]
        if not any(child.tag in _OUTPUT_BLOCKS for cell in cells for child in cell):
            out.append(clean_text(" ".join(row.itertext())))
            continue
        for cell in cells:
            paras = _block_lines(cell)
            if any(is_sentence_like(p) for p in paras):
                out.extend(paras)
    return out


def _lines(el: etree._Element) -> list[str]:
    """Return the element's text split at line breaks (<lb/>), each line cleaned."""
    lines: list[str] = []
    buf: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag == "lb":
            lines.append(clean_text("".join(buf)))
            buf.clear()
        elif node.text:
            buf.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                buf.append(child.tail)

    walk(el)
    lines.append(clean_text("".join(buf)))
    return [line for line in lines if line]


def word_count(paragraphs: list[str]) -> int:
    """Return the number of whitespace-separated words in the paragraphs."""
    return sum(len(p.split()) for p in paragraphs)
