"""Read page metadata from BeautifulSoup: meta tags, JSON-LD, link rels; value normalisers.

Works on the small soup drift.locate builds over the located head elements;
returns plain values. Credit lines, bylines in text and captions live in
drift.credits; the body text (lxml and trafilatura) lives in drift.body.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape as unescape_html
from typing import Any
from urllib.parse import urljoin

from bs4 import Tag

_ARTICLE_TYPES = ("article", "blogposting", "report", "posting", "newsarticle")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]\s+|\s+::\s+")
# Separators that set a site name apart when none is known (not ":" or "-" inside
# headlines such as "Grève dans les ports : le trafic reprend").
_SITE_SEPARATORS = re.compile(r"\s+[|–—·•»]\s+|\s+::\s+|\s+-\s+(?=[^-]*$)")
_WS = re.compile(r"\s+")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(slots=True)
class PageMeta:
    """Metadata read from tags, before credits and body are added."""

    meta: dict[str, str] = field(default_factory=dict)
    jsonld: dict[str, Any] = field(default_factory=dict)
    title_tag: str = ""
    h1: str = ""


def clean_text(text: str) -> str:
    """Collapse whitespace runs to one space and strip."""
    return _WS.sub(" ", text).strip()


def element_text(el: Tag) -> str:
    """Return the element's text with whitespace collapsed (script and style text left out)."""
    return clean_text(el.get_text())


def iter_tags(root: Tag, *names: str) -> Iterator[Tag]:
    """Yield the tags below `root` in page order, only those named when names are given.

    A plain walk: BeautifulSoup's find_all filter machinery costs several times as much.
    """
    for node in root.descendants:
        if isinstance(node, Tag) and (not names or node.name in names):
            yield node


def first_tag(root: Tag, name: str) -> Tag | None:
    """Return the first tag called `name` below `root`, or None."""
    return next(iter_tags(root, name), None)


def attr(el: Tag, name: str) -> str | None:
    """Return an attribute as one string (the soup keeps class and rel unsplit), or None."""
    value = el.get(name)
    if value is None or isinstance(value, str):
        return value
    return " ".join(value)


def read_meta_tags(soup: Tag) -> dict[str, str]:
    """Map lower-cased meta name/property/itemprop/http-equiv to the first non-empty content."""
    out: dict[str, str] = {}
    for el in iter_tags(soup, "meta"):
        content = attr(el, "content")
        if content is None:
            continue
        content = clean_text(content)
        for name in ("property", "name", "itemprop", "http-equiv"):
            key = attr(el, name)
            if key:
                key = key.strip().lower()
                if content and key not in out:
                    out[key] = content
    return out


def read_jsonld(soup: Tag) -> dict[str, Any]:
    """Return the page's main Article object from its JSON-LD blocks ({} when none)."""
    candidates: list[dict[str, Any]] = []
    for script in iter_tags(soup, "script"):
        if (attr(script, "type") or "").strip().lower() != "application/ld+json":
            continue
        data = _load_json(script.string or "")
        if data is not None:
            candidates.extend(_walk_jsonld(data))
    for obj in candidates:
        if _is_article_type(obj.get("@type")):
            return obj
    for obj in candidates:
        if "headline" in obj or "articleBody" in obj:
            return obj
    return {}


def _load_json(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.strip().removeprefix("//<![CDATA[").removesuffix("//]]>").strip().rstrip(";")
    try:
        return json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        return None


def _walk_jsonld(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _walk_jsonld(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk_jsonld(main, depth + 1)


def _is_article_type(kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower().endswith(_ARTICLE_TYPES) for k in kinds)


def jsonld_names(value: Any) -> list[str]:
    """Return the names in a JSON-LD person/organisation value (object, list or string)."""
    if isinstance(value, str):
        return [clean_text(value)] if value.strip() else []
    if isinstance(value, list):
        return [name for item in value for name in jsonld_names(item)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str) and name.strip():
            return [clean_text(name)]
        if isinstance(name, list):
            return jsonld_names(name)
    return []


def jsonld_url(value: Any) -> str | None:
    """Return a URL from a JSON-LD value that is a string, an object with url/@id, or a list."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list):
        for item in value:
            url = jsonld_url(item)
            if url:
                return url
    if isinstance(value, dict):
        for key in ("url", "@id", "sameAs"):
            url = jsonld_url(value.get(key))
            if url:
                return url
    return None


def strip_site_suffix(title: str, site_names: tuple[str, ...] = (), guess: bool = False) -> str:
    """Drop a " | Site Name" part from a title; with `guess`, also a short unnamed one."""
    title = clean_text(title)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    folded_sites = {s.casefold() for s in site_names if s}
    kept = [p for p in parts if p.casefold() not in folded_sites]
    if kept and len(kept) < len(parts):
        return _join_title_parts(title, kept)
    parts = _SITE_SEPARATORS.split(title)
    if not guess or len(parts) < 2:
        return title
    # A <title> with no known site name: drop a short trailing (or leading) part.
    first, last = parts[0], parts[-1]
    if len(last.split()) <= 4 and len(" ".join(parts[:-1]).split()) >= 4:
        return title[: title.rfind(last)].rstrip(" |-–—:·•»/").strip()
    if len(first.split()) <= 3 and len(" ".join(parts[1:]).split()) >= 4:
        return title[len(first) :].lstrip(" |-–—:·•»/").strip()
    return title


def _join_title_parts(title: str, kept: list[str]) -> str:
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(kept)


def normalise_date(value: str | None) -> str | None:
    """Return an ISO 8601 string for a date value, or None when it is not a date."""
    if not value:
        return None
    value = value.strip()
    if _DATE_ONLY.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()  # a day, not midnight of it
        except ValueError:
            return None
    candidate = value.replace("Z", "+00:00") if value.endswith("Z") else value
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)
    try:
        return datetime.fromisoformat(candidate).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat()
        except ValueError:
            return None
    return None


def normalise_language(value: str | None) -> str | None:
    """Return the primary language subtag ("en" for "en_US", "en-GB", "EN")."""
    if not value:
        return None
    tag = value.strip().split(",")[0].replace("_", "-").split("-")[0].lower()
    return tag if re.fullmatch(r"[a-z]{2,3}", tag) else None


def resolve_url(href: str | None, base: str) -> str | None:
    """Resolve an href against the page URL; None when empty."""
    if href is None or not href.strip():
        return None
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return href.strip()


def first_link(soup: Tag, rel: str) -> str | None:
    """Return the href of the first <link> whose rel list holds `rel`."""
    for el in iter_tags(soup, "link"):
        rels = (attr(el, "rel") or "").lower().split()
        href = attr(el, "href")
        if rel in rels and isinstance(href, str) and href:
            return href
    return None


def pick(*candidates: tuple[str, Any]) -> tuple[str | None, str | None]:
    """Return (value, source) for the first candidate whose value is a non-empty string."""
    for source, value in candidates:
        if isinstance(value, str) and value.strip():
            return clean_text(value), source
    return None, None


def first_str(mapping: Mapping[str, Any], *keys: str) -> str | None:
    """Return the first non-empty string among mapping[key] for keys."""
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


_MODIFIED_META_KEYS = ("datemodified", "og:updated_time", "dcterms.modified")
_PUBLISHED_META_KEYS = (
    "datepublished",
    "og:published_time",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)


# The meta keys read here (drift.people reads the author and publisher ones); only meta
# tags with these keys are located for the soup.
READ_META_KEYS = (
    "og:title",
    "og:site_name",
    "application-name",
    "twitter:title",
    "og:url",
    "article:published_time",
    "article:modified_time",
    "content-language",
    "og:locale",
    *_PUBLISHED_META_KEYS,
    *_MODIFIED_META_KEYS,
)


def read_title(
    soup: Tag, meta: Mapping[str, str], jsonld: Mapping[str, Any], prov: dict[str, str]
) -> str:
    """Return the article's headline.

    The JSON-LD article headline comes first (og:title and <title> are often a sharing
    or search title written apart from the headline), unless the visible <h1> confirms
    og:title instead; then og:title, the <h1>, twitter:title, <title>. A sharing title
    that is the <h1> framed by site or section parts ("X | Sport - Site", "Section | X",
    "X：Site") gives the <h1>, and so does a JSON-LD headline that is the <h1> cut
    short; otherwise a known or guessed site part is dropped. An <h1> that is the site's
    name counts for none of this.
    """
    site_names = tuple(
        n for n in (meta.get("og:site_name"), meta.get("application-name")) if n is not None
    )
    h1_el = first_tag(soup, "h1")
    title_el = first_tag(soup, "title")
    h1 = element_text(h1_el) if isinstance(h1_el, Tag) else None
    headline = _unescaped(first_str(jsonld, "headline"))
    og = meta.get("og:title")
    # An <h1> that is the site's name (a blog's logo) is no evidence of the headline.
    if h1 and _title_key(h1) in {_title_key(name) for name in site_names}:
        h1 = None
    if h1 and og and _title_key(strip_site_suffix(og, site_names)) == _title_key(h1):
        prov["title"] = "og"
        return clean_text(h1)
    if h1 and headline and _cut_from(headline, h1):
        prov["title"] = "h1"
        return clean_text(h1)
    value, source = pick(
        ("json-ld", headline),
        ("og", og),
        ("json-ld", _unescaped(first_str(jsonld, "name"))),
        ("h1", h1),
        ("meta", meta.get("twitter:title")),
        ("title", element_text(title_el) if isinstance(title_el, Tag) else None),
    )
    if value is None or source is None:
        return ""
    prov["title"] = source
    if source == "h1":
        return value
    if source != "json-ld" and h1 and _frames(value, h1):
        prov["title"] = "h1"
        return clean_text(h1)
    return strip_site_suffix(value, site_names, guess=source in ("title", "meta"))


# Separators that set site or section parts apart from a headline inside a longer title
# (not ":" — "Kenia: Nairobi von unten" is one headline; full-width "：" is a site mark).
_FRAME_SEPARATORS = "|｜-–—·•»：ㅣ"
_FRAME_MIN_SHARE = 0.3
_CUT_MIN_SHARE = 0.6


def _title_key(text: str, compat: bool = True) -> str:
    """Whitespace collapsed and casefolded; with `compat`, NFKC-folded too (not when the
    separators matter: NFKC turns the full-width "：" into ":")."""
    text = unicodedata.normalize("NFKC", text) if compat else text
    return _WS.sub(" ", text).strip().casefold()


def _cut_from(headline: str, h1: str) -> bool:
    """True when the JSON-LD headline is the <h1> cut short (a length limit of the CMS)."""
    cut, full = _title_key(headline).rstrip(" .…"), _title_key(h1)
    return len(cut) < len(full) and len(cut) >= _CUT_MIN_SHARE * len(full) and full.startswith(cut)


def _unescaped(text: str | None) -> str | None:
    """JSON-LD text with HTML entities left in by the CMS ("&quot;", "&#039;") decoded."""
    return unescape_html(text) if text and "&" in text else text


def _frames(title: str, headline: str) -> bool:
    """True when `title` is `headline` with parts around it set apart by site separators."""
    full, core = _title_key(title, compat=False), _title_key(headline, compat=False)
    if not core or core == full or len(core) < _FRAME_MIN_SHARE * len(full):
        return False
    start = full.find(core)
    if start < 0:
        return False
    before, after = full[:start].rstrip(), full[start + len(core) :].lstrip()
    return (not before or before[-1] in _FRAME_SEPARATORS) and (
        not after or after[0] in _FRAME_SEPARATORS
    )


def read_urls(
    soup: Tag, meta: Mapping[str, str], url: str, prov: dict[str, str]
) -> tuple[str | None, str | None]:
    """Return (rel=canonical, og:url), both resolved against the page URL."""
    canonical = resolve_url(first_link(soup, "canonical"), url)
    og_url = resolve_url(meta.get("og:url"), url)
    if canonical:
        prov["canonical"] = "link"
    if og_url:
        prov["og_url"] = "og"
    return canonical, og_url


def read_published(
    soup: Tag, meta: Mapping[str, str], jsonld: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """Return (published date, its source) from meta, JSON-LD or a <time datetime>."""
    time_el = next((t for t in iter_tags(soup, "time") if t.has_attr("datetime")), None)
    return first_date(
        ("meta", meta.get("article:published_time")),
        ("json-ld", first_str(jsonld, "datePublished", "dateCreated")),
        ("meta", first_str(meta, *_PUBLISHED_META_KEYS)),
        ("time", attr(time_el, "datetime") if isinstance(time_el, Tag) else None),
    )


def read_modified(
    meta: Mapping[str, str], jsonld: Mapping[str, Any], prov: dict[str, str]
) -> str | None:
    """Return the modified date from meta or JSON-LD."""
    modified, source = first_date(
        ("meta", meta.get("article:modified_time")),
        ("json-ld", first_str(jsonld, "dateModified")),
        ("meta", first_str(meta, *_MODIFIED_META_KEYS)),
    )
    if source:
        prov["modified"] = source
    return modified


def first_date(*candidates: tuple[str, str | None]) -> tuple[str | None, str | None]:
    """Return (ISO date, source) for the first candidate that reads as a date."""
    for source, raw in candidates:
        value = normalise_date(raw)
        if value:
            return value, source
    return None, None


def read_language(
    soup: Tag,
    meta: Mapping[str, str],
    jsonld: Mapping[str, Any],
    headers: Mapping[str, str] | None,
    prov: dict[str, str],
) -> str | None:
    """Return the page language from <html lang>, meta, og:locale, JSON-LD or the header."""
    html = first_tag(soup, "html")
    html_lang = (attr(html, "lang") or attr(html, "xml:lang")) if isinstance(html, Tag) else None
    header_lang = next(
        (v for k, v in (headers or {}).items() if k.lower() == "content-language"), None
    )
    for source, raw in (
        ("html", html_lang),
        ("meta", meta.get("content-language")),
        ("og", meta.get("og:locale")),
        ("json-ld", first_str(jsonld, "inLanguage")),
        ("header", header_lang),
    ):
        lang = normalise_language(raw)
        if lang:
            prov["language"] = source
            return lang
    return None


def read_is_based_on(jsonld: Mapping[str, Any], url: str, prov: dict[str, str]) -> str | None:
    """Return the JSON-LD isBasedOn URL, resolved against the page URL."""
    raw = jsonld_url(jsonld.get("isBasedOn")) or jsonld_url(jsonld.get("isBasedOnUrl"))
    if not raw:
        return None
    prov["is_based_on"] = "json-ld"
    return resolve_url(raw, url)
