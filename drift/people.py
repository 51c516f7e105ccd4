"""Decide who wrote and who published a page: authors, publisher, wire services.

Chooses among JSON-LD, meta tags, author markup and byline text (read from the soups
drift.locate builds), recording the winner in the provenance map. Line-level
parsing lives in drift.credits; the vocabularies in drift.patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any

from bs4 import Tag

from drift.attribution_names import (
    NameSet,
    author_kind,
    clean_author,
    outlet_names,
    site_names,
)
from drift.credits import (
    block_ancestor,
    body_of,
    byline_agencies,
    find_byline_elements,
    leaf_lines,
    own_text,
    parse_byline,
    split_names,
)
from drift.metadata import attr, clean_text, element_text, iter_tags, jsonld_names
from drift.model import Credit
from drift.patterns import canonical_wire_service, find_wire_services, is_placeholder

META_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "sailthru.author",
    "parsely-author",
    "byl",
    "twitter:creator",
    "twitter:misc:written by",
)
_PUBLISHER_META = ("publisher", "article:publisher", "dc.publisher", "application-name")
# The meta tags the publisher and owner readers need (drift.locate keeps them): the
# publisher's, and <meta name="copyright"> naming the company that owns the site.
META_PUBLISHER_KEYS = (*_PUBLISHER_META, "copyright")
_TRAILING_YEAR = re.compile(r"[\s,]*\d{4}(?:\s*[-–]\s*\d{4})?$")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[^.|\n©]{2,60}?)\s*(?:[.|]|all rights reserved|$)",
    re.IGNORECASE,
)
BYLINE_STARTS: tuple[str, ...] = ("By ", "by ", "BY ", "By:", "Por ", "por ", "Von ", "von ")
BYLINE_STARTS += ("VON ", "Von:", "Par ", "par ")
# Only the first few elements that start like a byline are read (the byline sits near the top).
MAX_BYLINE_STARTS = 20
# Only the last few elements with a copyright sign are read (the page footer).
MAX_COPYRIGHT_LINES = 5
COPYRIGHT_MARKS = ("©", "Copyright", "(c)")
# The kinds of located evidence a soup is asked for: find_authors and find_publisher take
# a function that builds the soup of one kind when first asked (the locating costs a walk
# over the whole page, so it runs only when JSON-LD and meta tags do not answer).
MARKUP = "markup"
BYLINE_LINES = "byline-lines"
MICRODATA = "microdata"
COPYRIGHT_LINES = "copyright-lines"


def starts_like_byline(el: Tag) -> bool:
    """Tell whether one of an element's own text nodes starts like "By …"."""
    # "von" alone in its text node, the name in the next element: "<span>von</span> <b>…"
    return any((" ".join(t.split()) + " ").startswith(BYLINE_STARTS) for t in own_text(el))


def has_copyright_mark(el: Tag) -> bool:
    """Tell whether one of an element's own text nodes holds ©, "Copyright" or "(c)"."""
    return any(m in t for t in own_text(el) for m in COPYRIGHT_MARKS)


def find_authors(
    soup: Callable[[str], Tag],
    meta: Mapping[str, str],
    jsonld: Mapping[str, Any],
    prov: dict[str, str],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (authors, agencies named as authors) from the first source that names a person.

    Every name read is judged by drift.attribution_names.author_kind: only plausible
    persons become authors; agencies go to the second list; outlets, junk ("J J",
    "Follow", an e-mail address) are dropped. Placeholders ("Staff", the site's own name)
    are returned only when no source names a person.
    `soup(kind)` returns the soup of the page's MARKUP or BYLINE_LINES elements.
    """
    own = _own_names(meta, jsonld)
    # The company owning the site ("Condé Nast" as <meta name="author">) is no byline,
    # not even a placeholder one: a copy's checks would take it for a person.
    owner = outlet_names(_meta_copyright_holder(meta))
    # Callables: the markup and text scans cost a tree walk, so they run only when needed.
    candidates: list[tuple[str, Callable[[], list[str]]]] = [
        ("json-ld", lambda: _jsonld_authors(jsonld)),
        ("meta", lambda: _meta_authors(meta)),
        ("markup", lambda: _markup_authors(soup(MARKUP))),
        ("byline-text", lambda: _byline_text_authors(soup(BYLINE_LINES))),
    ]
    agencies: list[str] = []
    fallback: tuple[str, tuple[str, ...]] | None = None
    for source, read in candidates:
        people: list[str] = []
        placeholders: list[str] = []
        for raw in read():
            if is_placeholder(raw):
                continue
            agencies.extend(byline_agencies(raw))
            for name in split_names(raw) or (raw,):
                kind = author_kind(name, own)
                if kind == "person":
                    people.append(clean_author(name))
                elif kind == "organisation":
                    agencies.extend(_agencies_in(name))
                elif kind == "placeholder" and not (owner and owner.found_in([name])):
                    placeholders.append(clean_text(name))
        people = list(dict.fromkeys(people))
        if people:
            prov["authors"] = source
            return tuple(people), tuple(dict.fromkeys(agencies))
        if placeholders and fallback is None:
            fallback = (source, tuple(dict.fromkeys(placeholders)))
    if fallback is not None:
        prov["authors"] = fallback[0]
        return fallback[1], tuple(dict.fromkeys(agencies))
    return (), tuple(dict.fromkeys(agencies))


def _agencies_in(name: str) -> list[str]:
    canonical = canonical_wire_service(clean_author(name))
    if canonical:
        return [canonical]
    # "AFP Deutschland", "dpa-AFX": an agency's desk; a longer name only mentions one.
    return list(find_wire_services(name)) if len(name.split()) <= 3 else []


def _own_names(meta: Mapping[str, str], jsonld: Mapping[str, Any]) -> NameSet:
    """The names the page gives its own site (a byline naming it names no person)."""
    names = site_names(meta.get("og:url"))
    for value in (meta.get("og:site_name"), meta.get("application-name")):
        names = names | outlet_names(value)
    for value in jsonld_names(jsonld.get("publisher")):
        names = names | outlet_names(value)
    return names | outlet_names(_meta_copyright_holder(meta))


def _meta_copyright_holder(meta: Mapping[str, str]) -> str | None:
    """The company a <meta name="copyright"> names ("Copyright (c) Condé Nast 2023")."""
    m = _COPYRIGHT.search(re.sub(r"\(c\)", "©", meta.get("copyright") or "", flags=re.I))
    if not m:
        return None
    name = _TRAILING_YEAR.sub("", m.group("name")).strip(" ,.-–")
    return name if any(ch.isalpha() for ch in name) else None


def _jsonld_authors(jsonld: Mapping[str, Any]) -> list[str]:
    """The JSON-LD author and creator names; an Organization counts only as an agency."""
    out: list[str] = []
    for key in ("author", "creator"):
        value = jsonld.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and "organization" in str(item.get("@type", "")).casefold():
                out.extend(n for n in jsonld_names(item) if _agencies_in(n))
            else:
                out.extend(jsonld_names(item))
    return out


def _meta_authors(meta: Mapping[str, str]) -> list[str]:
    """The names of the first author meta tag that names a person (else of the first one)."""
    first: list[str] = []
    for key in META_AUTHOR_KEYS:
        value = meta.get(key)
        if value and "://" not in value and not value.startswith("@"):
            names = list(parse_byline(value) or split_names(value)) or [value]
            if any(author_kind(n) == "person" for n in names):
                return names
            first = first or names
    return first


def _markup_authors(soup: Tag) -> list[str]:
    names: list[str] = []
    for el in find_byline_elements(soup):
        name_el = next((t for t in iter_tags(el) if attr(t, "itemprop") == "name"), None)
        if name_el is None and attr(el, "itemprop") == "author":
            content = attr(el, "content")
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


def _byline_text_authors(soup: Tag) -> list[str]:
    hits = filter(starts_like_byline, iter_tags(body_of(soup)))
    for el in islice(hits, MAX_BYLINE_STARTS):
        # The names may sit in the next element of the byline's block ("von" <b>Name</b>).
        for line in [*leaf_lines(el), *leaf_lines(block_ancestor(el))]:
            names = parse_byline(line)
            if names:
                return list(names) + list(byline_agencies(line))
    return []


def find_publisher(
    soup: Callable[[str], Tag],
    meta: Mapping[str, str],
    jsonld: Mapping[str, Any],
    prov: dict[str, str],
) -> str | None:
    """Return the publisher's name from JSON-LD, og:site_name, meta or a copyright line.

    `soup(kind)` returns the soup of the page's MICRODATA or COPYRIGHT_LINES elements.
    """
    candidates: list[tuple[str, str | None]] = [
        ("json-ld", next(iter(jsonld_names(jsonld.get("publisher"))), None)),
        ("og", meta.get("og:site_name")),
    ]
    candidates += [("meta", meta.get(k)) for k in _PUBLISHER_META]
    for source, value in candidates:
        if value and "://" not in value and not is_placeholder(value):
            prov["publisher"] = source
            return clean_text(value)
    value = _microdata_publisher(soup(MICRODATA))
    if value and "://" not in value and not is_placeholder(value):
        prov["publisher"] = "microdata"
        return clean_text(value)
    name = _copyright_holder(soup(COPYRIGHT_LINES))
    if name:
        prov["publisher"] = "copyright"
    return name


def _microdata_publisher(soup: Tag) -> str | None:
    for publisher in iter_tags(soup):
        if attr(publisher, "itemprop") != "publisher":
            continue
        el = next((t for t in iter_tags(publisher) if attr(t, "itemprop") == "name"), None)
        if el is not None:
            return attr(el, "content") or element_text(el) or None
    return None


def _copyright_holder(soup: Tag) -> str | None:
    hits = list(filter(has_copyright_mark, iter_tags(body_of(soup))))
    for el in reversed(hits[-MAX_COPYRIGHT_LINES:]):
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
