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

from drift.patterns import canonical_wire_service, find_wire_services

# Offline extractor: the public-suffix snapshot bundled with tldextract, no fetch, no cache.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

_NON_WORD = re.compile(r"[\W_]+")

# Words too common to stand for a site on their own: "news.com.au" is named by
# "news.com.au", never by the bare word "news" in running text.
GENERIC_SITE_LABELS: frozenset[str] = frozenset(
    {"news", "times", "post", "daily", "today", "online", "media", "press", "herald", "tribune"}
    | {"journal", "star", "sun", "mail", "express", "world", "report", "tv", "radio", "info"}
)

# Bylines a CMS or a newsroom fills in when it names no person (folded). A copy showing
# one has dropped the original's author (byline_missing), it names nobody in their place.
GENERIC_AUTHORS: frozenset[str] = frozenset(
    {"staff", "admin", "administrator", "editor", "editors", "staff writer", "staff reporter"}
    | {"reporter", "newsroom", "news desk", "web desk", "desk", "team", "editorial team"}
    | {"editorial board", "redaction", "redaktion", "redaccion", "redazione", "ban bien tap"}
    | {"bbt", "pv", "ctv", "phong vien", "cong tac vien", "guest", "anonymous", "user"}
    | {"webmaster", "site admin", "super user", "superuser", "root", "author", "authors"}
    | {"by", "follow", "follow author", "more articles by", "more by", "posted by", "written by"}
    | {"contributor", "contributors", "guest author", "guest writer", "correspondent", "writer"}
    | {"unknown", "none", "n a", "null", "default", "editorial", "editorial staff", "online"}
    | {"redaktion online", "online redaktion", "onlineredaktion", "press release", "redacao"}
    | {"wp admin", "wpadmin", "moderator", "publisher", "news", "public", "system"}
)
_GENERIC_AUTHOR_TAILS: frozenset[str] = frozenset(
    {"staff", "desk", "team", "admin", "editors", "newsroom", "redaktion", "redaccion"}
    | {"redazione", "redaction", "reporters", "writers", "correspondents"}
)
# Words that make a byline an organisation, not a person (folded): "Stuttgarter Zeitung",
# "Press Trust of India", "Government of Canada". Agencies come from drift.patterns.
ORGANISATION_WORDS: frozenset[str] = frozenset(
    {"news", "press", "agency", "agence", "agencia", "agentur", "media", "medien", "times"}
    | {"post", "herald", "journal", "gazette", "daily", "tribune", "courier", "chronicle"}
    | {"zeitung", "nachrichten", "magazine", "magazin", "radio", "tv", "television", "network"}
    | {"group", "gruppe", "service", "services", "online", "digital", "shimbun", "ilbo"}
    | {"institute", "institut", "university", "universitat", "universitet", "council"}
    | {"ministry", "government", "police", "polizei", "foundation", "stiftung", "company"}
    | {"inc", "ltd", "llc", "gmbh", "corp", "corporation", "association", "society", "verlag"}
    | {"committee", "office", "department", "club", "bureau", "images", "photos", "pictures"}
    | {"wire", "newswire", "channel", "broadcasting", "diario", "giornale", "krant", "avis"}
    | {"newspaper", "newsroom", "review", "weekly", "observer", "reporter", "editorial"}
)
# Words no person's name holds: page furniture read as a byline ("Privacy Policy").
NOT_NAME_WORDS: frozenset[str] = frozenset(
    {"policy", "privacy", "cookie", "cookies", "statement", "terms", "conditions", "agreement"}
    | {"notice", "rights", "reserved", "subscribe", "subscription", "newsletter", "contact"}
    | {"advertising", "advertise", "imprint", "impressum", "datenschutz", "settings", "login"}
    | {"account", "sitemap", "archive", "home", "menu", "search", "share", "comments"}
)
# Scripts written without spaces between words: a one-token name is a whole name there.
_UNSPACED_SCRIPTS = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "THAI")
# Suffixes that end an outlet's name in those scripts ("台北時報", "연합뉴스", "朝日新聞").
_UNSPACED_ORG_SUFFIXES = (
    "新聞",
    "新闻",
    "日報",
    "日报",
    "時報",
    "时报",
    "通信",
    "通讯",
    "社",
    "網",
    "网",
    "台",
    "뉴스",
    "신문",
    "일보",
    "방송",
    "デジタル",
    "ニュース",
)
# Job titles written after a name in those scripts ("박준석 기자", "王强 记者").
_UNSPACED_ROLES = (
    "기자",
    "특파원",
    "논설위원",
    "記者",
    "记者",
    "特派員",
    "特派员",
    "编辑",
    "編集委員",
)
# Lower-case words inside a person's name ("Michelle de Oliveira", "Ludwig van Beethoven").
NAME_PARTICLES: frozenset[str] = frozenset(
    {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "des", "la", "le", "van"}
    | {"von", "der", "den", "ten", "ter", "zu", "y", "e", "al", "el", "bin", "binti", "ibn"}
    | {"bint", "ben", "af", "av", "og", "und", "and", "st", "mac", "abu", "ap", "of"}
)
# Titles before a name, dropped before the name is judged ("Dr. Max Kolter").
_HONORIFICS: frozenset[str] = frozenset(
    {"dr", "prof", "mr", "mrs", "ms", "mx", "sir", "dame", "rev", "fr", "mag", "dipl", "ing"}
)
_BYLINE_WORD = re.compile(r"^(?:by|von|por|par|di|door|av|af|bởi|de)\s+", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"\s*(?:\([^()]*\)|/\s*[^/]{1,30})$")
_NOT_NAME_CHAR = re.compile(r"[^\w\s.'’‘,\-‐]|[\d_]")
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,})(?:\b|$)", re.IGNORECASE)


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
    """Tell whether a byline is a newsroom placeholder ("Staff", "Admin", "Daily Buzz Desk")."""
    folded = fold(_BYLINE_WORD.sub("", name.strip()))
    if not folded or folded in GENERIC_AUTHORS or fold(name) in GENERIC_AUTHORS:
        return True
    return folded.split()[-1] in _GENERIC_AUTHOR_TAILS or _is_username(name.strip())


def _is_username(name: str) -> bool:
    # "jdoe42", "news_desk", "j.doe": one token with a digit, an underscore or a dot inside.
    return (
        " " not in name
        and not _DOMAIN.search(name)
        and name.isascii()
        and bool(re.fullmatch(r"[A-Za-z][\w.-]*", name))
        and (any(ch.isdigit() for ch in name) or "_" in name or name.islower())
    )


def clean_author(name: str) -> str:
    """Drop what is printed around a name: "By ", titles, a trailing job title ("기자")."""
    text = " ".join(_BYLINE_WORD.sub("", name.strip()).split()).strip(" .,;:|-–—")
    text = _TRAILING_NOTE.sub("", text).strip(" .,;:|-–—/")  # "Jane Doe (dpa)", "Jane Doe/AP"
    for role in _UNSPACED_ROLES:
        head, sep, _ = text.partition(role)
        if sep and head.strip():
            text = head.strip()
    words = text.split()
    while len(words) > 1 and fold(words[0]) in _HONORIFICS:
        words.pop(0)
    return " ".join(words)


def _script_unspaced(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(_UNSPACED_SCRIPTS)


def is_organisation_name(name: str) -> bool:
    """Tell whether a byline names an outlet, agency or body rather than a person."""
    text = clean_author(name)
    if canonical_wire_service(text) or _DOMAIN.search(text):
        return True
    if any(text.endswith(suffix) for suffix in _UNSPACED_ORG_SUFFIXES):
        return True
    words = fold(text).split()
    if any(w in ORGANISATION_WORDS for w in words):
        return True
    wires = find_wire_services(text)
    return bool(wires) and len(words) <= 4


def author_kind(name: str, own: NameSet = NameSet()) -> str:
    """Classify a byline: "person", "placeholder", "organisation" or "junk".

    The one definition of a plausible person's name, shared by the author reader
    (drift.people) and the byline checks: after "By", titles and job titles are
    dropped, a person is two to six words in a spaced script (letters of any script,
    inner hyphens and apostrophes, initials, lower-case particles such as "de" or
    "van"), each non-particle word capitalised where the script has case and at least
    two of them longer than an initial; or one word of two to six letters in a script
    written without spaces (Chinese, Japanese, Korean, Thai). `own` names the page's
    own site: a byline naming it is a placeholder. Agencies and outlets (drift.patterns,
    ORGANISATION_WORDS, domains) are organisations; e-mail addresses, numbers,
    user names, "J J", "Follow" and the like are junk or placeholders.
    """
    # Combining marks (decomposed accents, Devanagari or Thai vowel signs) are letters' parts.
    raw = unicodedata.normalize("NFC", " ".join(name.split()))
    raw = "".join(ch for ch in raw if not unicodedata.category(ch).startswith("M"))
    if not raw:
        return "junk"
    text = clean_author(raw)
    folded = fold(text)
    if not folded:
        return "junk"
    # An agency first: "dpa" is no user name.
    if canonical_wire_service(text):
        return "organisation"
    if is_generic_author(raw) or is_generic_author(text):
        return "placeholder"
    if own and _names_own_site(text, folded, own):
        return "placeholder"
    if "@" in text or "://" in text or "www." in text.casefold():
        return "junk"
    if is_organisation_name(text):
        return "organisation"
    if _NOT_NAME_CHAR.search(text) or text.count(",") > 1:
        return "junk"
    if any(w in NOT_NAME_WORDS for w in folded.split()):
        return "junk"
    return "person" if _person_shaped(text.replace(",", " ")) else "junk"


def _names_own_site(text: str, folded: str, own: NameSet) -> bool:
    # The site's name ("Daily Buzz"), or a desk named after it ("MDR THÜRINGEN", "BR24 Team").
    if folded in own.phrases or folded.replace(" ", "") in own.phrases or text in own.acronyms:
        return True
    first = text.split()[0]
    return first in own.acronyms or (fold(first) in own.phrases and len(fold(first)) > 2)


def _person_shaped(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 6:
        return False
    if len(words) == 1 and all(_script_unspaced(ch) for ch in words[0]):
        return 2 <= len(words[0]) <= 6
    names = initials = 0
    for word in words:
        letters = word.strip(".'’‘-‐")
        if not letters:
            return False
        if letters.casefold() in NAME_PARTICLES and letters.islower():
            continue
        head = re.sub(r"^(?:[a-z]{1,3}['’‘-])", "", letters)  # "d'Alembert", "al-Assad"
        if not head or head[0].islower():
            return False
        if len(head.replace(".", "")) > 1 and not (head.endswith(".") and len(head) <= 3):
            names += 1
        elif word.endswith("."):
            initials += 1
    # "Jane Doe", "J. Smith"; not "J J", "Ilanga D" or a lone "Sweidah".
    return names >= 2 or (names == 1 and initials >= 1)


def is_person_name(name: str, own: NameSet = NameSet()) -> bool:
    """Tell whether a byline plausibly names a person (see author_kind)."""
    return author_kind(name, own) == "person"


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
