"""Classify IP addresses a crawl must not reach unless allow_private is set.

Pure functions over `ipaddress`; the downloader middleware that resolves hosts
and refuses requests lives in scraper.middlewares.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Checked in this order; the first match names the address in the refusal.
# "unspecified" comes before "private" because 0.0.0.0/8 is also in the
# private table, and the more specific word helps the operator.
_CHECKS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "an unspecified"),
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_private", "a private"),
    ("is_reserved", "a reserved"),
)


def parse_ip(text: str) -> IPAddress | None:
    """Return `text` as an IP address (brackets and zone ids allowed), or None for a name."""
    candidate = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address carries (mapped, 6to4, Teredo), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def classify_address(address: IPAddress) -> str | None:
    """Say what kind of non-public address this is ("a loopback", ...), or None if public."""
    inner = embedded_ipv4(address)
    if inner is not None:
        inner_kind = classify_address(inner)
        if inner_kind is not None:
            return inner_kind
    for attribute, kind in _CHECKS:
        if getattr(address, attribute):
            return kind
    if not address.is_global:
        return "a non-public"  # e.g. 100.64.0.0/10 shared address space
    return None


def refusal_reason(host: str, address: IPAddress, kind: str) -> str:
    """Build the one-line reason a request to `host` is refused."""
    hint = "(set [network] allow_private = true to allow it)"
    if parse_ip(host) == address:
        return f"refused: {address} is {kind} address {hint}"
    return f"refused: {host} resolves to {address}, {kind} address {hint}"
