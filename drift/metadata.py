"""Read page metadata from a parsed tree: meta tags, JSON-LD, microdata, title, dates, language.

Works on the lxml tree drift.normalise parsed once; returns plain values plus the
place each came from. Credit lines, bylines in text and captions live in
drift.credits; the body text lives in drift.body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

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


def element_text(el: HtmlElement) -> str:
    """Return the element's text with whitespace collapsed."""
    return clean_text(el.text_content())


def read_meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Map lower-cased meta name/property/itemprop/http-equiv to the first non-empty content."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = clean_text(content)
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                key = key.strip().lower()
                if content and key not in out:
                    out[key] = content
    return out


def read_jsonld(tree: HtmlElement) -> dict[str, Any]:
    """Return the page's main Article object from its JSON-LD blocks ({} when none)."""
    candidates: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _load_json(script.text or "")
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


def first_link(tree: HtmlElement, rel: str) -> str | None:
    """Return the href of the first <link> whose rel list holds `rel`."""
    for el in tree.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        href = el.get("href")
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
