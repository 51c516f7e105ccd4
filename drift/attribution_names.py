"""Tolerant name matching for the attribution checks: outlets, sites and people.

Folds case, diacritics and punctuation so "The Example Times", "EXAMPLE-TIMES.COM"
and "example times" meet; matches short acronyms ("BBC", "AP") case-sensitively so
"ap" inside running text never counts. Pure helpers; the checks live in drift.attribution.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# Offline extractor: the public-suffix snapshot bundled with tldextract, no fetch, no cache.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

_NON_WORD = re.compile(r"[\W_]+")

# Words too common to stand for a site on their own: "news.com.au" is named by
# "news.com.au", never by the bare word "news" in running text.
GENERIC_SITE_LABELS: frozenset[str] = frozenset(
    {"news", "times", "post", "daily", "today", "online", "media", "press", "herald", "tribune"}
    | {"journal", "star", "sun", "mail", "express", "world", "report", "tv", "radio", "info"}
)

# Bylines that name no person. A copy's generic byline counts as a replacement only
# when the original named a person (see drift.attribution._find_byline_findings).
GENERIC_AUTHORS: frozenset[str] = frozenset(
    {"staff", "admin", "administrator", "editor", "editors", "staff writer", "staff reporter"}
    | {"reporter", "newsroom", "news desk", "web desk", "desk", "team", "editorial team"}
    | {"editorial board", "redaction", "redaktion", "redaccion", "redazione", "ban bien tap"}
    | {"bbt", "pv", "ctv", "phong vien", "cong tac vien", "guest", "anonymous", "user"}
)
_GENERIC_AUTHOR_TAILS: frozenset[str] = frozenset(
    {"staff", "desk", "team", "admin", "editors", "newsroom", "redaktion", "redaccion"}
)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Fold case, diacritics and punctuation: "Đọc bài gốc!" → "doc bai goc"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", bare.casefold()).split())


def contains_phrase(folded_haystack: str, folded_phrase: str) -> bool:
    """Tell whether a folded phrase occurs on whole-word boundaries in a folded text."""
    return bool(folded_phrase) and f" {folded_phrase} " in f" {folded_haystack} "


def _is_acronym(name: str) -> bool:
    return len(name) <= 4 and name.isascii() and name.isupper() and name.isalpha()


@dataclass(frozen=True, slots=True)
class NameSet:
    """The spellings that name one party; `acronyms` match case-sensitively on raw text."""

    phrases: frozenset[str] = frozenset()
    acronyms: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.phrases or self.acronyms)

    def __or__(self, other: NameSet) -> NameSet:
        return NameSet(self.phrases | other.phrases, self.acronyms | other.acronyms)

    def found_in(self, texts: Iterable[str]) -> bool:
        """Tell whether any of the texts names this party."""
        texts = [t for t in texts if t]
        # Newlines keep a name from spanning two texts: phrases are space-separated words.
        raw = "\n".join(texts)
        for acronym in self.acronyms:
            if re.search(rf"(?<!\w){re.escape(acronym)}(?!\w)", raw):
                return True
        folded = " \n ".join(fold(t) for t in texts)
        return any(contains_phrase(folded, p) for p in self.phrases)


def outlet_names(name: str | None) -> NameSet:
    """Return the spellings of an outlet's name: with and without "The", spaced and joined."""
    if not name or not name.strip():
        return NameSet()
    if _is_acronym(name.strip()):
        return NameSet(acronyms=frozenset({name.strip()}))
    folded = fold(name)
    bare = folded.removeprefix("the ").strip()
    phrases = {p for p in (folded, bare, bare.replace(" ", "")) if p}
    return NameSet(phrases=frozenset(phrases))


def host_of(url: str | None) -> str | None:
    """Return the lower-case host (with a non-default port) of an absolute URL, or None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    return f"{host}:{port}" if port and port not in (80, 443) else host


def site_of(url: str | None) -> str | None:
    """Return the registrable domain of a URL ("www.example-times.co.uk" → "example-times.co.uk").

    IP addresses and single-label hosts ("127.0.0.1:8000", "localhost") are their own site.
    """
    host = host_of(url)
    if host is None:
        return None
    bare_host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    registrable = _EXTRACT(bare_host).top_domain_under_public_suffix
    return registrable or host


def site_names(url: str | None) -> NameSet:
    """Return the spellings that name a site by its domain: "example-times.com", "Example Times"."""
    site = site_of(url)
    if site is None:
        return NameSet()
    label = _EXTRACT(site.split(":", 1)[0]).domain
    phrases = {fold(site)}
    folded_label = fold(label)
    joined = folded_label.replace(" ", "")
    if joined and folded_label not in GENERIC_SITE_LABELS and not joined.isdigit():
        phrases |= {folded_label, joined}
    return NameSet(phrases=frozenset(p for p in phrases if p))


def site_is_named(site: str, names: NameSet) -> bool:
    """Tell whether a site's domain label spells one of the names ("afp.com" for AFP)."""
    label = fold(_EXTRACT(site.split(":", 1)[0]).domain)
    if not label:
        return False
    spellings = {label, label.replace(" ", "")}
    return bool(spellings & names.phrases) or any(a.casefold() in spellings for a in names.acronyms)


def _person_tokens(name: str) -> tuple[str, ...]:
    # Initials ("Jane Q. Doe") carry no identity of their own; drop them.
    return tuple(t for t in fold(name).split() if len(t) > 1)


def is_generic_author(name: str) -> bool:
    """Tell whether a byline names no person ("Staff", "Admin", "Daily Buzz Desk")."""
    folded = fold(name)
    if not folded or folded in GENERIC_AUTHORS:
        return True
    return folded.split()[-1] in _GENERIC_AUTHOR_TAILS


def same_person(a: str, b: str) -> bool:
    """Tell whether two bylines name the same person (case, diacritics, initials, order)."""
    ta, tb = _person_tokens(a), _person_tokens(b)
    return bool(ta) and (ta == tb or sorted(ta) == sorted(tb))


def person_named_in(name: str, texts: Iterable[str]) -> bool:
    """Tell whether a person's name occurs in any text ("Jane Q. Doe" finds "By JANE DOE")."""
    tokens = _person_tokens(name)
    if not tokens:
        return False
    forward, backward = " ".join(tokens), " ".join(reversed(tokens))
    hay = " \n ".join(" ".join(t for t in fold(text).split() if len(t) > 1) for text in texts)
    return contains_phrase(hay, forward) or contains_phrase(hay, backward)
