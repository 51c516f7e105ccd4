"""Plain text from the HTML fragments that feeds carry (summaries, titles, content).

One helper so every fragment goes through the same parser (BeautifulSoup with
lxml, named explicitly) and the same whitespace rule.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

_SPACE_RE = re.compile(r"\s+")
BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "dd", "dt", "tr", "td", "th", "h1", "h2", "h3",
    "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "section", "article",
    "header", "footer", "aside", "table", "hr",
)  # fmt: skip


def html_to_text(fragment: str) -> str:
    """Return the visible text of an HTML fragment, whitespace collapsed to single spaces."""
    if "<" not in fragment and "&" not in fragment:
        return _SPACE_RE.sub(" ", fragment).strip()
    with warnings.catch_warnings():
        # A summary such as "https://x/a" looks like a file name to bs4; it is text.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(fragment, "lxml")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    # Break between blocks only, so "a <b>b</b>c" stays "a bc" and "<p>a</p><p>b</p>" is "a b".
    for block in soup(BLOCK_TAGS):
        block.insert_after(" ")
    return _SPACE_RE.sub(" ", soup.get_text()).strip()


def count_words(text: str) -> int:
    """Count whitespace-separated words."""
    return len(text.split())
