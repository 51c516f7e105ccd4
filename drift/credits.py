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
# The second half of a credit printed as two elements ("Photo by X" / "Agency").
_CREDIT_PART_CLASSES = ("distributor", "agency")
# A caption's media block (media_block): tags that mark a picture, how far up and how
# large; these containers are never one.
MEDIA_TAGS = ("img", "picture", "video", "iframe", "svg", "amp-img")
PICTURE_TAGS = ("img", "picture", "amp-img")
MEDIA_CLIMB = 3
MAX_MEDIA_ELEMENTS = 40
_BARE_LABEL = re.compile(
    r"(?:photo|photos|foto|fotos|picture|image|credit|credits|copyright|©|bild|quelle|quellen"
    r"|source|sources|tous droits réservés|all rights reserved|alle rechte vorbehalten"
    r"|todos los derechos reservados)"
    r"(?:\s+(?:credit|by))?",
    re.IGNORECASE,
)
# The page's own copyright line ("© 2024 Example Media. All rights reserved"), no photo's.
_PAGE_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:19|20)\d\d\b|rights reserved|rechte vorbehalten"
    r"|derechos reservados|droits réservés|diritti riservati",
    re.IGNORECASE,
)
_PAGE_FURNITURE = frozenset({"footer", "nav", "aside", "header"})
NOT_MEDIA_BLOCKS = frozenset({"body", "html", "[document]", "article", "main", "section"})
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
    r"^\s*(?:by|por|par|von|di|door|av|af|bởi)(?:\s*[:：]\s*|\s+)(?P<names>[^\n|]{2,100}?)\s*"
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
    r"(?:\(\s*)?(?:(?P<label>photos?|photograph|picture|image|credit|fotos?|ảnh|bild|imagen|фото"
    r"|bildquelle|crédit|crédito|photo credit|image credit|copyright|credits|fotoğraf)"
    r"\s*(?:by|credit)?\s*[:：]\s*|©\s*|\(c\)\s*|copyright\s+"
    r"|(?:[—–-]\s*)?(?:pictures?|photos?|photograph|image|fotos?)\s+(?:by|par)\s+)"
    r"(?P<credit>[^()\n]{1,120}?)\s*\)?\s*$",
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
    # "By the end of the week, …" is prose: a byline names people, placeholders or outlets.
    names = split_names(m.group("names"))
    return tuple(n for n in names if attribution_names.author_kind(n) != "junk")


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
    """Tell whether an element is a figure caption (<figcaption> or a "caption" class).

    An element classed as both ("caption-credit") is the credit of a caption, not one.
    """
    if el.name == "figcaption":
        return True
    cls = (attr(el, "class") or "").lower()
    return "caption" in cls and not any(c in cls for c in _CAPTION_CREDIT_CLASSES)


def find_captions(soup: Tag) -> tuple[Caption, ...]:
    """Return figure captions with the photo credit split off when one is printed.

    The credit is read inside the caption, or else from the media block around it
    (media_block): a sibling "credit" element, a <small> or <cite>, or a "Photo: …" line,
    before or after the caption.
    """
    captions: list[Caption] = []
    seen: set[str] = set()
    for el in filter(is_caption_element, iter_tags(body_of(soup))):
        if any(is_caption_element(a) for a in el.parents):
            continue
        caption = _read_caption(el)
        if caption is not None and caption.text not in seen:
            seen.add(caption.text)
            captions.append(caption)
    for caption in _unmarked_captions(soup):
        if caption.text not in seen or not caption.text:
            seen.add(caption.text)
            captions.append(caption)
    return tuple(captions)


def image_block(img: Tag) -> Tag | None:
    """Return the first small ancestor of a picture that holds text (its caption block).

    At most MEDIA_CLIMB levels and MAX_MEDIA_ELEMENTS elements; drift.locate locates
    the same block.
    """
    node = img
    for _ in range(MEDIA_CLIMB):
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in NOT_MEDIA_BLOCKS:
            return None
        if len(parent.find_all(True, limit=MAX_MEDIA_ELEMENTS + 1)) > MAX_MEDIA_ELEMENTS:
            return None
        if element_text(parent):
            return parent
        node = parent
    return None


def _unmarked_captions(soup: Tag) -> list[Caption]:
    """Captions printed next to a picture without caption markup, read only with a credit.

    The block around a picture (image_block) holds a caption and a credit when one of
    its elements is plainly a photo credit ("Foto: …", "© …", a "credit" class); the
    caption is then its longest other text. Without such a credit nothing is read (a
    teaser's headline next to its thumbnail is no caption).
    """
    out: list[Caption] = []
    done: set[int] = set()
    for img in body_of(soup).find_all(PICTURE_TAGS):
        block = image_block(img)
        if block is None or id(block) in done:
            continue
        done.add(id(block))
        if any(is_caption_element(t) for t in iter_tags(block)) or any(
            is_caption_element(a) for a in block.parents
        ):
            continue  # read as a marked caption
        if any(a.name in _PAGE_FURNITURE for a in block.parents):
            continue  # a logo over the page's copyright line
        credit_el = next((t for t in iter_tags(block) if _is_plain_credit(t)), None)
        if credit_el is None:
            continue
        around = {id(t) for t in iter_tags(credit_el)} | {id(a) for a in credit_el.parents}
        texts = [
            element_text(t)
            for t in iter_tags(block)
            if id(t) not in around and t.name in BLOCK_TAGS | {"span"} and t is not block
        ]
        texts = [t for t in texts if t and len(t) <= _MAX_NOTE_LINE and not is_photo_credit_line(t)]
        credit = _strip_credit_label(element_text(credit_el))
        if credit:  # a picture with only its credit printed has a caption without text
            out.append(Caption(text=max(texts, key=len) if texts else "", credit=credit))
    return out


def _is_plain_credit(el: Tag) -> bool:
    text = element_text(el)
    if not text or len(text) > _MAX_CREDIT_LINE or el.name in SKIP_TAGS:
        return False
    if _PAGE_COPYRIGHT.search(text):
        return False
    if is_photo_credit_line(text):
        return True
    cls = (attr(el, "class") or "").lower()
    return any(c in cls for c in ("credit", "copyright", "photographer")) and not _is_bare_label(el)


def media_block(el: Tag) -> Tag | None:
    """Return the small block holding a caption and its picture (a <figure> or the like).

    Climbs at most MEDIA_CLIMB levels from the caption to the first <figure>, or the first
    ancestor of at most MAX_MEDIA_ELEMENTS elements that holds an image; None when the
    caption stands in the article's text flow. drift.locate locates the same block.
    """
    node = el
    for _ in range(MEDIA_CLIMB):
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in NOT_MEDIA_BLOCKS:
            return None
        if parent.name == "figure":
            return parent
        if len(parent.find_all(True, limit=MAX_MEDIA_ELEMENTS + 1)) > MAX_MEDIA_ELEMENTS:
            return None
        if parent.find(MEDIA_TAGS) is not None:
            return parent
        node = parent
    return None


def _is_caption_credit(el: Tag) -> bool:
    cls = (attr(el, "class") or "").lower()
    return any(c in cls for c in _CAPTION_CREDIT_CLASSES)


def _sibling_credit(el: Tag) -> Tag | None:
    """The credit printed next to a caption inside its media block, if any."""
    block = media_block(el)
    if block is None:
        return None
    inside = {id(t) for t in iter_tags(el)} | {id(a) for a in el.parents}
    for tag in iter_tags(block):
        if id(tag) in inside or tag is block or tag.name in SKIP_TAGS:
            continue
        text = element_text(tag)
        if not text or len(text) > _MAX_CREDIT_LINE or is_caption_element(tag):
            continue
        if _is_caption_credit(tag) or tag.name in ("small", "cite") or is_photo_credit_line(text):
            return tag
    return None


def _credit_parts(el: Tag) -> list[Tag]:
    """The outermost credit elements of a caption, in page order.

    A credit may be printed as two sibling elements (a "credit" and a "distributor"
    span, or a bare "Copyright" label and the name after it); all are read.
    """
    parts: list[Tag] = []
    seen: set[int] = set()
    for t in iter_tags(el):
        cls = (attr(t, "class") or "").lower()
        if t is el or not (_is_caption_credit(t) or any(c in cls for c in _CREDIT_PART_CLASSES)):
            continue
        if any(id(p) in seen for p in t.parents):
            continue
        parts.append(t)
        seen.add(id(t))
    return parts


_SENTENCE_END = re.compile(r"[.!?…:;,]$")


def _trailing_credit_part(el: Tag) -> Tag | None:
    """The credit of a <figcaption> printed as its last, short, unmarked part.

    "<figcaption><span>caption</span> <span>Name/dpa</span></figcaption>": every text of
    the caption is inside its child elements, there are two or more, and the last is a
    short line after a caption twice its length: at most six words, no sentence end, no
    long lower-case word (a name or an agency, not a phrase).
    """
    if el.name != "figcaption" or any(
        isinstance(c, NavigableString) and c.strip() for c in el.children
    ):
        return None
    parts = [c for c in el.children if isinstance(c, Tag) and c.name not in SKIP_TAGS]
    if len(parts) < 2 or any(p.name not in ("span", "p", "small", "div", "em") for p in parts):
        return None
    last = element_text(parts[-1]).strip()
    rest = " ".join(element_text(p) for p in parts[:-1]).strip()
    credit = last.strip(" ()")
    words = credit.split()
    if not credit or len(words) > 6 or 2 * len(credit) > len(rest):
        return None
    if any(w[0].islower() and len(w) > 4 and "/" not in w for w in words):
        return None  # a phrase, not a name
    if _SENTENCE_END.search(credit) or parts[-1].find(MEDIA_TAGS) is not None:
        return None
    return parts[-1]


def _read_caption(el: Tag) -> Caption | None:
    # A credit element holding only its label ("Copyright", "Foto:") is passed over.
    parts = _credit_parts(el)
    named = [t for t in parts if not _is_bare_label(t)]
    credit: str | None = None
    text = element_text(el)
    if named:
        for part in parts:
            text = clean_text(text.replace(element_text(part), "", 1))
        credit = " / ".join(_strip_credit_label(element_text(t)).strip(" /") for t in named)
        credit = clean_text(credit.strip(" /")) or None
    else:
        m = _PHOTO_CREDIT.search(text)
        last = _trailing_credit_part(el)
        if m and m.group("credit").strip(" ;"):
            credit = m.group("credit").strip(" ;")
            text = clean_text(text[: m.start()])
        elif last is not None:
            credit = _strip_credit_label(element_text(last))
            text = clean_text(text.replace(element_text(last), "", 1))
        else:
            sibling = _sibling_credit(el)
            if sibling is not None:
                credit = _strip_credit_label(element_text(sibling))
    text = text.rstrip(" |-–—/")
    if not text and not credit:
        return None
    return Caption(text=text, credit=credit or None)


def _is_bare_label(el: Tag) -> bool:
    text = element_text(el).strip(" :：-–—()")
    return not text or _BARE_LABEL.fullmatch(text) is not None


def _strip_credit_label(credit: str) -> str:
    m = _PHOTO_CREDIT.match(credit)
    if m:
        return m.group("credit").strip()
    return credit.strip(" ()")


def wire_names() -> tuple[str, ...]:
    """Return the canonical wire-service names (for callers that need the list)."""
    return tuple(WIRE_SERVICES)
