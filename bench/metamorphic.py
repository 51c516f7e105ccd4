"""Metamorphic tests of the findings on real news pages: controlled edits, expected codes.

For every page of shared/bench/fundus (and shared/bench/article-extraction) the page is
served on loopback as the original and as edited copies of it (one edit each, placed in
a body paragraph located from the page's annotation), the real `syndiwatch check
ORIGINAL COPY...` runs once per page over all its copies, and each copy's finding codes
are compared with the one code its edit should produce. See bench/README.md
("Metamorphic tests").

    .venv/bin/python bench/metamorphic.py [--dataset fundus|article-extraction|both]
        [--split tune|holdout|all] [--limit N] [--page SUBSTRING] [--variants a,b]
        [--mode cli|inproc] [--jobs N] [--worst N] [--json OUT]
"""

from __future__ import annotations

import argparse
import copy
import gzip
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
from lxml.html import HtmlElement

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drift.decode import decode_html  # noqa: E402

HOLDOUT = REPO / "bench" / "holdout"
FLOORS = REPO / "bench" / "floors.json"
CONTENT_TYPE = "text/html; charset=utf-8"
HEADERS = {"Content-Type": CONTENT_TYPE}
ORIGIN_HOST, COPY_HOST = "127.0.0.1", "127.0.0.2"

# variant → the one finding code its edit should produce (mirror: none at all).
EXPECTED: dict[str, str | None] = {
    "mirror": None,
    "number": "content.number_changed",
    "name": "content.name_changed",
    "date": "content.date_changed",
    "negation": "content.negation_flipped",
    "hedge": "content.hedge_removed",
    "quote": "content.quote_altered",
    "drop": "content.passage_dropped",
    "insert": "content.text_inserted",
    "truncate": "content.truncated",
    "byline_removed": "attribution.byline_missing",
    "byline_replaced": "attribution.byline_replaced",
    "credit_placeholder": "attribution.credit_placeholder",
    "links_removed": "attribution.link_missing",
    "photo_credit_removed": "attribution.photo_credit_dropped",
    "placeholder_author": "attribution.byline_missing",
}
VARIANTS = tuple(EXPECTED)
CONTENT_VARIANTS = frozenset(v for v, c in EXPECTED.items() if c and c.startswith("content."))
GROUPS = ("all", "tune", "holdout")
DATASETS = ("fundus", "article-extraction")

# Tags whose text no reader sees.
_SKIP = frozenset({"script", "style", "noscript", "template", "textarea", "title", "head"})
# Characters left out when texts are compared: whitespace and invisible joiners, so the
# annotation ("a b") matches markup that writes it "a<br>b" or "a&nbsp;b".
_INVISIBLE = r"\s\u00ad\u200b-\u200d\u2060\ufeff"
_DROP_RE = re.compile(f"[{_INVISIBLE}]+")
_KEEP_RE = re.compile(f"[^{_INVISIBLE}]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARSER = lxml.html.HTMLParser(remove_pis=True, default_doctype=False)


def key(text: str | None) -> str:
    """The text with whitespace and invisible characters removed (the comparison key)."""
    return _DROP_RE.sub("", text) if text else ""


def norm(text: str) -> str:
    return " ".join(text.split())


def seeded(*parts: str) -> random.Random:
    """A random generator seeded by the page and variant (stable across runs and hosts)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return random.Random(int(digest[:16], 16))


# ---------------------------------------------------------------------------- data


@dataclass
class Case:
    """One page with its annotation."""

    key: str  # "fundus/us/FreeBeacon_2023_04_28" or "article-extraction/<id>"
    dataset: str
    publisher: str
    held_out: bool
    url: str  # the page's real address
    path: Path
    lead: list[str]  # fundus summary paragraphs
    paragraphs: list[str]  # body paragraphs, in order
    authors: list[str]
    image_credits: list[str]  # annotated photo credits (image authors)

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", self.key.split("/", 1)[1])

    @property
    def group(self) -> str:
        return "holdout" if self.held_out else "tune"


def fundus_dir() -> Path:
    env = os.environ.get("SYNDIWATCH_FUNDUS_DATA")
    return Path(env) if env else REPO.parent / "shared" / "bench" / "fundus"


def extraction_dir() -> Path:
    env = os.environ.get("SYNDIWATCH_BENCH_DATA")
    return Path(env) if env else REPO.parent / "shared" / "bench" / "article-extraction"


def read_holdout(name: str) -> set[str]:
    lines = (HOLDOUT / name).read_text(encoding="utf-8").splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")}


def load_fundus(root: Path) -> list[Case]:
    held = read_holdout("fundus-publishers.txt")
    cases = []
    for meta in sorted(root.glob("*/*.json")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        expected = data.get("expected") or {}
        body = expected.get("body") or {}
        publisher = meta.stem.rsplit("_", 3)[0]
        sections = [p for s in body.get("sections") or [] for p in s.get("paragraphs") or []]
        credits = []
        for image in expected.get("images") or []:
            credits += [a for a in image.get("authors") or [] if isinstance(a, str) and a.strip()]
        cases.append(
            Case(
                key=f"fundus/{meta.parent.name}/{meta.stem}",
                dataset="fundus",
                publisher=publisher,
                held_out=publisher in held,
                url=data["url"],
                path=meta.with_name(meta.stem + ".html.gz"),
                lead=[norm(p) for p in body.get("summary") or [] if norm(p)],
                paragraphs=[norm(p) for p in sections if norm(p)],
                authors=[a for a in expected.get("authors") or [] if a and a.strip()],
                image_credits=list(dict.fromkeys(credits)),
            )
        )
    return cases


def load_article_extraction(root: Path) -> list[Case]:
    held = read_holdout("article-extraction-ids.txt")
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Case(
            key=f"article-extraction/{page_id}",
            dataset="article-extraction",
            publisher=urlsplit(truth[page_id]["url"]).hostname or page_id,
            held_out=page_id in held,
            url=truth[page_id]["url"],
            path=root / "html" / f"{page_id}.html.gz",
            lead=[],
            paragraphs=[norm(p) for p in truth[page_id]["articleBody"].split("\n") if norm(p)],
            authors=[],
            image_credits=[],
        )
        for page_id in sorted(truth)
    ]


def load_cases(dataset: str) -> list[Case]:
    cases: list[Case] = []
    if dataset in ("fundus", "both"):
        cases += load_fundus(fundus_dir())
    if dataset in ("article-extraction", "both"):
        cases += load_article_extraction(extraction_dir())
    return cases


# ---------------------------------------------------------------------------- the tree


def parse_page(raw: bytes) -> tuple[HtmlElement, str]:
    """Decode and parse a page; return its root and doctype (for re-serialising)."""
    text = _CONTROL.sub("", _XML_DECL.sub("", decode_html(raw), count=1))
    root = lxml.html.document_fromstring(text, parser=_PARSER)
    doctype = root.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    for meta in root.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
        if (meta.get("http-equiv") or "").strip().lower() == "content-type":
            meta.set("content", CONTENT_TYPE)
    return root, doctype


def serialise(root: HtmlElement, doctype: str) -> bytes:
    return str(lxml.html.tostring(root, encoding="unicode", doctype=doctype)).encode("utf-8")


def visible(el: Any) -> bool:
    return isinstance(el.tag, str) and el.tag not in _SKIP


def element_keys(root: HtmlElement) -> dict[HtmlElement, str]:
    """Every visible element's text key (its visible text without whitespace)."""
    keys: dict[HtmlElement, str] = {}
    stack: list[tuple[HtmlElement, Iterator[Any], list[str]]] = [
        (root, iter(root), [key(root.text) if visible(root) else ""])
    ]
    while stack:
        el, children, parts = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            k = "".join(parts)
            keys[el] = k
            if stack:
                stack[-1][2].append(k + key(el.tail))
            continue
        if not visible(child):
            parts.append(key(child.tail))
            continue
        stack.append((child, iter(child), [key(child.text)]))
    return keys


def text_nodes(el: HtmlElement) -> list[tuple[Any, str]]:
    """The visible text nodes of el's subtree (not its own tail), in document order."""
    out: list[tuple[Any, str]] = []

    def walk(node: Any) -> None:
        out.append((node, "text"))
        for child in node:
            if visible(child):
                walk(child)
            out.append((child, "tail"))

    if visible(el):
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        walk(el)
    return out


def replace_span(raw: str, anchor: str, start: int, end: int, new: str) -> str | None:
    """Replace, in `raw`, the part of the first occurrence of key `anchor` that spans key
    positions [start, end) of it by `new`; None when the anchor is not in raw."""
    idx = [m.start() for m in _KEEP_RE.finditer(raw)]
    flat = "".join(raw[i] for i in idx)
    at = flat.find(anchor)
    if at < 0 or end <= start:
        return None
    lo, hi = idx[at + start], idx[at + end - 1] + 1
    return raw[:lo] + new + raw[hi:]


def edit_element(el: HtmlElement, anchor: str, start: int, end: int, new: str) -> bool:
    """Apply a key-span replacement to el's visible text nodes, keeping inline tags."""
    nodes = text_nodes(el)
    values = [getattr(n, a) or "" for n, a in nodes]
    raw = "".join(values)
    idx = [m.start() for m in _KEEP_RE.finditer(raw)]
    flat = "".join(raw[i] for i in idx)
    at = flat.find(anchor)
    if at < 0 or end <= start:
        return False
    lo, hi = idx[at + start], idx[at + end - 1] + 1
    offset = 0
    placed = False
    for (node, attr), value in zip(nodes, values, strict=True):
        a, b = offset, offset + len(value)
        offset = b
        if b <= lo or a >= hi:
            continue
        s, e = max(lo, a) - a, min(hi, b) - a
        setattr(node, attr, value[:s] + ("" if placed else new) + value[e:])
        placed = True
    return placed


@dataclass
class Located:
    """Where one annotated paragraph sits: its element (by path), whether that element's
    text is exactly the paragraph, and the other places the page repeats it."""

    index: int
    text: str
    path: str
    exact: bool
    repeats: list[str]


def minimal_containers(
    body: HtmlElement, keys: dict[HtmlElement, str], wanted: str
) -> list[HtmlElement]:
    """The smallest visible elements whose text key contains `wanted`, in document order."""
    if wanted not in keys.get(body, ""):
        return []
    found: list[HtmlElement] = []
    stack = [body]
    while stack:
        el = stack.pop()
        kids = [c for c in el if c in keys and wanted in keys[c]]
        if kids:
            stack.extend(reversed(kids))
        else:
            found.append(el)
    return found


def locate(root: HtmlElement, paragraphs: Sequence[str]) -> dict[int, Located]:
    body = root.find("body")
    if body is None:
        body = root
    keys = element_keys(body)
    tree = root.getroottree()
    out: dict[int, Located] = {}
    for i, text in enumerate(paragraphs):
        k = key(text)
        if len(k) < 10:
            continue
        found = minimal_containers(body, keys, k)
        if not found:
            continue
        exact = [el for el in found if keys[el] == k]
        chosen = exact[0] if exact else found[0]
        repeats = [tree.getpath(el) for el in found if el is not chosen]
        out[i] = Located(i, text, tree.getpath(chosen), bool(exact), repeats)
    return out


# ---------------------------------------------------------------------------- language

_STOP = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "he",
           "it", "as", "said", "his", "her", "by", "at", "are", "from", "have", "has"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "von", "den", "zu", "sich",
           "auf", "für", "dem", "ein", "eine", "im", "auch", "wird", "des", "nach"},
}  # fmt: skip


def language_of(root: HtmlElement, paragraphs: Sequence[str]) -> str:
    """ "en", "de" or "other": a stopword count over the annotated paragraphs, else <html lang>."""
    words = re.findall(r"[^\W\d_]+", " ".join(paragraphs).lower())
    if len(words) >= 30:
        share = {lang: sum(w in stop for w in words) / len(words) for lang, stop in _STOP.items()}
        best = max(share, key=lambda lang: share[lang])
        return best if share[best] >= 0.08 else "other"
    lang = (root.get("lang") or "").lower()[:2]
    return lang if lang in _STOP else "other"


# ---------------------------------------------------------------------------- edits


@dataclass
class Edit:
    """Replace paragraph[index][start:end] (character offsets) by `new`."""

    index: int
    start: int
    end: int
    new: str

    def describe(self, paragraphs: Sequence[str]) -> str:
        text = paragraphs[self.index]
        return f"p{self.index}: {text[self.start : self.end]!r} → {self.new!r}"


class Skip(Exception):
    """The page offers no place for this variant (the message says why)."""


@dataclass
class Page:
    """One case prepared: its tree, the located paragraphs and its language."""

    case: Case
    root: HtmlElement
    doctype: str
    original: bytes
    paragraphs: list[str]  # lead + body paragraphs; body ones start at `first_body`
    first_body: int
    located: dict[int, Located]
    language: str
    body_key: str = ""  # the visible text key of the original page

    @property
    def body_indexes(self) -> list[int]:
        return list(range(self.first_body, len(self.paragraphs)))

    def content_order(self) -> list[int]:
        """Paragraph indexes to place content edits in: located body ones, else the lead."""
        body = [i for i in self.body_indexes if i in self.located]
        return body or [i for i in range(self.first_body) if i in self.located]


def prepare(case: Case) -> Page:
    raw = gzip.decompress(case.path.read_bytes())
    root, doctype = parse_page(raw)
    paragraphs = [*case.lead, *case.paragraphs]
    located = locate(root, paragraphs)
    body = root.find("body")
    body_key = element_keys(body).get(body, "") if body is not None else ""
    return Page(
        case,
        root,
        doctype,
        serialise(root, doctype),
        paragraphs,
        len(case.lead),
        located,
        language_of(root, case.paragraphs or case.lead),
        body_key,
    )


def key_span(text: str, start: int, end: int) -> tuple[int, int]:
    return len(key(text[:start])), len(key(text[:end]))


def apply_edit(page: Page, root: HtmlElement, edit: Edit) -> None:
    """Place a string edit in the located paragraph, its repeats, JSON-LD and meta text."""
    loc = page.located[edit.index]
    text = loc.text
    anchor = key(text)
    ks, ke = key_span(text, edit.start, edit.end)
    if ks == ke:
        raise Skip("edit spans no visible character")
    tree = root.getroottree()
    el = tree.xpath(loc.path)[0]
    if not edit_element(el, anchor, ks, ke, edit.new):
        raise Skip("paragraph not found again")
    for path in loc.repeats:
        for other in tree.xpath(path):
            edit_element(other, anchor, ks, ke, edit.new)

    def fix(value: str) -> str:
        for _ in range(5):  # the paragraph may be repeated inside one string
            changed = replace_span(value, anchor, ks, ke, edit.new)
            if changed is None or changed == value:
                break
            value = changed
        return value

    for script in jsonld_scripts(root):
        data = load_jsonld(script)
        if data is not None:
            new = map_strings(data, fix)
            if new != data:
                dump_jsonld(script, new)
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content and anchor in key(content):
            meta.set("content", fix(content))


def jsonld_scripts(root: HtmlElement) -> list[HtmlElement]:
    return [
        s
        for s in root.iter("script")
        if (s.get("type") or "").strip().lower() == "application/ld+json"
    ]


def load_jsonld(script: HtmlElement) -> Any:
    try:
        return json.loads(script.text or "")
    except ValueError:
        return None


def dump_jsonld(script: HtmlElement, data: Any) -> None:
    script.text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def map_strings(data: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(data, str):
        return fn(data)
    if isinstance(data, list):
        return [map_strings(v, fn) for v in data]
    if isinstance(data, dict):
        return {k: map_strings(v, fn) for k, v in data.items()}
    return data


def quote_marks(text: str) -> dict[str, str]:
    """Each opening quotation mark of the paragraph's style → the marks that close it:
    „…“ where the low mark is used (“ then closes), else “…”; »…« where the first
    guillemet is », else «…»; straight double quotes."""
    marks = {'"': '"'}
    if "„" in text:
        marks["„"] = "“”"
    else:
        marks["“"] = "”"
    first = min((i for i in (text.find("«"), text.find("»")) if i >= 0), default=-1)
    if first >= 0 and text[first] == "»":
        marks["»"] = "«"
    else:
        marks["«"] = "»"
    return marks


def quotations(text: str) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of the paragraph's quotations, marks paired
    per style; an unclosed quotation closes at len(text)."""
    marks = quote_marks(text)
    spans, i = [], 0
    while i < len(text):
        closers = marks.get(text[i])
        if closers is None:
            i += 1
            continue
        ends = [j for j in (text.find(c, i + 1) for c in closers) if j >= 0]
        end = min(ends, default=len(text))
        spans.append((i, end))
        i = end + 1
    return spans


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (an unclosed quote runs to the end)."""
    spans = [(a, b + 1) for a, b in quotations(text)]
    if "”" in text and not any(a <= text.index("”") < b for a, b in spans):
        spans.append((0, text.index("”") + 1))  # the end of a quote opened paragraphs earlier
    return spans


def outside_quotes(page: Page, sites: list[Edit]) -> list[Edit]:
    """The sites not inside a direct quotation (an edit there is a changed quote)."""
    spans = {i: quoted_spans(page.paragraphs[i]) for i in {s.index for s in sites}}
    return [s for s in sites if not any(a < s.end and s.start < b for a, b in spans[s.index])]


def choose(rng: random.Random, sites: Sequence[Edit], what: str) -> Edit:
    if not sites:
        raise Skip(what)
    return sites[rng.randrange(len(sites))]


# -- number


def _words(text: str) -> list[str]:
    return text.split()


_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "januar jänner februar märz juni juli oktober dezember "
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre "
    "novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre "
    "setiembre octubre noviembre diciembre gennaio febbraio aprile maggio giugno luglio "
    "settembre ottobre dicembre janeiro fevereiro março maio junho julho setembro outubro "
    "dezembro januari februari maart mei augustus oktober juni juli augusti "
    "styczeń stycznia lutego marca kwietnia maja czerwca lipca sierpnia września "
    "października listopada grudnia"
)
_MONTH_SET = frozenset(_MONTHS)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CJK_DATE = frozenset("年月日時时点點分")


def number_sites(page: Page) -> list[Edit]:
    sites = []
    for i in page.content_order():
        text = page.paragraphs[i]
        for m in _NUMBER.finditer(text):
            token = m.group()
            before, after = text[max(0, m.start() - 1) : m.start()], text[m.end() : m.end() + 1]
            if before and (before.isalpha() or before in "-/:.,#§"):
                continue
            if after and (after in _CJK_DATE or (after.isascii() and after.isalpha())):
                continue
            if after in ("/", ":", "-") and text[m.end() + 1 : m.end() + 2].isdigit():
                continue
            if re.fullmatch(r"(?:19|20)\d\d", token) or token.count(".") >= 2:
                continue
            if _near_month(text, m.start(), m.end()):
                continue
            new = _bump(token)
            if new:
                sites.append(Edit(i, m.start(), m.end(), new))
    return sites


def _near_month(text: str, start: int, end: int) -> bool:
    words_before = re.findall(r"[^\W\d_]+", text[max(0, start - 20) : start].lower())[-2:]
    words_after = re.findall(r"[^\W\d_]+", text[end : end + 20].lower())[:2]
    near = [*words_before[-1:], *words_after[:1]]
    if words_after[:1] in (["de"], ["of"]) and len(words_after) > 1:
        near.append(words_after[1])
    return any(w.rstrip(".") in _MONTH_SET for w in near)


def _bump(token: str) -> str | None:
    m = re.search(r"\d+$", token)
    if m is None:
        return None
    run = m.group()
    grouped = m.start() > 0
    value = int(run) + 3
    text = str(value).zfill(len(run)) if grouped else str(value)
    if grouped and len(text) > len(run):
        value = int(run) - 3
        if value < 0:
            return None
        text = str(value).zfill(len(run))
    return token[: m.start()] + text


# -- name

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_NOT_NAMES = (
    frozenset(
        _words(
            "the a an this that these those in on at of for and but or if when while as after "
            "before since by with from to it its he she they we i you his her their our mr mrs "
            "ms dr sir president minister prime senator rep gov governor king queen prince "
            "monday tuesday wednesday thursday friday saturday sunday "
            "der die das den dem des ein eine einer und oder aber im am le la les un une et "
            "el los las y o il lo gli di da del de van het een"
        )
    )
    | _MONTH_SET
)
_GERMAN_NOUN_END = re.compile(r"(ung|heit|keit|schaft|tion|tät|ment|nis|tum|chen|ismus|ik)$")
NAMES = ("Annabel Whitcombe-Ferris", "Tom Oakes", "Marguerite Lindqvist-Halloran", "Ivo Brandt")


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper() and word.lower() not in _NOT_NAMES


def name_sites(page: Page) -> list[Edit]:
    """Runs of 2–3 capitalised words inside a sentence; those whose last word the body
    names again (a person's surname) first, and only those on German pages."""
    sites: list[Edit] = []
    repeated: list[Edit] = []
    for i in page.content_order():
        text = page.paragraphs[i]
        words = list(_WORD.finditer(text))
        j = 0
        while j < len(words):
            if not _capitalised(words[j].group()):
                j += 1
                continue
            k = j + 1
            while (
                k < len(words)
                and _capitalised(words[k].group())
                and text[words[k - 1].end() : words[k].start()] == " "
            ):
                k += 1
            run = words[j:k]
            j = k
            if not 2 <= len(run) <= 3:
                continue
            start, end = run[0].start(), run[-1].end()
            before = text[:start].rstrip()
            if not before or not (before[-1].isalnum() or before[-1] == ","):
                continue  # sentence-initial (or after a quote mark, a colon, a bracket)
            if page.language == "de" and not _german_name(text, run):
                continue
            old = text[start:end]
            new = next(n for n in NAMES if len(n) != len(old) and n.split()[1] not in text)
            site = Edit(i, start, end, new)
            (repeated if _mentions(page, run[-1].group()) > 1 else sites).append(site)
    if page.language == "de":
        return repeated
    return repeated or sites


def _mentions(page: Page, word: str) -> int:
    """How often the body names `word` (a surname is named again after the full name)."""
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", " ".join(page.paragraphs)))


def _german_name(text: str, run: Sequence[re.Match[str]]) -> bool:
    """German capitalises every noun: take two-word runs between lowercase words only."""
    if len(run) != 2 or any(_GERMAN_NOUN_END.search(w.group().lower()) for w in run):
        return False
    before = re.findall(r"[^\W\d_]+", text[: run[0].start()])
    after = text[run[-1].end() :].lstrip()
    return bool(before and before[-1].islower() and (not after or not after[0].isupper()))


# -- date (English)

_EN_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.|Feb\\.|Aug\\.|Sept\\.|Sep\\.|Oct\\.|Nov\\.|Dec\\."
)
_MONTH_DAY = re.compile(rf"\b(?:{_EN_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_EN_MONTHS})")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")


def date_sites(page: Page) -> list[Edit]:
    days, weekdays = [], []
    for i in page.content_order():
        text = page.paragraphs[i]
        for pattern in (_MONTH_DAY, _DAY_MONTH):
            for m in pattern.finditer(text):
                day = int(m.group(1))
                if 1 <= day <= 31:
                    new = str(day + 1 if day < 28 else day - 1)
                    days.append(Edit(i, m.start(1), m.end(1), new))
        for m in _WEEKDAY.finditer(text):
            new = _WEEKDAYS[(_WEEKDAYS.index(m.group(1)) + 1) % 7]
            weekdays.append(Edit(i, m.start(1), m.end(1), new))
    return days or weekdays


# -- negation (English)

_AUX = "is|was|are|were|will|can|has|have|had|would|could|should|does|did"
_HAS_NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|nothing|neither|nor|none|cannot)\b|n[’']t\b", re.IGNORECASE
)
_ADD_NOT = re.compile(rf"\b({_AUX})\b(?=\s+[a-z])")
_REMOVE_NOT = re.compile(rf"\b(?:{_AUX}|do)( not)\b")
_REMOVE_NT = re.compile(
    r"\b(?:is|was|are|were|has|have|had|would|could|should|does|did|do)(n[’']t)\b"
)
_IRREGULAR_NT = re.compile(r"\b(won[’']t|can[’']t|cannot)\b")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def negation_sites(page: Page) -> list[Edit]:
    sites = []
    for i in page.content_order():
        text = page.paragraphs[i]
        for s in _SENTENCE.finditer(text):
            sentence, base = s.group(), s.start()
            if not _HAS_NEGATION.search(sentence):
                for m in _ADD_NOT.finditer(sentence):
                    sites.append(Edit(i, base + m.start(1), base + m.end(1), m.group(1) + " not"))
                continue
            for m in _REMOVE_NOT.finditer(sentence):
                aux = sentence[m.start() : m.start(1)]
                sites.append(Edit(i, base + m.start(), base + m.end(), aux))
            for m in _REMOVE_NT.finditer(sentence):
                word = sentence[m.start() : m.end()]
                sites.append(Edit(i, base + m.start(), base + m.end(), word[: -len(m.group(1))]))
            for m in _IRREGULAR_NT.finditer(sentence):
                new = "will" if m.group(1).startswith("won") else "can"
                sites.append(Edit(i, base + m.start(), base + m.end(), new))
    return sites


# -- hedge (English)

_HEDGE_WORD = re.compile(r"(,?\s+)(allegedly|reportedly|apparently)\b(,)?", re.IGNORECASE)
_HEDGE_INITIAL = re.compile(r"\b(Allegedly|Reportedly|Apparently),?\s+(\w)")
_ACCORDING_TRAILING = re.compile(r",\s+according to [^,.;:“”\"]{2,80}(?=[.,;])")
_ACCORDING_INITIAL = re.compile(r"\bAccording to [^,.;:“”\"]{2,80},\s+(\w)")
_NAME = r"(?:[A-Z][\w'’.-]+\s){0,2}[A-Z][\w'’-]+"
_SAID_TRAILING = re.compile(rf",\s+(?:he|she|they|{_NAME})\s+(?:said|says|added)(?=\.)")
_SAID_AFTER_QUOTE = re.compile(
    rf",([”\"’])\s+(?:he|she|they|{_NAME})\s+(?:said|says|added)\.", re.UNICODE
)


def hedge_sites(page: Page) -> list[Edit]:
    sites = []
    for i in page.content_order():
        text = page.paragraphs[i]
        for m in _HEDGE_INITIAL.finditer(text):
            sites.append(Edit(i, m.start(), m.end(), m.group(2).upper()))
        for m in _HEDGE_WORD.finditer(text):
            if m.group(2)[0].isupper():
                continue
            sites.append(
                Edit(i, m.start(), m.end(), "," if m.group(3) and "," in m.group(1) else "")
            )
        for m in _ACCORDING_TRAILING.finditer(text):
            sites.append(Edit(i, m.start(), m.end(), ""))
        for m in _ACCORDING_INITIAL.finditer(text):
            sites.append(Edit(i, m.start(), m.end(), m.group(1).upper()))
        for m in _SAID_AFTER_QUOTE.finditer(text):
            sites.append(Edit(i, m.start(), m.end(), "." + m.group(1)))
        for m in _SAID_TRAILING.finditer(text):
            if not any(s.index == i and s.start <= m.start() < s.end for s in sites):
                sites.append(Edit(i, m.start(), m.end(), ""))
    return sites


# -- quote

_QUOTE_WORDS = ("remarkable", "dreadful", "curious", "splendid")
_FUNCTION = _NOT_NAMES | {"not", "never", "no", "is", "was", "are", "were", "will", "can"}


def quote_sites(page: Page) -> list[Edit]:
    sites = []
    for i in page.content_order():
        text = page.paragraphs[i]
        for start, end in quotations(text):
            if end >= len(text):
                continue  # unclosed: no quotation known to end in this paragraph
            base = start + 1
            words = list(_WORD.finditer(text[base:end]))
            if len(words) < 4:
                continue
            for w in words[1:]:
                word = w.group()
                if len(word) < 4 or not word.islower() or word in _FUNCTION:
                    continue
                new = next(q for q in _QUOTE_WORDS if q != word and q not in text)
                sites.append(Edit(i, base + w.start(), base + w.end(), new))
    return sites


# -- structural edits

PROSE = (
    "Gardeners in cooler regions often start tomato seedlings indoors in late winter, "
    "keeping them under bright lamps until the soil outside warms. Once the nights stay "
    "mild, the young plants are hardened off for a week on a sheltered porch before they "
    "are set into beds enriched with compost, staked firmly and watered deeply at the "
    "roots rather than over the leaves, which helps keep blight away.",
    "Amateur astronomers say the best views of the winter sky come after midnight, far "
    "from city lights, when the air is cold and still. A modest pair of binoculars is "
    "enough to pick out the moons of Jupiter and the fuzzy glow of distant clusters, and "
    "a folding chair, a warm flask and a red torch make the long wait far more pleasant "
    "for beginners.",
    "A good loaf of country bread needs little more than flour, water, salt and patience. "
    "Bakers mix a loose dough in the evening, fold it gently every half hour for a while, "
    "then leave it to rise slowly overnight in a cool kitchen. In the morning it is shaped, "
    "rested again and baked in a very hot covered pot until the crust turns deep brown.",
)


def body_elements(page: Page, root: HtmlElement) -> list[tuple[int, HtmlElement | None]]:
    """The body paragraphs' own elements in the tree `root` (None: not its own element)."""
    tree = root.getroottree()
    out: list[tuple[int, HtmlElement | None]] = []
    for i in page.body_indexes:
        loc = page.located.get(i)
        out.append((i, tree.xpath(loc.path)[0] if loc is not None and loc.exact else None))
    return out


def build_drop(page: Page, root: HtmlElement, rng: random.Random) -> str:
    els = body_elements(page, root)
    if len(els) < 4:
        raise Skip("fewer than 4 body paragraphs")
    middle = [(i, el) for i, el in els[1:-2] if el is not None]
    if not middle:
        raise Skip("no middle paragraph is an element of its own")
    i, el = middle[rng.randrange(len(middle))]
    el.drop_tree()
    return f"dropped p{i}: {page.paragraphs[i][:60]!r}"


def build_insert(page: Page, root: HtmlElement, rng: random.Random) -> str:
    els = body_elements(page, root)
    if len(els) < 3:
        raise Skip("fewer than 3 body paragraphs")
    middle = [(i, el) for i, el in els[1:-1] if el is not None]
    if not middle:
        raise Skip("no middle paragraph is an element of its own")
    i, el = min(middle, key=lambda m: abs(m[0] - els[len(els) // 2][0]))
    # The neighbour's markup when it is a block (a span would run into its text).
    new = lxml.html.Element(el.tag if el.tag in ("p", "div", "section") else "p")
    if el.get("class") and new.tag == el.tag:
        new.set("class", el.get("class") or "")
    new.text = PROSE[rng.randrange(len(PROSE))]
    el.addnext(new)
    return f"inserted after p{i} ({new.tag})"


def build_truncate(page: Page, root: HtmlElement, rng: random.Random) -> str:
    """Cut the body like a truncated copy: everything from the end of the last kept
    paragraph to the end of the last body paragraph goes (the later paragraphs and the
    headings, lists, figures and boxes between them), what follows the body stays."""
    els = body_elements(page, root)
    if len(els) < 3:
        raise Skip("fewer than 3 body paragraphs")
    keep = max(1, math.ceil(0.4 * len(els)))
    cut = els[keep:]
    if any(el is None and i in page.located for i, el in cut):
        raise Skip("a paragraph after the cut is not an element of its own")
    removed = [el for _, el in cut if el is not None]
    if not removed:
        raise Skip("no paragraph after the cut found")
    tree = root.getroottree()
    kept = [tree.xpath(page.located[i].path)[0] for i, _ in els[:keep] if i in page.located]
    order = {el: n for n, el in enumerate(root.iter())}

    def last(el: HtmlElement) -> int:
        return max((order[d] for d in el.iter()), default=order[el])

    start = max((last(el) for el in kept), default=order[removed[0]] - 1)
    end = max(last(el) for el in removed)
    if start >= min(order[el] for el in removed):
        raise Skip("a paragraph after the cut comes before a kept one")
    doomed = [
        el
        for el in root.iter()
        if start < order[el] and last(el) <= end and el.getparent() is not None
    ]
    doomed_set = set(doomed)
    top = [el for el in doomed if el.getparent() not in doomed_set]
    for el in top:
        if last(el) < end:
            el.tail = None  # text between two removed blocks is body text too
        el.drop_tree()
    headings = sum(1 for el in doomed if el.tag in ("h2", "h3", "h4", "h5", "h6"))
    return (
        f"kept {keep} of {len(els)} body paragraphs, removed {len(top)} blocks"
        f" ({len(removed)} paragraphs, {headings} headings)"
    )


# -- attribution

PEOPLE = ("Margaret Ellison-Drake", "Peter Vandersloot", "Helena Quist", "Rupert Amberley")
_AUTHOR_META = re.compile(r"author|creator|byline|parsely-author|sailthru\.author", re.I)
_CREDIT_LABEL = re.compile(
    r"(?:(?:photo|photos|foto|fotos|bild|bilder|image|picture|credit|credits|quelle|source|"
    r"crédit|crédito|copyright|©|\(c\))\s*[:/]?\s*|[|/•·–—-]\s*|\(\s*)+$",
    re.IGNORECASE,
)


def _inside(el: HtmlElement, others: Iterable[HtmlElement]) -> bool:
    """Is el one of `others`, inside one, or around one?"""
    ancestors = {el, *el.iterancestors()}
    return any(o in ancestors or el in set(o.iterancestors()) for o in others)


def paragraph_elements(page: Page, root: HtmlElement) -> list[HtmlElement]:
    tree = root.getroottree()
    return [tree.xpath(loc.path)[0] for loc in page.located.values()]


def build_byline_removed(page: Page, root: HtmlElement, rng: random.Random) -> str:
    authors = person_authors(page)
    body = root.find("body")
    paragraphs = paragraph_elements(page, root)
    protected = body_protected(page, root)
    removed = 0
    for name in authors:
        k = key(name)
        if body is None or not k:
            continue
        keys = element_keys(body)
        for el in minimal_containers(body, keys, k):
            if body not in set(el.iterancestors()) or _inside(el, paragraphs):
                continue  # already removed with an earlier byline, or a body paragraph
            if len(keys[el]) > 200:  # a long element naming the author: drop the name only
                for _ in range(10):
                    if not edit_element(el, k, 0, len(k), ""):
                        break
                    removed += 1
                continue
            while (
                (parent := el.getparent()) is not None
                and parent.tag != "body"
                and len(keys.get(parent, "")) <= len(k) + 40
                and not _inside(parent, paragraphs)
            ):
                el = parent
            el.drop_tree()
            removed += 1
    lowered = [key(a).lower() for a in authors]
    for meta in list(root.iter("meta", "link")):
        attrs = " ".join(meta.get(a) or "" for a in ("name", "property", "itemprop", "rel"))
        content = key(meta.get("content") or "").lower()
        if _AUTHOR_META.search(attrs) or any(a and a in content for a in lowered):
            meta.drop_tree()
            removed += 1
    for script in jsonld_scripts(root):
        data = load_jsonld(script)
        if data is not None:
            new = drop_keys(data, lambda k, v: k in ("author", "creator"))
            if new != data:
                dump_jsonld(script, new)
                removed += 1
    counts: Counter[str] = Counter()
    blank = [""] * len(authors)
    scrub_names(page, root, blank, protected, counts)  # scripts, attributes, author slugs
    removed += sum(counts.values())
    if not removed:
        raise Skip("author not found in the page")
    if scrub_names(page, root, blank, protected):
        raise Skip("author still named after the edit")
    return f"removed {removed} byline elements/tags"


def drop_keys(data: Any, drop: Callable[[str, Any], bool]) -> Any:
    if isinstance(data, list):
        return [drop_keys(v, drop) for v in data]
    if isinstance(data, dict):
        return {k: drop_keys(v, drop) for k, v in data.items() if not drop(k, v)}
    return data


_BODY_KEYS = frozenset({"articleBody", "description", "text", "abstract"})
# An author that is the site's name ("kicker") must not rewrite the page's own URLs.
_URL_ATTRS = frozenset({"href", "src", "srcset", "action", "data-src", "data-srcset", "poster"})


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://", "//", "/"))


def person_authors(page: Page) -> list[str]:
    """The annotated authors, when every one is a person's name (the product's own
    definition): an agency, outlet or site as author is no byline to remove or replace."""
    from drift.attribution_names import author_kind

    authors = page.case.authors
    if not authors:
        raise Skip("no annotated author")
    if any(author_kind(a) != "person" for a in authors):
        raise Skip("annotated author is no person")
    return authors


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[^\W_]+", name.lower()))


def name_pattern(name: str) -> re.Pattern[str]:
    """A name in any letter case, its words separated by any spacing or a slug's - _ +."""
    words = [re.escape(w) for w in re.findall(r"[^\W_]+(?:['’.][^\W_]+)*\.?", name)]
    return re.compile(r"(?<![^\W_])" + r"(?:[\s\-_+]|%20)+".join(words) + r"(?![^\W_])", re.I)


def _cased(found: str, new: str, slug: bool) -> str:
    if slug:
        return _slug(new)
    if found.isupper():
        return new.upper()
    if found.islower():
        return new.lower()
    return new


def body_protected(page: Page, root: HtmlElement) -> set[HtmlElement]:
    """The body paragraphs' elements and everything inside them."""
    protected: set[HtmlElement] = set()
    for el in paragraph_elements(page, root):
        protected |= {el, *el.iterdescendants()}
    return protected


def scrub_names(
    page: Page,
    root: HtmlElement,
    names: Sequence[str],
    protected: set[HtmlElement],
    counts: Counter[str] | None = None,
) -> list[str]:
    """Replace each annotated author by its new name (empty: remove it) in the markup
    outside the body paragraphs: text, attributes, scripts, JSON-LD except its body text,
    and the author's slug in URLs; returns where the name is still found (with counts
    None nothing is replaced, only looked for)."""
    patterns = [
        (author, name_pattern(author), new)
        for author, new in zip(page.case.authors, names, strict=False)
    ]
    left: list[str] = []

    def sub(value: str | None, where: str, url: bool = False) -> str | None:
        if not value:
            return value
        for author, pattern, new in patterns:
            if counts is None:
                if pattern.search(value):
                    left.append(f"{where}: {_short(value, 60)}")
                continue

            def repl(m: re.Match[str], new: str = new) -> str:
                found = m.group()
                return _cased(found, new, url or (found.islower() and "-" in found))

            value, n = pattern.subn(repl, value)
            counts[author.lower()] += n
        return value

    ld = set(jsonld_scripts(root))
    for el in root.iter():
        parent = el.getparent()
        if parent is not None and parent not in protected:
            el.tail = sub(el.tail, "text")
        if not isinstance(el.tag, str) or el in protected:
            continue
        for attr, value in el.attrib.items():
            url = attr in _URL_ATTRS or _is_url(value)
            if (
                url
                and el.tag in ("link", "base", "meta")
                and not _AUTHOR_META.search(
                    " ".join(el.get(a) or "" for a in ("rel", "name", "property", "itemprop"))
                )
            ):
                continue  # the page's own address (canonical, og:url) is no author link
            new = sub(value, f"@{attr}", url)
            if new != value:
                el.set(attr, new or "")
        if el in ld:
            data = load_jsonld(el)
            if data is not None:
                mapped = map_items(
                    data, lambda k, v: v if k in _BODY_KEYS else sub(v, "JSON-LD", _is_url(v))
                )
                if mapped != data and counts is not None:
                    dump_jsonld(el, mapped)
            continue
        el.text = sub(el.text, el.tag if el.tag in ("script", "title") else "text")
    return left


def replace_authors(page: Page, root: HtmlElement, names: Sequence[str]) -> str:
    """Replace each annotated author everywhere (text, attributes, scripts, JSON-LD,
    slugs in author links) except in the body paragraphs and JSON-LD body text, where a
    name is article text; skip when the original name is still found after the edit."""
    authors = person_authors(page)
    counts: Counter[str] = Counter()
    protected = body_protected(page, root)
    scrub_names(page, root, names, protected, counts)
    if not counts:
        raise Skip("author not found in the page")
    if scrub_names(page, root, names, protected):
        raise Skip("author still named after the edit")
    return ", ".join(
        f"{a!r}→{n!r} ×{counts[a.lower()]}" for a, n in zip(authors, names, strict=False)
    )


def map_items(data: Any, fn: Callable[[str, str], str | None], parent: str = "") -> Any:
    """Map every string value of a JSON tree with fn(key, value)."""
    if isinstance(data, str):
        return fn(parent, data)
    if isinstance(data, list):
        return [map_items(v, fn, parent) for v in data]
    if isinstance(data, dict):
        return {k: map_items(v, fn, k) for k, v in data.items()}
    return data


def build_credit_placeholder(page: Page, root: HtmlElement, rng: random.Random) -> str:
    from drift.errors import NotAnArticle

    article = normalised(page.original, original_url(page))
    if isinstance(article, NotAnArticle):
        raise Skip("original not an article")
    credits = article.credits
    body = root.find("body")
    if credits and body is not None:
        keys = element_keys(body)
        placed = []
        for credit in credits:
            value, label = key(credit.value), key(credit.label)
            if not value or value in ("–", "-", "—") or len(value) < 2:
                raise Skip("the original's credit line already names nothing")
            for el in minimal_containers(body, keys, label + value):
                raw = key("".join(getattr(n, a) or "" for n, a in text_nodes(el)))
                at = raw.find(label + value) + len(label)
                if edit_element(el, raw, at, at + len(value), "–"):
                    placed.append(f"{credit.label}: {credit.value}")
                    break
        if not placed:
            raise Skip("credit line not found in the markup")
        return "credit value → –: " + "; ".join(placed)
    els = [el for _, el in body_elements(page, root) if el is not None]
    if not els:
        tree = root.getroottree()
        els = [tree.xpath(page.located[i].path)[0] for i in page.content_order()]
    if not els:
        raise Skip("no body paragraph located")
    new = lxml.html.Element("p")
    new.text = "Source: –"
    els[-1].addnext(new)
    return "added <p>Source: –</p> after the last body paragraph"


_EXTRACT: Any = None


def registrable(host: str | None) -> str:
    global _EXTRACT
    if not host:
        return ""
    if _EXTRACT is None:
        import tldextract

        _EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    ext = _EXTRACT(host)
    return str(getattr(ext, "top_domain_under_public_suffix", "") or host).lower()


def build_links_removed(page: Page, root: HtmlElement, rng: random.Random) -> str:
    real = page.case.url
    canonical = next(
        (el.get("href") for el in root.iter("link") if "canonical" in (el.get("rel") or "")),
        None,
    )
    sites = {registrable(urlsplit(real).hostname)}
    if canonical:
        sites.add(registrable(urlsplit(urljoin(real, canonical)).hostname))
    sites.discard("")

    def points_home(href: str | None) -> bool:
        if not href:
            return False
        href = href.strip()
        if not href.lower().startswith(("http://", "https://", "//")):
            return False
        try:
            return registrable(urlsplit(urljoin(real, href)).hostname) in sites
        except ValueError:
            return False

    # A link inside running text (a body paragraph or any block with text of its own)
    # is unwrapped, its text stays. A link that is its block's only text (related
    # stories, navigation, teasers) is removed: a republisher's template has no such
    # links to the original's site. The home (logo) link and the links holding the
    # byline, the headline or a photo are unwrapped.
    protected = body_protected(page, root)
    paragraphs = paragraph_elements(page, root)
    names = [name_pattern(a) for a in page.case.authors]

    def inline(a: HtmlElement) -> bool:
        """A link inside running text: its block has 8+ characters outside links."""
        parent = a.getparent()
        if parent is None:
            return False
        linked = sum(len(key(x.text_content())) for x in parent.iter("a"))
        return len(key(parent.text_content())) - linked >= 8

    def site_home(href: str) -> bool:
        return urlsplit(urljoin(real, href.strip())).path in ("", "/")

    anchors = dropped = links = data = 0
    for a in list(root.iter("a")):
        if not points_home(a.get("href")):
            continue
        text = a.text_content()
        keep_text = (
            a in protected
            or inline(a)
            or site_home(a.get("href") or "")
            or any(p in set(a.iterdescendants()) for p in paragraphs)
            or any(n.search(text) for n in names)
            or any(el.tag in ("h1", "figure", "figcaption") for el in a.iterancestors())
            or next(a.iter("h1", "figure", "figcaption"), None) is not None
        )
        if keep_text:
            a.drop_tag()
            anchors += 1
        else:
            a.drop_tree()
            dropped += 1
    for el in list(root.iter("link", "base", "meta")):
        rel = (el.get("rel") or "").lower()
        prop = (el.get("property") or el.get("name") or "").lower()
        if el.tag == "meta":
            urls = ("og:url", "twitter:url", "original-source", "syndication-source")
            if prop in urls and points_home(el.get("content")):
                el.drop_tree()
                links += 1
        elif (el.tag == "base" or "canonical" in rel) and points_home(el.get("href")):
            el.drop_tree()
            links += 1
    for script in jsonld_scripts(root):
        loaded = load_jsonld(script)
        if loaded is None:
            continue

        def home(k: str, v: Any) -> bool:
            if k not in ("url", "mainEntityOfPage", "isBasedOn"):
                return False
            values = v if isinstance(v, list) else [v]
            for item in values:
                if isinstance(item, dict):
                    item = item.get("@id") or item.get("url")
                if isinstance(item, str) and points_home(item):
                    return True
            return False

        new = drop_keys(loaded, home)
        if new != loaded:
            dump_jsonld(script, new)
            data += 1
    if not anchors + dropped + links + data:
        raise Skip("no link to the original's site")
    return (
        f"unlinked {anchors} <a>, removed {dropped} link-only <a>, "
        f"{links} canonical/og:url/base, {data} JSON-LD"
    )


def build_photo_credit_removed(page: Page, root: HtmlElement, rng: random.Random) -> str:
    credits = page.case.image_credits
    if not credits:
        raise Skip("no annotated photo credit")
    body = root.find("body")
    if body is None:
        raise Skip("no body")
    paragraphs = paragraph_elements(page, root)
    removed = 0
    for credit in sorted(credits, key=len, reverse=True):
        k = key(credit)
        if len(k) < 2:
            continue
        keys = element_keys(body)
        for el in minimal_containers(body, keys, k):
            if _inside(el, paragraphs) or len(keys[el]) > 300 or not _photo_context(el):
                continue
            nodes = text_nodes(el)
            raw = "".join(getattr(n, a) or "" for n, a in nodes)
            flat = key(raw)
            at = flat.find(k)
            if at < 0:
                continue
            prefix = _credit_prefix(raw, flat, at)
            if not edit_element(el, flat, at - prefix, at + len(k), ""):
                continue
            removed += 1
            closing = key("".join(getattr(n, a) or "" for n, a in text_nodes(el)))
            if not closing.strip("()[]|/•·–—-:") and el.getparent() is not None:
                el.drop_tree()
    if not removed:
        raise Skip("photo credit not found in visible text")
    return f"removed {removed} photo credit(s)"


_PHOTO_HINT = re.compile(r"capt|credit|copyright|photo|image|img|bild|foto|media|figure", re.I)


def _photo_context(el: HtmlElement) -> bool:
    """Is el part of a photo's caption or credit (a figure, a caption/credit class, next
    to an image)?"""
    for depth, node in enumerate([el, *el.iterancestors()][:5]):
        if node.tag in ("figure", "figcaption", "picture"):
            return True
        if _PHOTO_HINT.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        if depth <= 2 and next(node.iter("img", "picture"), None) is not None:
            return True
    return False


def _credit_prefix(raw: str, flat: str, at: int) -> int:
    """How many key characters before the credit are its label ("Photo:", "©", "| ")."""
    m = _CREDIT_LABEL.search(flat[:at])
    return len(m.group()) if m else 0


def original_url(page: Page, port: int = 8001) -> str:
    return f"http://{ORIGIN_HOST}:{port}/o/{page.case.slug}"


def copy_url(page: Page, variant: str, port: int = 8002) -> str:
    return f"http://{COPY_HOST}:{port}/c/{page.case.slug}/{quote(variant)}"


Builder = Callable[[Page, HtmlElement, random.Random], str]
STRING_EDITS: dict[str, tuple[Callable[[Page], list[Edit]], str, bool]] = {
    # variant: (sites, skip reason, English only)
    "number": (number_sites, "no number in any paragraph", False),
    "name": (name_sites, "no multi-word name inside a sentence", False),
    "date": (date_sites, "no English date or weekday", True),
    "negation": (negation_sites, "no auxiliary verb or negation", True),
    "hedge": (hedge_sites, "no hedge or attribution clause", True),
    "quote": (quote_sites, "no quotation of 4+ words", False),
}
TREE_EDITS: dict[str, Builder] = {
    "drop": build_drop,
    "insert": build_insert,
    "truncate": build_truncate,
    "byline_removed": build_byline_removed,
    "credit_placeholder": build_credit_placeholder,
    "links_removed": build_links_removed,
    "photo_credit_removed": build_photo_credit_removed,
}


@dataclass
class Variant:
    name: str
    html: bytes | None = None
    detail: str = ""
    skip: str | None = None
    edited_index: int | None = None  # the paragraph a string edit went into


def build_variant(page: Page, name: str) -> Variant:
    rng = seeded(page.case.key, name)
    try:
        if name == "mirror":
            return Variant(name, page.original, "byte-identical")
        if name in STRING_EDITS:
            sites_of, reason, english_only = STRING_EDITS[name]
            if english_only and page.language != "en":
                raise Skip(f"not English ({page.language})")
            sites = sites_of(page)
            if name != "quote":
                sites = outside_quotes(page, sites)
            edit = choose(rng, sites, reason)
            root = copy.deepcopy(page.root)
            apply_edit(page, root, edit)
            html = serialise(root, page.doctype)
            return Variant(name, html, edit.describe(page.paragraphs), edited_index=edit.index)
        if name in ("byline_replaced", "placeholder_author"):
            names = PEOPLE if name == "byline_replaced" else ("admin",) * len(page.case.authors)
            root = copy.deepcopy(page.root)
            detail = replace_authors(page, root, names)
            return Variant(name, serialise(root, page.doctype), detail)
        root = copy.deepcopy(page.root)
        detail = TREE_EDITS[name](page, root, rng)
        return Variant(name, serialise(root, page.doctype), detail)
    except Skip as exc:
        return Variant(name, skip=str(exc))
    except Exception as exc:  # a harness bug on one page must not end the run: count it
        return Variant(name, skip=f"harness error: {type(exc).__name__}: {exc}"[:120])


def check_visible(page: Page, variant: Variant) -> str | None:
    """A skip reason when a placed edit changed no visible text (or nothing at all)."""
    assert variant.html is not None
    if variant.name == "mirror":
        return None
    if variant.html == page.original:
        return "edit changed nothing"
    if variant.name in CONTENT_VARIANTS:
        root, _ = parse_page(variant.html)
        body = root.find("body")
        if body is None or element_keys(body).get(body, "") == page.body_key:
            return "edit not visible (page text unchanged)"
    return None


# ---------------------------------------------------------------------------- running


@dataclass
class Result:
    page: str
    dataset: str
    group: str
    variant: str
    expected: str | None
    skip: str | None = None
    detail: str = ""
    outcome: str = ""  # copy | not_a_copy | not_an_article | error
    note: str = ""
    codes: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)

    @property
    def placed(self) -> bool:
        return self.skip is None

    @property
    def detected(self) -> bool:
        if self.expected is None:
            return self.outcome == "copy"
        return self.expected in self.codes

    @property
    def exact(self) -> bool:
        if self.expected is None:
            return self.outcome == "copy" and not self.codes
        return self.detected and all(c == self.expected for c in self.codes)

    @property
    def unexpected(self) -> list[str]:
        return [c for c in self.codes if c != self.expected]

    def to_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "dataset": self.dataset,
            "group": self.group,
            "variant": self.variant,
            "expected": self.expected,
            "placed": self.placed,
            "skip": self.skip,
            "detail": self.detail,
            "outcome": self.outcome,
            "note": self.note,
            "codes": self.codes,
            "detected": self.detected if self.placed else None,
            "exact": self.exact if self.placed else None,
            "findings": self.findings,
        }


def _short(text: Any, n: int = 120) -> str:
    s = norm(str(text)) if text is not None else ""
    return s if len(s) <= n else s[: n - 1] + "…"


def finding_summary(f: dict[str, Any]) -> dict[str, str]:
    ev = f.get("evidence") or {}
    out = {"code": f.get("code", ""), "message": _short(f.get("message"))}
    for part in ("original", "copy"):
        if ev.get(part):
            out[part] = _short(ev[part])
    if ev.get("detail"):
        out["detail"] = _short(json.dumps(ev["detail"], ensure_ascii=False))
    return out


class PageServer:
    """Two threaded HTTP servers (the original's host and the copies' host) over a dict."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        store = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/robots.txt":
                    body, ctype, status = b"", "text/plain", 200
                elif path in store:
                    body, ctype, status = store[path], CONTENT_TYPE, 200
                else:
                    body, ctype, status = b"not found", "text/plain", 404
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.servers = [ThreadingHTTPServer((h, 0), Handler) for h in (ORIGIN_HOST, COPY_HOST)]
        for server in self.servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def ports(self) -> tuple[int, int]:
        return self.servers[0].server_address[1], self.servers[1].server_address[1]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@contextmanager
def serving() -> Iterator[PageServer]:
    server = PageServer()
    try:
        yield server
    finally:
        server.close()


CONFIG = """\
[network]
allow_private = true
obey_robots = true
download_timeout = 120
max_page_bytes = 50_000_000
"""


def syndiwatch_command() -> list[str]:
    script = Path(sys.executable).with_name("syndiwatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "syndiwatch"]


def run_cli(
    orig: str, copies: Sequence[str], workdir: Path, slug: str
) -> tuple[dict[str, dict[str, Any]], dict[str, str], str | None]:
    """Run `syndiwatch check`; return copies by URL, stderr notes by URL, an error."""
    config = workdir / "syndiwatch.toml"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    db = workdir / f"{slug}.sqlite"
    cmd = [
        *syndiwatch_command(),
        "--config", str(config), "--database", f"sqlite:///{db}",
        "check", orig, *copies, "--format", "json",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=900, env=env, cwd=workdir, check=False
        )
    except subprocess.TimeoutExpired:
        return {}, {}, "check timed out"
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    notes: dict[str, str] = {}
    for line in proc.stderr.splitlines():
        for url in copies:
            if url in line and url not in notes:
                notes[url] = line.strip()
    if proc.returncode != 0:
        tail = [ln for ln in proc.stderr.splitlines() if ln.strip()][-1:] or ["(no stderr)"]
        return {}, notes, f"check exit {proc.returncode}: {tail[0][:200]}"
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return {}, notes, "check printed no JSON report"
    found: dict[str, dict[str, Any]] = {}
    for story in report.get("stories") or []:
        for c in story.get("copies") or []:
            found[c["url"]] = c
    return found, notes, None


def run_page_cli(
    page: Page, variants: list[Variant], server: PageServer, workdir: Path
) -> dict[str, tuple[str, str, list[dict[str, Any]]]]:
    p1, p2 = server.ports
    orig = original_url(page, p1)
    urls = {v.name: copy_url(page, v.name, p2) for v in variants}
    server.pages[urlsplit(orig).path] = page.original
    for v in variants:
        assert v.html is not None
        server.pages[urlsplit(urls[v.name]).path] = v.html
    try:
        found, notes, error = run_cli(orig, list(urls.values()), workdir, page.case.slug)
    finally:
        server.pages.pop(urlsplit(orig).path, None)
        for url in urls.values():
            server.pages.pop(urlsplit(url).path, None)
    out: dict[str, tuple[str, str, list[dict[str, Any]]]] = {}
    for v in variants:
        url = urls[v.name]
        if error:
            out[v.name] = ("error", error, [])
        elif url in found:
            out[v.name] = ("copy", "", list(found[url].get("findings") or []))
        else:
            note = notes.get(url, "not listed under copies")
            kind = "not_an_article" if note.startswith("not an article") else "not_a_copy"
            if note.startswith("fetch failed"):
                kind = "error"
            out[v.name] = (kind, note.replace(url, "COPY"), [])
    return out


def run_page_inproc(page: Page, variants: list[Variant]) -> dict[str, tuple[str, str, list[Any]]]:
    from drift.analyse import analyse_copy
    from drift.errors import NotAnArticle

    original = normalised(page.original, original_url(page))
    out: dict[str, tuple[str, str, list[Any]]] = {}
    for v in variants:
        assert v.html is not None
        if isinstance(original, NotAnArticle):
            out[v.name] = ("error", f"the original is not an article: {original}", [])
            continue
        art = normalised(v.html, copy_url(page, v.name))
        if isinstance(art, NotAnArticle):
            out[v.name] = ("not_an_article", f"not an article: {art}", [])
            continue
        analysis = analyse_copy(original, art)
        if not analysis.is_copy:
            out[v.name] = ("not_a_copy", "not a copy: holds too little of the original", [])
            continue
        out[v.name] = ("copy", "", [f.to_json() for f in analysis.findings])
    return out


_NORMALISED: dict[tuple[str, str], Any] = {}
_NORMALISED_LOCK = threading.Lock()


def normalised(html: bytes, url: str) -> Any:
    """drift.normalise of a page (the NotAnArticle instead when it is none), memoised."""
    from drift.errors import NotAnArticle
    from drift.normalise import normalise

    memo = (hashlib.sha256(html).hexdigest(), url)
    with _NORMALISED_LOCK:
        found = _NORMALISED.get(memo)
    if found is None:
        try:
            found = normalise(html, url, HEADERS)
        except NotAnArticle as exc:
            found = exc
        with _NORMALISED_LOCK:  # pages are checked in threads (--jobs)
            _NORMALISED[memo] = found
            while len(_NORMALISED) > 128:
                _NORMALISED.pop(next(iter(_NORMALISED)))
    return found


def visible_to_normalise(page: Page, variant: Variant) -> str | None:
    """A skip reason when drift.normalise reads the same text from the copy as from the
    original (the edit is in markup syndiwatch does not read)."""
    if variant.name not in CONTENT_VARIANTS:
        return None
    assert variant.html is not None
    a = normalised(page.original, original_url(page))
    b = normalised(variant.html, copy_url(page, variant.name))
    if hasattr(a, "text") and hasattr(b, "text") and a.text == b.text:
        return "edit not visible to drift.normalise (its text unchanged)"
    return None


def run_page(
    case: Case, names: Sequence[str], mode: str, server: PageServer | None, workdir: Path
) -> list[Result]:
    try:
        page = prepare(case)
    except Exception as exc:  # an unreadable page is reported, not fatal
        return [
            Result(
                case.key, case.dataset, case.group, n, EXPECTED[n], skip=f"page unreadable: {exc}"
            )
            for n in names
        ]
    variants = [build_variant(page, n) for n in names]
    for v in variants:
        if v.skip is None:
            v.skip = check_visible(page, v)
    placed = [v for v in variants if v.skip is None]
    outcomes: dict[str, tuple[str, str, list[Any]]] = {}
    if placed and mode == "cli":
        assert server is not None
        box: dict[str, Any] = {}
        worker = threading.Thread(
            target=lambda: box.update(out=run_page_cli(page, placed, server, workdir))
        )
        worker.start()
        for v in placed:  # meanwhile, in this process: is each edit visible to normalise?
            v.skip = visible_to_normalise(page, v)
        worker.join()
        outcomes = box.get("out", {})
    elif placed:
        outcomes = run_page_inproc(page, placed)
        for v in placed:
            v.skip = visible_to_normalise(page, v)
    results = []
    for v in variants:
        r = Result(case.key, case.dataset, case.group, v.name, EXPECTED[v.name], v.skip, v.detail)
        if v.skip is None:
            r.outcome, r.note, findings = outcomes.get(v.name, ("error", "no result", []))
            r.codes = [f["code"] for f in findings]
            r.findings = [finding_summary(f) for f in findings]
        results.append(r)
    return results


def select(cases: list[Case], split: str, page: str | None, limit: int | None) -> list[Case]:
    if split != "all":
        cases = [c for c in cases if c.group == split]
    if page:
        cases = [c for c in cases if page in c.key]
    return cases[:limit] if limit else cases


def run(
    cases: Sequence[Case],
    names: Sequence[str],
    mode: str,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="metamorphic-") as tmp:
        server = PageServer() if mode == "cli" else None
        try:

            def one(case: Case) -> list[Result]:
                try:
                    return run_page(case, names, mode, server, Path(tmp))
                except Exception as exc:  # one page's harness error is counted, not fatal
                    why = f"harness error: {type(exc).__name__}: {exc}"[:120]
                    return [
                        Result(case.key, case.dataset, case.group, n, EXPECTED[n], skip=why)
                        for n in names
                    ]

            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                for n, rs in enumerate(pool.map(one, cases), 1):
                    results += rs
                    if progress:
                        bad = [r.variant for r in rs if r.placed and not r.exact]
                        progress(f"[{n}/{len(cases)}] {rs[0].page}: not exact: {bad}")
        finally:
            if server is not None:
                server.close()
    return results


# ---------------------------------------------------------------------------- report


@dataclass
class Tally:
    placed: int = 0
    detected: int = 0
    exact: int = 0
    unexpected: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)

    def share(self, what: str) -> float | None:
        return getattr(self, what) / self.placed if self.placed else None


def tally(results: Iterable[Result]) -> dict[tuple[str, str, str], Tally]:
    """(dataset, group, variant) → Tally."""
    out: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    for r in results:
        for group in ("all", r.group):
            t = out[(r.dataset, group, r.variant)]
            if not r.placed:
                t.skipped[r.skip or ""] += 1
                continue
            t.placed += 1
            t.detected += r.detected
            t.exact += r.exact
            t.unexpected.update(r.unexpected)
            if r.outcome != "copy":
                t.outcomes[r.outcome] += 1
    return out


def _pct(t: Tally, what: str) -> str:
    s = t.share(what)
    return "–" if s is None else f"{100 * s:.0f}%"


def table(results: Sequence[Result], names: Sequence[str]) -> str:
    tallies = tally(results)
    lines = []
    for dataset in DATASETS:
        if not any(k[0] == dataset for k in tallies):
            continue
        lines.append(f"\n{dataset}: placed / detected / exact per group")
        lines.append(
            "| variant | all placed | all det | all exact | tune placed | tune det | tune exact "
            "| held-out placed | held-out det | held-out exact |"
        )
        lines.append("| --- |" + " ---: |" * 9)
        for name in names:
            cells = []
            for group in GROUPS:
                t = tallies.get((dataset, group, name), Tally())
                cells += [str(t.placed), _pct(t, "detected"), _pct(t, "exact")]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append(f"\n{dataset}: unexpected codes, not-copy outcomes and skips (all pages)")
        for name in names:
            t = tallies.get((dataset, "all", name), Tally())
            unexpected = ", ".join(f"{c} {n}" for c, n in t.unexpected.most_common(5)) or "–"
            outcomes = ", ".join(f"{c} {n}" for c, n in t.outcomes.most_common()) or "–"
            skipped = ", ".join(f"{r} {n}" for r, n in t.skipped.most_common()) or "–"
            lines.append(f"- {name}: unexpected: {unexpected}; not listed: {outcomes}")
            lines.append(f"  skipped: {skipped}")
    return "\n".join(lines)


def failures(results: Sequence[Result], worst: int) -> str:
    by_page: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        if r.placed and not r.exact:
            by_page[r.page].append(r)
    lines = [f"\nper-page failures ({len(by_page)} pages; worst {worst})"]
    for page, rs in sorted(by_page.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:worst]:
        lines.append(f"- {page} [{rs[0].group}]")
        for r in rs:
            missing = "" if r.detected else f" missing {r.expected or 'copy'}"
            lines.append(f"  - {r.variant} ({r.detail[:80]}):{missing} [{r.outcome}] {r.note}")
            for f in r.findings:
                if f["code"] != r.expected:
                    ev = " | ".join(f"{k}: {f[k]}" for k in ("original", "copy") if k in f)
                    lines.append(f"    - {f['code']}: {f['message']} {ev}"[:400])
    return "\n".join(lines)


def measure(results: Sequence[Result], dataset: str = "fundus") -> dict[str, dict[str, float]]:
    """The gated figures: per variant detected and exact shares (mirror: clean share)."""
    tallies = tally(results)
    out: dict[str, dict[str, float]] = {}
    for (ds, group, name), t in sorted(tallies.items()):
        if ds != dataset or group != "all" or not t.placed:
            continue
        if name == "mirror":
            out[name] = {"clean": t.exact / t.placed, "placed": t.placed}
        else:
            out[name] = {
                "detected": t.detected / t.placed,
                "exact": t.exact / t.placed,
                "placed": t.placed,
            }
    return out


def read_floors(path: Path = FLOORS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def sample_cases(floors: dict[str, Any]) -> list[Case]:
    """The fixed sample of fundus pages the floors are measured on."""
    by_key = {c.key: c for c in load_fundus(fundus_dir())}
    missing = [k for k in floors["sample"] if k not in by_key]
    if missing:
        raise SystemExit(f"sample pages not in the data: {missing}")
    return [by_key[k] for k in floors["sample"]]


def below_floors(results: Sequence[Result], floors: dict[str, Any]) -> list[str]:
    """Every figure under its floor, as one line each (empty: all floors kept)."""
    measured = measure(results)
    problems = []
    for name, wanted in floors["floors"].items():
        got = measured.get(name)
        if got is None:
            problems.append(f"{name}: placed on no sample page (floor: {wanted})")
            continue
        for what, floor in wanted.items():
            if got.get(what, 0.0) < floor - 1e-9:
                problems.append(f"{name} {what}: {got.get(what, 0.0):.3f} < floor {floor}")
    return problems


def write_floors(results: Sequence[Result], floors: dict[str, Any], mode: str) -> None:
    measured = measure(results)
    floors["floors"] = {
        name: {k: round(v, 3) if k != "placed" else int(v) for k, v in figures.items()}
        for name, figures in measured.items()
    }
    floors["measured"] = {"commit": _commit(), "mode": mode}
    FLOORS.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=(*DATASETS, "both"), default="fundus")
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--page", help="only pages whose key contains this")
    parser.add_argument("--variants", help="comma-separated; default all: " + ",".join(VARIANTS))
    parser.add_argument("--mode", choices=("cli", "inproc"), default="cli")
    parser.add_argument("--jobs", type=int, default=1, help="pages checked at once")
    parser.add_argument("--worst", type=int, default=0, help="show this many pages' failures")
    parser.add_argument("--json", dest="json_out", help="write per-page per-variant results")
    parser.add_argument("--sample", action="store_true", help="the pages of bench/floors.json")
    parser.add_argument(
        "--check-floors", action="store_true", help="exit 1 when a figure is below its floor"
    )
    parser.add_argument(
        "--write-floors", action="store_true", help="store the measured figures as the floors"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in (args.variants or ",".join(VARIANTS)).split(",") if n.strip()]
    unknown = [n for n in names if n not in EXPECTED]
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    floors = read_floors() if args.sample or args.check_floors or args.write_floors else {}
    pool = sample_cases(floors) if args.sample else load_cases(args.dataset)
    cases = select(pool, args.split, args.page, args.limit)
    if not cases:
        parser.error("no page selected")
    t0 = time.perf_counter()
    results = run(cases, names, args.mode, args.jobs, lambda s: print(s, file=sys.stderr))
    wall = time.perf_counter() - t0
    print(f"mode {args.mode}: {len(cases)} pages, {len(names)} variants, split {args.split}")
    print(table(results, names))
    if args.worst:
        print(failures(results, args.worst))
    print(f"\nwall {wall:.0f} s, {len(cases) / (wall / 60):.1f} pages/minute")
    if args.json_out:
        payload = {
            "mode": args.mode,
            "commit": _commit(),
            "pages": len(cases),
            "wall_s": round(wall, 1),
            "results": [r.to_json() for r in results],
        }
        Path(args.json_out).write_text(json.dumps(payload, indent=1, ensure_ascii=False))
    if args.write_floors:
        write_floors(results, floors, args.mode)
        print(f"floors written to {FLOORS}")
    if args.check_floors:
        problems = below_floors(results, floors)
        print("\n".join(["", "below the floors:", *problems] if problems else ["floors kept"]))
        return 1 if problems else 0
    return 0


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, cwd=REPO, check=False,
        )  # fmt: skip
        return out.stdout.strip()
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
