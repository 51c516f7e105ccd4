"""URL canonicalisation for "never fetch twice" and same-site tests.

canonical_url builds on w3lib (query sorting, percent-encoding, fragments) and adds
what w3lib leaves alone: tracking parameters, default ports, credentials, trailing
slashes and AMP variants. same_site compares registrable domains via tldextract's
bundled public-suffix list (never fetched at run time).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

from feeds.errors import InvalidURL

# Exact query keys (compared lower-case) that only track a click or a campaign.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "ref",
        "ref_src", "ref_url", "cmpid", "ncid", "ocid", "smid", "smtyp", "sr_share",
        "soc_src", "soc_trk", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "guccounter",
        "guce_referrer", "guce_referrer_sig", "s_cid", "icid", "fb_ref", "fb_source",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "__twitter_impression", "wt.mc_id", "cid_source", "rss_source",
    }
)  # fmt: skip
# Query-key prefixes of tracking families (utm_source, utm_medium, mtm_campaign, pk_kwd, ...).
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "vero_", "oly_", "trk_", "__hs")
# Query parameters that select an AMP rendering of the same article.
AMP_PARAMS = frozenset({"outputtype", "output"})  # with the value "amp"; "amp" itself: any flag
_AMP_VALUES = frozenset({"", "1", "true", "yes", "amp"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SUFFIX_RE = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)
# Private suffixes count (alice.github.io and bob.github.io are different publishers).
_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL; raise InvalidURL for anything else.

    Lower-cases scheme and host, drops credentials, default ports, fragments and
    tracking parameters, sorts the rest of the query, removes a trailing slash
    (except the root's) and maps AMP variants to the plain article URL.
    """
    parts = _split_http(url)
    host = _strip_amp_host(parts.hostname or "")
    port = parts.port if parts.port != _DEFAULT_PORTS[parts.scheme] else None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    path = _strip_amp_path(parts.path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = _clean_query(parts.query)
    return canonicalize_url(urlunsplit((parts.scheme, netloc, path, query, "")))


def same_site(a: str, b: str) -> bool:
    """Tell whether two URLs belong to one site: the same registrable domain
    (www.x.co.uk and amp.x.co.uk are one site; ports do not matter). Under an
    unlisted suffix the last two labels decide (www.news.example is news.example);
    IP addresses and single-label hosts must match exactly, port included."""
    return _site_key(a) == _site_key(b)


def _site_key(url: str) -> str:
    parts = _split_http(url)
    host = (parts.hostname or "").rstrip(".")
    extracted = _PSL.extract_str(host)
    if extracted.top_domain_under_public_suffix:
        return extracted.top_domain_under_public_suffix
    labels = host.split(".")
    if len(labels) >= 2 and not _is_ip_address(host):
        # A suffix outside the public list (news.example, intranet names): last two labels.
        return ".".join(labels[-2:])
    return f"{host}:{parts.port or _DEFAULT_PORTS[parts.scheme]}"


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _split_http(url: str) -> SplitResult:
    text = url.strip() if isinstance(url, str) else ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 — urlsplit checks the port only when it is read
    except ValueError as exc:
        raise InvalidURL(f"invalid URL {text!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL(f"not an absolute http(s) URL: {text[:200]!r}")
    return parts._replace(scheme=scheme)


def _strip_amp_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host.startswith("amp.") and host.count(".") >= 2:
        return host[len("amp.") :]
    return host


def _strip_amp_path(path: str) -> str:
    """Drop "amp" path segments and a ".amp" before the extension or at the end."""
    segments = path.split("/")
    kept = [s for s in segments[:-1] if s.lower() != "amp"]
    last = segments[-1]
    if last.lower() == "amp":
        last = ""
    kept.append(_AMP_SUFFIX_RE.sub("", last))
    return "/".join(kept)


def _clean_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_dropped_param(k, v)]
    return urlencode(kept)


def _is_dropped_param(key: str, value: str) -> bool:
    name = key.lower()
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return True
    if name == "amp":
        return value.lower() in _AMP_VALUES
    return name in AMP_PARAMS and value.lower() == "amp"
