"""Find the article body: its paragraphs in reading order, and where it sits in the page.

trafilatura extracts it from the lxml tree drift.normalise parsed once (drift.extractor;
JSON-LD articleBody and plain <p> fallbacks); `locate_article_region` finds its container
and closing blocks.
Credit lines and bylines are dropped from the paragraphs; drift.credits reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement, fromstring

from drift.credits import is_credit_line, parse_byline
from drift.extractor import extract_with_trafilatura
from drift.metadata import clean_text
from drift.patterns import is_boilerplate_line, is_trailing_furniture

_BOILERPLATE_CONTAINERS = ("nav", "header", "footer", "aside", "form")
# An articleBody this much longer than the extracted text means the extractor missed text
# when that text is on the page (most of it, probed every 150 characters), or
# the page hides its body when it shows fewer words than this.
_JSONLD_PREFERENCE = 1.3
_MIN_VISIBLE_SHARE = 0.9
_PROBE_CHARS = 40
_PROBE_STEP = 150
_HIDDEN_BODY_WORDS = 30
# Behind a declared paywall a page shows a teaser, a fraction of its articleBody; a copy cut
# after 40 % (bench/metamorphic.py's truncation) that kept the paywall markup shows more.
_TEASER_SHARE = 0.3
_SPACE = re.compile(r"\s+")
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?((?:[.#][\w-]+)*)$", re.IGNORECASE)
_NAIVE_MIN_WORDS = 8
# A same-class container joins the body only when it reads like body text: at least
# three sentence-length paragraphs (a teaser box has one or two; tuned on the benchmark).
_MAX_SECTIONS = 30
_SECTION_MIN_WORDS = 12
_SECTION_MIN_PARAS = 3
# Paragraphs recur legitimately (recipes, schedules: the shared benchmark's gold keeps
# them), so only an immediate repeat of a paragraph this long is dropped.
_DEDUPE_MIN_WORDS = 20
# Headline-like lines (no full stop, few words) running at the top of the body are
# related-story teasers when there are at least this many of them.
_TEASER_RUN = 3
_TRAILING_TEASER_RUN = 2
_TEASER_MAX_WORDS = 20
_TEASER_REST_FACTOR = 3
_KICKER_LINES = 4
_SENTENCE_END = (".", "!", "?", "。", "…", ":")
# How many blocks after the last body paragraph (at its level and its container's) belong
# to the article region: drift.links reads a "Read the original" box there.
ADJACENT_BLOCKS = 3
_ROOT_TAGS = ("body", "html")
# A text node that starts the paragraph, or that the paragraph starts with (the paragraph
# then begins with this node and goes on in an inline element); short nodes match by chance.
_TEXT_START_XPATH = (
    "//body//text()[starts-with(normalize-space(.), $s) or (string-length(normalize-space(.))"
    " >= 12 and starts-with($p, normalize-space(.)))]/.."
)
_P_START_XPATH = "//p[starts-with(normalize-space(.), $s)]"
# Paragraphs tried from each end when the first (last) one is not found in the markup.
_REGION_TRIES = 4


def element_text(el: HtmlElement) -> str:
    """Return an lxml element's text with whitespace collapsed."""
    return clean_text(el.text_content())


@dataclass(frozen=True, slots=True)
class ArticleRegion:
    """Where the body sits in the page: its container(s) and the blocks that end it.

    `containers` hold the body paragraphs; `last` is the last paragraph's <p> as
    drift.links finds it, `after` the next ADJACENT_BLOCKS siblings of it and of its parent.
    """

    containers: list[HtmlElement] = field(default_factory=list)
    last: HtmlElement | None = None
    after: list[HtmlElement] = field(default_factory=list)


def locate_article_region(tree: HtmlElement, paragraphs: list[str]) -> ArticleRegion:
    """Locate the body paragraphs' container and the blocks right after the last one.

    The container is the nearest common ancestor of the first and the last paragraph
    below <body> (just those two when it would be <body>); nothing is located when the
    paragraphs are not in the markup (JSON-LD bodies).
    """
    if not paragraphs:
        return ArticleRegion()
    hits = tree.xpath(_P_START_XPATH, s=paragraphs[-1][:40])
    last_p: HtmlElement | None = hits[-1] if hits else None
    first = _find_any(tree, paragraphs[:_REGION_TRIES], last=False)
    last = last_p
    if last is None:
        last = _find_any(tree, paragraphs[::-1][:_REGION_TRIES], last=True)
    found = [el for el in (first, last) if el is not None]
    containers = [_common_container(found)] if len(found) == 2 else found
    if containers and containers[0].tag in _ROOT_TAGS:
        containers = found  # paragraphs in unrelated parts of the page: keep just those
    after: list[HtmlElement] = []
    node = last_p
    for _ in range(2):  # the paragraph's own siblings, then its container's
        if node is None or node.tag in _ROOT_TAGS:
            break
        sibling = node.getnext()
        for _ in range(ADJACENT_BLOCKS):
            if sibling is None:
                break
            after.append(sibling)
            sibling = sibling.getnext()
        node = node.getparent()
    return ArticleRegion(containers, last_p, after)


def _find_any(tree: HtmlElement, paragraphs: list[str], *, last: bool) -> HtmlElement | None:
    for text in paragraphs:
        el = find_paragraph_element(tree, text, last=last)
        if el is not None:
            return el
    return None


def find_paragraph_element(tree: HtmlElement, text: str, *, last: bool) -> HtmlElement | None:
    """Return the first (or last) <p> whose text starts like `text`, else a text's parent."""
    hits = tree.xpath(_P_START_XPATH, s=text[:40])
    if not hits:
        hits = tree.xpath(_TEXT_START_XPATH, s=text[:20], p=text)
    if not hits:
        return None
    el = hits[-1] if last else hits[0]
    return el if isinstance(el, HtmlElement) else None


def _common_container(elements: list[HtmlElement]) -> HtmlElement:
    first, *rest = elements
    chain = [first, *first.iterancestors()]
    for other in rest:
        ancestors = {other, *other.iterancestors()}
        chain = [el for el in chain if el in ancestors]
    return chain[0] if chain else first


def extract_paragraphs(
    tree: HtmlElement,
    url: str,
    jsonld_body: str | None,
    title: str = "",
    *,
    paywalled: tuple[str, ...] = (),
    provenance: dict[str, str] | None = None,
) -> list[str]:
    """Return the body paragraphs of the page, without boilerplate and credit lines.

    What a reader sees decides: a JSON-LD articleBody longer than the extracted text is
    read only when its text is on the page too (the extractor missed some), when the page
    shows no body (rendered by script) or a declared paywall (`paywalled`, the selectors
    paywall_selectors returns) keeps its parts out of the markup; provenance then says
    "body": "jsonld".
    """
    paragraphs = extract_with_trafilatura(tree, url)
    if jsonld_body:
        paragraphs = _prefer_jsonld(tree, paragraphs, jsonld_body, paywalled, provenance)
    if not paragraphs:
        paragraphs = _naive_paragraphs(tree)
    else:
        paragraphs = _join_split_sections(tree, paragraphs)
    return _strip_trailing(_strip_leading_teasers(_filter_paragraphs(paragraphs, title)))


def paywall_selectors(jsonld: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the CSS selectors of the parts the JSON-LD marks as not free (isAccessibleForFree
    false; "" for the whole page), or () when it declares no paywall."""
    parts = jsonld.get("hasPart")
    found = [jsonld, *(p for p in (parts if isinstance(parts, list) else [parts]) if p)]
    return tuple(
        str(part.get("cssSelector") or "")
        for part in found
        if isinstance(part, Mapping)
        and str(part.get("isAccessibleForFree", "")).strip().casefold() == "false"
    )


def _paywall_hides(tree: HtmlElement, selectors: tuple[str, ...]) -> bool:
    """Tell whether a declared paywall hides the text: its parts are not in the page or hold
    almost no words (a page serving them whole hides nothing from a reader of its markup)."""
    for selector in selectors:
        for part in selector.split(","):
            xpath = _selector_xpath(part.strip())
            if xpath is None:
                return True  # a selector we do not read: trust the declaration
            words = sum(len(el.text_content().split()) for el in tree.xpath(xpath))
            if words >= _HIDDEN_BODY_WORDS:
                return False
    return bool(selectors)


def _selector_xpath(selector: str) -> str | None:
    """Translate a simple CSS selector (tag, .class, #id) to XPath; None for any other."""
    match = _SIMPLE_SELECTOR.match(selector)
    if match is None or not selector:
        return None
    tag, rest = match.group(1) or "*", match.group(2)
    tests = [
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name[1:]} ')"
        if name.startswith(".")
        else f"@id='{name[1:]}'"
        for name in re.findall(r"[.#][\w-]+", rest)
    ]
    return f"//{tag}" + "".join(f"[{t}]" for t in tests)


def _prefer_jsonld(
    tree: HtmlElement,
    paragraphs: list[str],
    jsonld_body: str,
    paywalled: tuple[str, ...],
    provenance: dict[str, str] | None,
) -> list[str]:
    from_jsonld = _split_article_body(jsonld_body)
    if " ".join(from_jsonld) == " ".join(paragraphs):
        # Same text, but the JSON-LD keeps the paragraph breaks; trafilatura itself falls
        # back to the articleBody when the page shows nothing.
        hidden = _visible_share(tree, from_jsonld) < _MIN_VISIBLE_SHARE
    elif _word_count(from_jsonld) <= _JSONLD_PREFERENCE * _word_count(paragraphs):
        return paragraphs
    else:
        shown = _word_count(paragraphs)
        hidden = shown < _HIDDEN_BODY_WORDS or (
            shown < _TEASER_SHARE * _word_count(from_jsonld) and _paywall_hides(tree, paywalled)
        )
        if not hidden and _visible_share(tree, from_jsonld) < _MIN_VISIBLE_SHARE:
            return paragraphs  # the page shows less than its JSON-LD: a reader sees a cut text
    if hidden and provenance is not None:
        provenance["body"] = "jsonld"
    return from_jsonld


def _visible_share(tree: HtmlElement, paragraphs: list[str]) -> float:
    """Share of the paragraphs' text found in the page's text (probed every few words,
    since an articleBody may be one long paragraph)."""
    texts = tree.xpath(
        "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
        " or ancestor::template)]"
    )
    page = _SPACE.sub("", "".join(str(t) for t in texts)).casefold()
    probes = [
        squeezed[at : at + _PROBE_CHARS]
        for para in paragraphs
        for squeezed in [_SPACE.sub("", para).casefold()]
        for at in range(0, max(len(squeezed) - _PROBE_CHARS, 0) + 1, _PROBE_STEP)
    ]
    return sum(probe in page for probe in probes) / len(probes) if probes else 0.0


def _join_split_sections(tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """Add the body's other sections when ad blocks split it into same-class containers."""
    hits = tree.xpath("//p[starts-with(normalize-space(.), $s)]", s=paragraphs[0][:40])
    if len(hits) != 1:
        return paragraphs
    container = hits[0].getparent()
    cls = container.get("class") if container is not None else None
    if not cls:
        return paragraphs
    sections = tree.xpath("//*[@class=$c]", c=cls)
    if not 2 <= len(sections) <= _MAX_SECTIONS:
        return paragraphs
    known = set(paragraphs)
    before: list[str] = []
    after: list[str] = []
    target = before
    for section in sections:
        if section is container:
            target = after
            continue
        if _related(section, container):
            continue
        texts = [t for t in _section_paragraphs(section) if t not in known]
        if sum(len(t.split()) >= _SECTION_MIN_WORDS for t in texts) >= _SECTION_MIN_PARAS:
            target.extend(texts)
    return before + paragraphs + after if before or after else paragraphs


def _related(a: HtmlElement, b: HtmlElement) -> bool:
    return any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _section_paragraphs(section: HtmlElement) -> list[str]:
    out = []
    for p in section.iter("p", "h2", "h3", "li", "blockquote"):
        if p.tag != "p" and p.find(".//p") is not None:
            continue
        text = element_text(p)
        if text and not is_boilerplate_line(text):
            out.append(text)
    return out


def _split_article_body(body: str) -> list[str]:
    if "<" in body and ">" in body:
        try:
            frag = fromstring(f"<div>{body}</div>")
            body = "\n".join(line for line in frag.itertext())
        except (etree.ParserError, ValueError):
            pass
    return [clean_text(p) for p in re.split(r"\n\s*\n|\r?\n", body) if clean_text(p)]


def _naive_paragraphs(tree: HtmlElement) -> list[str]:
    out: list[str] = []
    for p in tree.iter("p"):
        if any(a.tag in _BOILERPLATE_CONTAINERS for a in p.iterancestors()):
            continue
        text = element_text(p)
        if len(text.split()) >= _NAIVE_MIN_WORDS:
            out.append(text)
    return out


def _filter_paragraphs(paragraphs: Iterable[str], title: str) -> list[str]:
    out: list[str] = []
    for para in _drop_above_headline(list(paragraphs), title):
        if para == title or is_credit_line(para) or parse_byline(para):
            continue
        if is_boilerplate_line(para):
            continue
        if out and para == out[-1] and len(para.split()) >= _DEDUPE_MIN_WORDS:
            continue  # a summary repeating the lead right above it
        out.append(para)
    return _drop_repeated_body(out)


def _drop_above_headline(paragraphs: list[str], title: str) -> list[str]:
    """Drop kicker/section labels printed above the headline ("Port", "World | Europe")."""
    if title and title in paragraphs[:_KICKER_LINES]:
        at = paragraphs.index(title)
        if all(len(p.split()) <= _TEASER_MAX_WORDS // 2 for p in paragraphs[:at]):
            return paragraphs[at:]
    return paragraphs


def _drop_repeated_body(paragraphs: list[str]) -> list[str]:
    """Keep one copy when the whole body is printed twice (AMP/mobile blocks, print views)."""
    half = len(paragraphs) // 2
    if half >= 2 and paragraphs[:half] == paragraphs[half : 2 * half]:
        return paragraphs[:half] + paragraphs[2 * half :]
    return paragraphs


def _strip_leading_teasers(paragraphs: list[str]) -> list[str]:
    """Drop a run of headline-like lines (related-story teasers) before the first sentence."""
    lead = 0
    for para in paragraphs:
        if _is_sentence(para) or len(para.split()) > _TEASER_MAX_WORDS:
            break
        lead += 1
    if lead < _TEASER_RUN:
        return paragraphs
    rest = paragraphs[lead:]
    if _word_count(rest) < _TEASER_REST_FACTOR * _word_count(paragraphs[:lead]):
        return paragraphs
    return rest


def _strip_trailing(paragraphs: list[str]) -> list[str]:
    """Drop what follows the article's last paragraph: furniture lines (an author bio, "With
    files from …", a corrections note) and runs of more-stories headlines, in any order."""
    while True:
        end = len(paragraphs)
        while end > 1 and is_trailing_furniture(paragraphs[end - 1]):
            end -= 1
        stripped = _strip_trailing_teasers(paragraphs[:end])
        if stripped == paragraphs:
            return paragraphs
        paragraphs = stripped


def _strip_trailing_teasers(paragraphs: list[str]) -> list[str]:
    """Drop a run of headline-like lines (more-stories links) after the last sentence."""
    tail = 0
    for para in reversed(paragraphs):
        if _is_sentence(para) or len(para.split()) > _TEASER_MAX_WORDS:
            break
        tail += 1
    if tail < _TRAILING_TEASER_RUN:
        return paragraphs
    rest = paragraphs[: len(paragraphs) - tail]
    if _word_count(rest) < _TEASER_REST_FACTOR * _word_count(paragraphs[len(rest) :]):
        return paragraphs
    return rest


def _is_sentence(para: str) -> bool:
    """A sentence, or the attribution line under a quote or an embedded post ("— Name, date")."""
    return para.rstrip(" ”\"'’)»").endswith(_SENTENCE_END) or para.startswith(("— ", "– "))


def _word_count(paragraphs: Iterable[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)
