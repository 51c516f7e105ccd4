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

from drift import attribution_names
from drift.metadata import attr, clean_text, element_text, first_tag, iter_tags
from drift.model import Caption, Credit
from drift.patterns import CREDIT_LABELS, CREDIT_LINE_RE, WIRE_SERVICES, canonical_wire_service

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
_CAPTION_CREDIT_CLASSES = ("credit", "copyright", "source", "author", "photographer")
_MAX_CREDIT_LINE = 160
# A line longer than this is prose: no label or note is looked for inside it.
_MAX_NOTE_LINE = 400

# A credit label inside a line: at its start or after a separator ("– Source: –").
_LABEL_ALTERNATION = "|".join(re.escape(x) for x in sorted(CREDIT_LABELS, key=len, reverse=True))
_INLINE_LABEL_RE = re.compile(
    rf"(?:^|(?<=[–—|•·/])|(?<=\s-)|(?<=\s-\s))\s*[\(\[]?\s*(?P<label>{_LABEL_ALTERNATION})\s*[:：]",
    re.IGNORECASE,
)
# What ends a value inside a line: a spaced dash or bar, a bullet.
_SEPARATOR = re.compile(r"\s[–—|•·-]\s|\s[–—|•·]$|[\)\]]\s*$")
_SEPARATOR_START = re.compile(r"^[–—|•·-](?:\s|$)")
# Notes that name where a story first ran. Words any note holds (a cheap first test):
NOTE_WORDS = ("ublished", "ppeared", "eprinted", "ublicado", "eröffentlicht", "ubblicato")
SYNDICATION_NOTE_RE = re.compile(
    r"(?:(?:this|the)\s+(?:article|story|piece|post|report|column|essay|interview)\s+"
    r"(?:was|is|has been|first)?\s*)?"
    r"(?P<label>(?:(?:originally|first)\s+(?:published|posted|appeared|ran)|"
    r"(?:published|appeared)\s+(?:originally|first)|republished|reprinted|"
    r"publicado\s+originalmente|originalmente\s+publicado|"
    r"(?:zuerst|ursprünglich|erstmals)\s+(?:veröffentlicht|erschienen)|"
    r"pubblicato\s+originariamente))"
    r"(?:\s+(?:here\s+)?with\s+(?:the\s+)?(?:kind\s+)?permission)?"
    r"\s+(?:by|in|on|at|from|via|por|en|bei|auf|in der|im|su|da)\s+(?P<value>[^\n]{2,160})",
    re.IGNORECASE,
)
# Where a note's value ends: a sentence end, a clause ("and is republished …"), a date.
_NOTE_VALUE_END = re.compile(
    r"\.\s|\.$|\s(?:and|under|with|as part|y|und|e)\s"
    r"|\s(?:on|am|el|le)\s+(?=\d|[A-Z][a-z]+\.?\s+\d)|\s[–—|]\s|,\s|;\s|\(",
)
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


def _has_credit_text(el: Tag) -> bool:
    """Tell whether an element's own text may hold a credit line or a syndication note."""
    if el.name in SKIP_TAGS:
        return False
    return any(":" in t or "：" in t or has_note_word(t) for t in own_text(el))


def has_note_word(text: str) -> bool:
    """Cheap test: does a text hold a word that starts a syndication note ("published")?"""
    return any(word in text for word in NOTE_WORDS)


def find_credit_lines(soup: Tag) -> tuple[tuple[Credit, str], ...]:
    """Return each credit line as (Credit(label, value), the line as printed), in page order."""
    seen_blocks: set[int] = set()  # id(): the soup is alive for the whole call
    found: list[tuple[Credit, str]] = []
    seen: set[tuple[str, str]] = set()
    for el in filter(_has_credit_text, iter_tags(body_of(soup))):
        block = block_ancestor(el)
        if id(block) in seen_blocks:
            continue
        seen_blocks.add(id(block))
        if _in_caption(block):
            continue
        for line in leaf_lines(block):
            for credit in parse_credit_lines(line):
                if (credit.label, credit.value) not in seen:
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


def parse_credit_lines(line: str) -> list[Credit]:
    """Read every credit in a line: a line-start credit, labels inside it, syndication notes.

    "You are reading the article X at – Source: – Read the original article here" holds
    the credit "Source: –": a label inside a line counts after a separator (dash, bar,
    bullet), and its value ends at the next separator or label.
    """
    if len(line) > _MAX_NOTE_LINE:
        return []
    labels = list(_INLINE_LABEL_RE.finditer(line))
    credits: list[Credit] = []
    if labels and labels[0].start() == 0 and len(line) <= _MAX_CREDIT_LINE and len(labels) == 1:
        whole = parse_credit_line(line)
        if whole is not None:
            return [whole]
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(line)
        credit = _inline_credit(m.group("label"), line[m.end() : end])
        if credit is not None:
            credits.append(credit)
    if not credits:
        credits += _note_credits(line)
    return credits


def _inline_credit(label: str, rest: str) -> Credit | None:
    rest = rest.strip()
    if _SEPARATOR_START.match(rest):
        return Credit(label.strip(), rest[0])  # "Source: – Read the original": names nobody
    value = _SEPARATOR.split(rest, maxsplit=1)[0].strip(" .;,")
    if len(value.split()) > 12:
        return None
    return Credit(label.strip(), value)


def _note_credits(line: str) -> list[Credit]:
    """Read "This article was originally published by X" notes as credits."""
    if len(line) > _MAX_NOTE_LINE or not has_note_word(line):
        return []
    out: list[Credit] = []
    for m in SYNDICATION_NOTE_RE.finditer(line):
        value = _NOTE_VALUE_END.split(m.group("value"), maxsplit=1)[0].strip(" .;,:")
        if value and len(value.split()) <= 12 and any(ch.isalpha() for ch in value):
            out.append(Credit(m.group("label").strip().capitalize(), value))
    return out


def is_credit_line(line: str) -> bool:
    """Tell whether a paragraph is a credit line, a syndication note or a photo credit.

    Each is kept out of the body text (drift.body): "Source: AFP", "This article was
    originally published by X.", a media block's "Photo: Jane Roe/AFP" line.
    """
    if parse_credit_line(line) is not None or is_photo_credit_line(line):
        return True
    return len(line) <= _MAX_CREDIT_LINE * 2 and bool(parse_credit_lines(line))


def is_photo_credit_line(line: str) -> bool:
    """Tell whether a whole line is a photo credit ("Photo: Jane Roe/AFP", "© Reuters")."""
    if len(line) > _MAX_CREDIT_LINE:
        return False
    m = _PHOTO_CREDIT.match(line.strip())
    return m is not None and bool(m.group("credit").strip())


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
    surname, comma, given = text.partition(",")
    one_each = len(surname.split()) == 1 and len(given.split()) == 1 and "," not in given
    if comma and one_each and canonical_wire_service(given.strip()) is None:
        return (text,)  # "Doe, Jane": one name written surname first
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
    return attribution_names.is_generic_author(name)


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
