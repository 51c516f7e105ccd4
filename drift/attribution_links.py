"""Link checks of attribution: link_missing, link_broken and canonical_elsewhere.

Compares URLs by a scheme-less key (host without www./m./amp., path without
trailing slash or AMP suffix, query without tracking parameters) and sites by
registrable domain. Pure functions; drift.attribution calls them.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from drift.attribution_names import NameSet, contains_phrase, fold, site_is_named, site_of
from drift.codes import make_finding
from drift.model import Article, Finding, Link

# Query parameters that track a click and never select an article.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "ref"}
    | {"ref_src", "ref_url", "cmpid", "ocid", "src", "share", "amp", "outputtype", "_ga"}
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
_HOST_PREFIXES = ("www.", "amp.", "m.", "mobile.")
_AMP_CACHE_SUFFIX = ".cdn.ampproject.org"

# Anchor texts that present a link as the article's source, folded (drift.attribution_names.fold).
# STRONG phrases count anywhere in a short anchor; WEAK words only at its start,
# because "via" or "source" inside a headline-like anchor says nothing.
SOURCE_LINK_STRONG: tuple[str, ...] = (
    "original article",
    "original story",
    "read the original",
    "read the full article",
    "read the full story",
    "doc bai goc",
    "bai goc",
    "xem bai goc",
    "articulo original",
    "article original",
    "source originale",
    "originalartikel",
    "articolo originale",
    "原文",
)
SOURCE_LINK_WEAK: tuple[str, ...] = (
    "source",
    "sources",
    "via",
    "nguon",
    "theo",
    "fuente",
    "quelle",
    "fonte",
    "источник",
    "来源",
    "출처",
    "kaynak",
    "sumber",
)
# "Read more" is a source link when it stands alone ("Read more »", "Read more here")
# or names the original ("Read more at The Example Times"); followed by a headline
# ("Read more: Ministry unveils …") it leads to the copy's next story, not a source.
SOURCE_LINK_READ_MORE: tuple[str, ...] = ("read more", "continue reading", "full story")
READ_MORE_FILLER: frozenset[str] = frozenset(
    {"here", "at", "on", "from", "in", "the", "this", "story", "article", "full", "original"}
)
# A longer anchor is a headline or a sentence, not a source link; 12 words keeps
# "Click here to read the original article at The Example Times".
SOURCE_LINK_MAX_WORDS = 12
_BAD_SCHEMES = ("javascript:", "mailto:", "tel:", "about:", "data:")


def url_key(url: str | None, base: str | None = None) -> str | None:
    """Return a scheme-less comparison key for a URL, or None when it is no web address."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    path = parts.path
    if host.endswith(_AMP_CACHE_SUFFIX):
        host, path = _unwrap_amp_cache(path) or (host, path)
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    return host + _strip_amp_path(path) + _clean_query(parts.query)


def _unwrap_amp_cache(path: str) -> tuple[str, str] | None:
    # Google's AMP cache: /c/s/<host>/<path> (https) or /c/<host>/<path>; /v/ for viewer.
    segments = path.lstrip("/").split("/")
    while segments and segments[0] in ("c", "v", "s", "i"):
        segments.pop(0)
    if not segments or "." not in segments[0]:
        return None
    return segments[0].lower(), "/" + "/".join(segments[1:])


def _strip_amp_path(path: str) -> str:
    path = path.rstrip("/")
    for suffix in ("/amp", ".amp"):
        path = path.removesuffix(suffix)
    path = path.removeprefix("/amp/").removeprefix("amp/")
    if path and not path.startswith("/"):
        path = "/" + path
    return path.rstrip("/")


def _clean_query(query: str) -> str:
    kept = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    return "?" + urlencode(sorted(kept)) if kept else ""


def original_sites(original: Article) -> frozenset[str]:
    """Return the registrable domains the original lives on (its URL, canonical, og:url)."""
    urls = (original.url, original.canonical, original.og_url)
    return frozenset(s for s in (site_of(_unwrap_url(u)) for u in urls if u) if s)


def _unwrap_url(url: str) -> str:
    key = url_key(url)
    return f"http://{key}" if key else url


def is_source_link(link: Link, known: NameSet) -> bool:
    """Tell whether a link's text presents it as the article's source.

    `known` names the original's parties: "Read more at <publisher>" is a source link.
    """
    text = fold(link.text)
    words = text.split()
    if not words or len(words) > SOURCE_LINK_MAX_WORDS:
        return False
    if any(contains_phrase(text, p) for p in SOURCE_LINK_STRONG):
        return True
    if any(text == w or text.startswith(w + " ") for w in SOURCE_LINK_WEAK):
        return True
    for phrase in SOURCE_LINK_READ_MORE:
        if text.startswith(phrase):
            rest = set(text.removeprefix(phrase).split())
            return rest <= READ_MORE_FILLER or known.found_in([link.text])
    return False


def _broken_reason(link: Link, copy_url: str, sites: frozenset[str], known: NameSet) -> str | None:
    href = link.href.strip()
    if not href:
        return "empty"
    if href.startswith("#"):
        return "fragment"
    if href.lower().replace(" ", "").startswith(_BAD_SCHEMES):
        return "javascript" if href.lower().startswith("javascript:") else "no web address"
    key = url_key(href, copy_url)
    if key is None:
        return "no web address"
    site = site_of("http://" + key)
    if site in sites:
        return None
    # A link to the site of an agency or outlet the original credits (afp.com for an
    # AFP story) points to a true source, not elsewhere.
    if site and site_is_named(site, known):
        return None
    return "elsewhere"


def points_to_original(copy: Article, sites: frozenset[str]) -> bool:
    """Tell whether the copy's rel=canonical, og:url or JSON-LD isBasedOn names the original.

    Each is a machine-readable link to the original (what search engines and readers'
    tools follow), so it counts as a link back when it reaches the original's site:
    a mirror whose canonical is the original's real address credits it.
    """
    for url in (copy.canonical, copy.og_url, copy.is_based_on):
        key = url_key(url, copy.url)
        if key is not None and site_of("http://" + key) in sites:
            return True
    return False


def find_link_findings(original: Article, copy: Article, known: NameSet) -> list[Finding]:
    """Report source links that lead nowhere or elsewhere, and a missing link to the original.

    The two are distinct facts: a lone broken "original article" link gives both
    link_broken and link_missing; a broken one next to a working link gives only link_broken.
    A canonical, og:url or isBasedOn naming the original's site is a link back too.
    """
    sites = original_sites(original)
    findings: list[Finding] = []
    reaches = points_to_original(copy, sites)
    for link in copy.links:
        key = url_key(link.href, copy.url)
        if key is not None and site_of("http://" + key) in sites:
            reaches = True
        if not is_source_link(link, known):
            continue
        reason = _broken_reason(link, copy.url, sites, known)
        if reason is not None:
            findings.append(
                make_finding(
                    "attribution.link_broken",
                    copy=link.text.strip(),
                    detail={"href": link.href, "reason": reason},
                )
            )
    if not reaches and sites:
        findings.append(
            make_finding(
                "attribution.link_missing",
                original=original.url,
                detail={"links_checked": len(copy.links)},
            )
        )
    return findings


def find_canonical_findings(original: Article, copy: Article) -> list[Finding]:
    """Report a copy whose rel=canonical exists and names another page than the original."""
    if not copy.canonical or not copy.canonical.strip():
        return []
    canonical = url_key(copy.canonical, copy.url)
    targets = {url_key(u) for u in (original.url, original.canonical, original.og_url) if u}
    if canonical is not None and canonical in targets:
        return []
    return [
        make_finding(
            "attribution.canonical_elsewhere",
            original=original.canonical or original.url,
            copy=copy.canonical.strip(),
            detail={"points_to_copy": canonical == url_key(copy.url)},
        )
    ]
