"""Helpers shared by syndiwatch's spiders: URL checks, header decoding, timestamps.

Kept apart from the spiders so each spider module holds only its crawl logic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.http.headers import Headers

# Request.meta key carrying the URL as the job gave it, so redirects and
# Scrapy's URL escaping never change which URL a FetchedPage answers.
REQUEST_URL_KEY = "syndiwatch_request_url"

FETCHABLE_SCHEMES = frozenset({"http", "https"})


def parse_url_list(urls: Any) -> tuple[str, ...]:
    """Accept a sequence of URLs or one comma/space separated string; drop repeats."""
    items: Iterable[Any] = re.split(r"[\s,]+", urls) if isinstance(urls, str) else urls
    unique: dict[str, None] = {}
    for item in items:
        text = str(item).strip()
        if text:
            unique.setdefault(text, None)
    return tuple(unique)


def parse_mapping(value: Any, name: str) -> dict[str, Any]:
    """Accept a mapping or a JSON object string (from `scrapy crawl -a meta=...`)."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name} must be a JSON object: {exc}") from exc
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a JSON object, not {type(value).__name__}")
    return dict(value)


def check_url(url: str) -> str | None:
    """Return why `url` cannot be fetched (one line), or None when it can."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        return f"malformed URL {url!r}: {exc}"
    if parts.scheme.lower() not in FETCHABLE_SCHEMES:
        shown = f"{parts.scheme!r}" if parts.scheme else "none"
        return f"not an http(s) URL: {url!r} (scheme {shown})"
    if not parts.hostname:
        return f"malformed URL {url!r}: no host"
    if port == 0:
        return f"malformed URL {url!r}: port 0"
    if any(ch.isspace() for ch in parts.netloc):
        return f"malformed URL {url!r}: whitespace in host"
    return None


def host_key(url: str) -> str:
    """ "host:port" of `url` (lowercase host, the port as written), "" when it does not parse."""
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return ""


def followable(url: str, host: str) -> bool:
    """Whether a site crawl may follow a link to `url`: http(s) only, on `host` (host_key).

    The scheme is checked first: `file://news.example:80/etc/passwd` has the site's
    host and port, and Scrapy's file handler would ignore both.
    """
    return check_url(url) is None and host_key(url) == host


def decode_headers(headers: Headers) -> dict[str, str]:
    """Flatten Scrapy headers to {name: first value} as text."""
    flat: dict[str, str] = {}
    for name, values in headers.items():
        if values:
            flat[_text(name)] = _text(values[0])
    return flat


def utc_now() -> str:
    """Return the current time as ISO 8601 UTC with a Z suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
