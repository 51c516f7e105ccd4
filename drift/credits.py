"""Read who a page credits: credit/source lines, bylines, datelines and photo captions.

Works on BeautifulSoup: the soup drift.locate builds over the article region and
the blocks located around it. Vocabularies (labels, agencies, placeholders) come
from drift.patterns; metadata tags from drift.metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bs4 import Tag
from bs4.element import NavigableString, PreformattedString

from drift.metadata import attr, clean_text, element_text, first_tag, iter_tags
from drift.model import Caption, Credit
from drift.patterns import CREDIT_LINE_RE, WIRE_SERVICES, canonical_wire_service

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "td",
        "section",
        "article",
        "aside",
        "footer",
        "header",
        "figure",
        "figcaption",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dd",
        "dt",
        "body",
        "main",
    }
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title"})
_CAPTION_SCOPE = frozenset({"figure", "figcaption"})
_BYLINE_CLASSES = (
    "byline",
    "author-name",
    "article-author",
    "post-author",
    "signature",
    "autor",
)
_CAPTION_CREDIT_CLASSES = ("credit", "copyright", "source", "author")
_MAX_CREDIT_LINE = 160
_MAX_BYLINE = 120

# "By Jane Doe and John Roe", "By Jane Doe, Reuters", "Por María Pérez", "Von Hans Meier".
BYLINE_RE = re.compile(
    r"^\s*(?:by|por|par|von|di|door|av|af|bởi)\s+(?P<names>[^\n|]{2,100}?)\s*"
    r"(?:[|•·]\s*.*)?$",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&|\by\b|\bet\b|\bund\b|\be\b|\bvà\b)\s*", re.IGNORECASE)
_NAME_TAIL = re.compile(r"\s+(?:in|at|from|for)\s+[A-Z].*$")
_DATELINE_RE = re.compile(r"^\s*[A-ZÀ-Ý][\w .,'’/-]{1,60}?\s*\((?P<agency>[^)]{2,40})\)\s*[-–—:]")
_AND = re.compile(r"\s(?:and|&|y|et|und|e|và)\s", re.IGNORECASE)
# Words that mark the part after a byline's last comma as an outlet or a job title.
_AFFILIATION = re.compile(
    r"^the\s|\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|news|"
    r"times|post|herald|journal|gazette|daily|agency|press|media|tribune|courier)\b",
    re.IGNORECASE,
)
GENERIC_AUTHORS = frozenset(
    {
        "staff",
        "staff reporter",
        "staff writer",
        "admin",
        "administrator",
        "editor",
        "editors",
        "editorial",
        "editorial staff",
        "news desk",
        "web desk",
        "newsroom",
        "desk",
        "team",
        "guest",
        "anonymous",
        "redaktion",
        "redacción",
        "rédaction",
        "ban biên tập",
        "pv",
        "bbt",
    }
)
_PHOTO_CREDIT = re.compile(
    r"(?:\(\s*)?(?:(?P<label>photo|photograph|picture|image|credit|foto|ảnh|bild|imagen|фото)"
    r"\s*(?:by|credit)?\s*[:：]\s*|©\s*|\(c\)\s*)(?P<credit>[^()\n]{1,120}?)\s*\)?\s*$",
    re.IGNORECASE,
)


def leaf_lines(el: Tag) -> list[str]:
    """Split an element's text into lines at <br> and nested blocks."""
    parts: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = clean_text("".join(buf))
        if line:
            parts.append(line)
        buf.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):
                    buf.append(child)
            elif not isinstance(child, Tag) or child.name in SKIP_TAGS:
                pass
            elif child.name == "br" or child.name in BLOCK_TAGS:
                flush()
                if child.name != "br":
                    walk(child)
                    flush()
            else:
                walk(child)

    walk(el)
    flush()
    return parts


def own_text(el: Tag) -> Iterator[str]:
    """Yield the text nodes directly inside an element (not those of its children)."""
    for child in el.children:
        if isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            yield child


def block_ancestor(el: Tag) -> Tag:
    """Return the element itself or its nearest block-level ancestor."""
    node = el
    while node.name not in BLOCK_TAGS and isinstance(node.parent, Tag):
        if node.parent.name == "[document]":
            break
        node = node.parent
    return node


def _in_caption(el: Tag) -> bool:
    node: Tag | None = el
    while node is not None and node.name != "[document]":
        if node.name in _CAPTION_SCOPE or "caption" in (attr(node, "class") or "").lower():
            return True
        node = node.parent
    return False


def _has_colon_text(el: Tag) -> bool:
    return el.name not in SKIP_TAGS and any(":" in t or "：" in t for t in own_text(el))


def find_credit_lines(soup: Tag) -> tuple[tuple[Credit, str], ...]:
    """Return each credit line as (Credit(label, value), the line as printed), in page order."""
    seen_blocks: set[int] = set()  # id(): the soup is alive for the whole call
    found: list[tuple[Credit, str]] = []
    seen: set[tuple[str, str]] = set()
    for el in filter(_has_colon_text, iter_tags(body_of(soup))):
        block = block_ancestor(el)
        if id(block) in seen_blocks:
            continue
        seen_blocks.add(id(block))
        if _in_caption(block):
            continue
        for line in leaf_lines(block):
            credit = parse_credit_line(line)
            if credit is not None and (credit.label, credit.value) not in seen:
                seen.add((credit.label, credit.value))
                found.append((credit, line))
    return tuple(found)


def body_of(soup: Tag) -> Tag:
    """Return the soup's <body> (the soup itself when it has none)."""
    return first_tag(soup, "body") or soup


def parse_credit_line(line: str) -> Credit | None:
    """Read "Source: AFP" style text into a Credit, or None when it is not a credit line."""
    if len(line) > _MAX_CREDIT_LINE:
        return None
    m = CREDIT_LINE_RE.match(line)
    if m is None:
        return None
    value = m.group("value").strip()
    if len(value.split()) > 12:
        return None
    return Credit(m.group("label").strip(), value)


def is_credit_line(line: str) -> bool:
    """Tell whether a paragraph is a credit/source line (kept out of the body text)."""
    return parse_credit_line(line) is not None


def parse_byline(line: str) -> tuple[str, ...]:
    """Return the names in a "By X and Y" line, or () when the line is not a byline."""
    if len(line) > _MAX_BYLINE:
        return ()
    m = BYLINE_RE.match(line)
    if m is None:
        return ()
    return split_names(m.group("names"))


def split_names(text: str) -> tuple[str, ...]:
    """Split "Jane Doe and John Roe, Reuters" into names, leaving agency names out."""
    text = _strip_affiliation(_NAME_TAIL.sub("", clean_text(text)))
    names: list[str] = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" .;:-–—")
        if not part or canonical_wire_service(part) is not None:
            continue
        if len(part.split()) > 5 or not any(ch.isalpha() for ch in part):
            continue
        names.append(part)
    return tuple(dict.fromkeys(names))


def _strip_affiliation(text: str) -> str:
    """Drop ", The Harbour Ledger" / ", Staff Writer" after the names of a byline."""
    head, sep, tail = text.rpartition(",")
    if not sep:
        return text
    tail = tail.strip()
    if canonical_wire_service(tail):
        return text  # kept: byline_agencies reads it, split_names skips it
    if _AND.search(head) or _AFFILIATION.search(tail):
        return head
    return text


def byline_agencies(text: str) -> tuple[str, ...]:
    """Return the agencies named as parts of a byline ("Jane Doe, Reuters" → Reuters)."""
    out: list[str] = []
    for part in _NAME_SPLIT.split(clean_text(text)):
        canonical = canonical_wire_service(part.strip(" .;:-–—()"))
        if canonical:
            out.append(canonical)
    return tuple(out)


def find_dateline_agency(paragraphs: Iterable[str]) -> str | None:
    """Return the agency in a dateline such as "BEIJING (AFP) –" at the start of the body."""
    for para in list(paragraphs)[:3]:
        m = _DATELINE_RE.match(para)
        if m:
            return canonical_wire_service(m.group("agency"))
    return None


def is_generic_author(name: str) -> bool:
    """Tell whether an author name is a placeholder for the newsroom ("Staff", "Admin")."""
    return name.strip().casefold() in GENERIC_AUTHORS


def is_byline_element(el: Tag) -> bool:
    """Tell whether an element is marked up as a byline or author (class/rel/itemprop)."""
    if attr(el, "itemprop") == "author" or attr(el, "rel") == "author":
        return True
    cls = attr(el, "class")
    if not cls:
        return False
    return any(c in cls for c in _BYLINE_CLASSES) or " author " in f" {cls} "


def find_byline_elements(soup: Tag) -> list[Tag]:
    """Return the elements marked up as bylines or authors, in page order."""
    return list(filter(is_byline_element, iter_tags(body_of(soup))))


def is_caption_element(el: Tag) -> bool:
    """Tell whether an element is a figure caption (<figcaption> or a "caption" class)."""
    return el.name == "figcaption" or "caption" in (attr(el, "class") or "")


def find_captions(soup: Tag) -> tuple[Caption, ...]:
    """Return figure captions with the photo credit split off when one is printed."""
    captions: list[Caption] = []
    seen: set[str] = set()
    for el in filter(is_caption_element, iter_tags(body_of(soup))):
        if any(is_caption_element(a) for a in el.parents):
            continue
        caption = _read_caption(el)
        if caption is not None and caption.text not in seen:
            seen.add(caption.text)
            captions.append(caption)
    return tuple(captions)


def _is_caption_credit(el: Tag) -> bool:
    cls = attr(el, "class") or ""
    return any(c in cls for c in _CAPTION_CREDIT_CLASSES)


def _read_caption(el: Tag) -> Caption | None:
    credit_el = next(filter(_is_caption_credit, iter_tags(el)), None)
    credit: str | None = None
    text = element_text(el)
    if credit_el is not None:
        credit = element_text(credit_el)
        text = clean_text(text.replace(credit, "", 1))
        credit = _strip_credit_label(credit)
    else:
        m = _PHOTO_CREDIT.search(text)
        if m and m.group("credit").strip():
            credit = m.group("credit").strip()
            text = clean_text(text[: m.start()])
    text = text.rstrip(" |-–—")
    if not text and not credit:
        return None
    return Caption(text=text, credit=credit or None)


def _strip_credit_label(credit: str) -> str:
    m = _PHOTO_CREDIT.match(credit)
    if m:
        return m.group("credit").strip()
    return credit.strip(" ()")


def wire_names() -> tuple[str, ...]:
    """Return the canonical wire-service names (for callers that need the list)."""
    return tuple(WIRE_SERVICES)
