"""Decide who wrote and who published a page: authors, publisher, wire services.

Chooses among JSON-LD, meta tags, author markup and byline text, recording the
winner in the provenance map. Line-level parsing lives in drift.credits; the
vocabularies in drift.patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lxml.html import HtmlElement

from drift.credits import (
    byline_agencies,
    find_byline_elements,
    is_generic_author,
    leaf_lines,
    parse_byline,
    split_names,
)
from drift.metadata import clean_text, element_text, jsonld_names
from drift.model import Credit
from drift.patterns import canonical_wire_service, find_wire_services, is_placeholder

_META_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "sailthru.author",
    "parsely-author",
    "byl",
    "twitter:creator",
)
_META_PUBLISHER_KEYS = ("publisher", "article:publisher", "dc.publisher", "application-name")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[^.|\n©]{2,60}?)\s*(?:[.|]|all rights reserved|$)",
    re.IGNORECASE,
)
_BYLINE_START_XPATH = (
    "//body//*[text()[starts-with(normalize-space(.), 'By ') or starts-with(normalize-space(.), "
    "'by ') or starts-with(normalize-space(.), 'BY ') or starts-with(normalize-space(.), 'Por ')"
    " or starts-with(normalize-space(.), 'Von ') or starts-with(normalize-space(.), 'Par ')]]"
)


def find_authors(
    tree: HtmlElement, meta: Mapping[str, str], jsonld: Mapping[str, Any], prov: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (authors, agencies named as authors); generic names only when nothing else."""
    # Callables: the markup and text scans cost a tree walk, so they run only when needed.
    candidates: list[tuple[str, Callable[[], list[str]]]] = [
        (
            "json-ld",
            lambda: jsonld_names(jsonld.get("author")) + jsonld_names(jsonld.get("creator")),
        ),
        ("meta", lambda: _meta_authors(meta)),
        ("markup", lambda: _markup_authors(tree)),
        ("byline-text", lambda: _byline_text_authors(tree)),
    ]
    agencies: list[str] = []
    fallback: tuple[str, tuple[str, ...]] | None = None
    for source, read in candidates:
        names = read()
        people: list[str] = []
        for name in names:
            agency = canonical_wire_service(name)
            if agency:
                agencies.append(agency)
            elif not is_placeholder(name):
                people.append(name)
        people = list(dict.fromkeys(people))
        real = [n for n in people if not is_generic_author(n)]
        if real:
            prov["authors"] = source
            return tuple(real), tuple(dict.fromkeys(agencies))
        if people and fallback is None:
            fallback = (source, tuple(people))
    if fallback is not None:
        prov["authors"] = fallback[0]
        return fallback[1], tuple(dict.fromkeys(agencies))
    return (), tuple(dict.fromkeys(agencies))


def _meta_authors(meta: Mapping[str, str]) -> list[str]:
    for key in _META_AUTHOR_KEYS:
        value = meta.get(key)
        if value and "://" not in value and not value.startswith("@"):
            return list(parse_byline(value) or split_names(value)) or [value]
    return []


def _markup_authors(tree: HtmlElement) -> list[str]:
    names: list[str] = []
    for el in find_byline_elements(tree):
        name_el = el.find(".//*[@itemprop='name']")
        if name_el is None and el.get("itemprop") == "author":
            content = el.get("content")
            if content:
                names.append(clean_text(content))
                continue
        text = element_text(name_el if name_el is not None else el)
        if not text or len(text) > 120:
            continue
        names.extend(parse_byline(text) or split_names(text))
        names.extend(byline_agencies(text))
        if names:
            break
    return names


def _byline_text_authors(tree: HtmlElement) -> list[str]:
    for el in tree.xpath(_BYLINE_START_XPATH)[:20]:
        for line in leaf_lines(el):
            names = parse_byline(line)
            if names:
                return list(names) + list(byline_agencies(line))
    return []


def find_publisher(
    tree: HtmlElement, meta: Mapping[str, str], jsonld: Mapping[str, Any], prov: dict[str, str]
) -> str | None:
    """Return the publisher's name from JSON-LD, og:site_name, meta or a copyright line."""
    candidates: list[tuple[str, str | None]] = [
        ("json-ld", next(iter(jsonld_names(jsonld.get("publisher"))), None)),
        ("og", meta.get("og:site_name")),
    ]
    candidates += [("meta", meta.get(k)) for k in _META_PUBLISHER_KEYS]
    candidates.append(("microdata", _microdata_publisher(tree)))
    for source, value in candidates:
        if value and "://" not in value and not is_placeholder(value):
            prov["publisher"] = source
            return clean_text(value)
    name = _copyright_holder(tree)
    if name:
        prov["publisher"] = "copyright"
    return name


def _microdata_publisher(tree: HtmlElement) -> str | None:
    for el in tree.xpath("//*[@itemprop='publisher']//*[@itemprop='name']")[:1]:
        return el.get("content") or element_text(el) or None
    return None


def _copyright_holder(tree: HtmlElement) -> str | None:
    hits = tree.xpath(
        "//body//*[text()[contains(., '©') or contains(., 'Copyright') or contains(., '(c)')]]"
    )
    for el in reversed(hits[-5:]):
        m = _COPYRIGHT.search(element_text(el))
        if m:
            name = m.group("name").strip(" ,.-–")
            if name and any(ch.isalpha() for ch in name):
                return name
    return None


def wire_services_of(
    credits: Iterable[Credit], agency_authors: Iterable[str], dateline_agency: str | None
) -> tuple[str, ...]:
    """Return the agencies named in credit lines, as authors, or in a dateline."""
    found: list[str] = []
    if dateline_agency:
        found.append(dateline_agency)
    found.extend(agency_authors)
    for credit in credits:
        found.extend(find_wire_services(credit.value))
    return tuple(dict.fromkeys(found))
