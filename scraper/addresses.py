"""Classify IP addresses a crawl must not reach unless allow_private is set.

Pure functions over `ipaddress`; the downloader middleware that resolves hosts
and refuses requests lives in scraper.middlewares.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Checked in this order; the first match names the address in the refusal.
# The specific words come before "private" because ipaddress's private table
# also holds 0.0.0.0/8, 169.254/16 and 240/4, and the precise word helps the operator.
_CHECKS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "an unspecified"),
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_reserved", "a reserved"),
    ("is_private", "a private"),
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
    if inner is not None:  # the connection goes to the IPv4 address inside
        return classify_address(inner)
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
