"""Parse feed bytes (RSS 0.9x/1.0/2.0, Atom) with feedparser into feeds.model dataclasses.

Bytes in, Feed out: feedparser is never handed a URL or a path, so it cannot fetch
or open anything itself (every fetch goes through Scrapy). `bozo` is checked here
and only here; FeedError is raised only when nothing usable could be read.
"""

from __future__ import annotations

import io
import logging
import re
import time
import xml.sax
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from feeds.errors import FeedError
from feeds.model import Feed, FeedEntry
from feeds.text import html_to_text

logger = logging.getLogger(__name__)

# bozo exceptions that only say "decoded differently than declared" or "served
# with a non-XML content type": the document itself was read, so an empty feed
# of that kind is still a valid (empty) feed.
_SOFT_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
_MAX_MESSAGE = 200
_SPACE_RE = re.compile(r"\s+")


def parse(data: bytes, url: str, headers: Mapping[str, str] | None = None) -> Feed:
    """Parse feed bytes fetched from `url`; relative links resolve against `url`.

    headers: the HTTP response headers (Content-Type gives the charset,
    Content-Location the base). Raise FeedError when no entries can be read.
    """
    if not data:
        raise FeedError(f"empty response: {url} returned no bytes")
    result = _run_feedparser(data, url, headers or {})
    entries = tuple(_to_entry(raw, url) for raw in result.get("entries", ()))
    message = _bozo_message(result)
    version = str(result.get("version") or "")
    if not entries:
        _check_empty_feed(data, url, version, result, message)
    elif message:
        logger.warning(
            "malformed feed %s: %s; using the %d entries that could be read",
            url,
            message,
            len(entries),
        )
    feed_info = result.get("feed", {})
    return Feed(
        title=html_to_text(str(feed_info.get("title", ""))),
        link=_absolute_http(feed_info.get("link"), url),
        entries=entries,
        bozo=bool(message),
        bozo_message=message,
        version=version,
    )


def _run_feedparser(data: bytes, url: str, headers: Mapping[str, str]) -> Any:
    """Call feedparser on a stream of `data` (a bytes argument could be taken as a file name)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    base = urljoin(url, lowered.get("content-location", "")) or url
    response_headers = {"content-location": base}
    for name in ("content-type", "content-language"):
        if name in lowered:
            response_headers[name] = lowered[name]
    try:
        return feedparser.parse(io.BytesIO(data), response_headers=response_headers)
    except Exception as exc:  # feedparser is third-party code fed hostile bytes
        logger.warning("feedparser failed on %s: %r", url, exc)
        raise FeedError(f"unreadable feed {url}: {_one_line(repr(exc))}") from exc


def _check_empty_feed(data: bytes, url: str, version: str, result: Any, message: str) -> None:
    """Raise FeedError unless an entry-less result is a well-formed, empty feed."""
    exc = result.get("bozo_exception")
    if version and (not message or isinstance(exc, _SOFT_BOZO)):
        if message:
            logger.warning("feed %s: %s (no entries)", url, message)
        return
    if version:
        raise FeedError(f"malformed feed {url}: {message} — no entries could be read")
    content_type = str(result.get("headers", {}).get("content-type", ""))
    raise FeedError(f"not a feed: {url} is {_sniff(data, content_type)}")


def _sniff(data: bytes, content_type: str) -> str:
    """Say in a few words what non-feed bytes are ("an HTML page", "binary data", ...)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text with no RSS or Atom root element"
    if b"\x00" in head or sum(b < 9 for b in head) > 4:
        return "binary data"
    if b"<html" in head or head.startswith(b"<!doctype html"):
        return "an HTML page"
    if content_type.split(";")[0].strip().lower() in _HTML_CONTENT_TYPES:
        return "an HTML page"
    if head.startswith((b"{", b"[")):
        return "JSON (only RSS and Atom feeds are supported)"
    if head.startswith(b"<"):
        return "XML but not RSS or Atom"
    return "plain text, not XML"


def _bozo_message(result: Any) -> str:
    """One line saying why feedparser set bozo; "" when it did not or only
    complained about the Content-Type (feeds are often served as text/html or
    without one; the bytes decide)."""
    if not result.get("bozo"):
        return ""
    exc = result.get("bozo_exception")
    if isinstance(exc, feedparser.NonXMLContentType):
        return ""
    return _describe_bozo(exc)


def _describe_bozo(exc: object) -> str:
    """One line for feedparser's bozo_exception: "mismatched tag at line 12"."""
    if exc is None:
        return "malformed feed"
    if isinstance(exc, xml.sax.SAXParseException):
        return _one_line(f"{exc.getMessage()} at line {exc.getLineNumber()}")
    return _one_line(str(exc) or type(exc).__name__)


def _one_line(text: str) -> str:
    line = _SPACE_RE.sub(" ", text).strip()
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"


def _to_entry(raw: Any, base: str) -> FeedEntry:
    """Map one feedparser entry onto FeedEntry (links made absolute, dates in UTC)."""
    return FeedEntry(
        id=(str(raw.get("id") or "").strip() or None),
        link=_entry_link(raw, base),
        title=html_to_text(str(raw.get("title") or "")),
        published=_iso_utc(raw.get("published_parsed")),
        # dict.get: feedparser's own get() falls back from updated to published.
        updated=_iso_utc(dict.get(raw, "updated_parsed")),
        summary=html_to_text(str(raw.get("summary") or "")) if raw.get("summary") else "",
        content_html=_content_html(raw),
        authors=_authors(raw),
    )


def _entry_link(raw: Any, base: str) -> str | None:
    """The entry's alternate link, absolute and http(s); a permalink guid when no link."""
    link = _absolute_http(raw.get("link"), base)
    if link is None and raw.get("guidislink"):
        link = _absolute_http(raw.get("id"), base)
    return link


def _absolute_http(value: object, base: str) -> str | None:
    """`value` resolved against `base` when it is an http(s) URL; None otherwise."""
    if not isinstance(value, str) or not value.strip():
        return None
    absolute = urljoin(base, value.strip()) if base else value.strip()
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute


def _content_html(raw: Any) -> str | None:
    """The longest HTML/XHTML/text content block (content:encoded, atom:content)."""
    blocks = [
        str(block.get("value") or "")
        for block in raw.get("content") or ()
        if str(block.get("type") or "text/html").lower()
        in ("text/html", "application/xhtml+xml", "text/plain")
    ]
    best = max(blocks, key=len, default="")
    return best or None


def _authors(raw: Any) -> tuple[str, ...]:
    """Author names, de-duplicated in order (atom:author, dc:creator, RSS author)."""
    author = str(raw.get("author") or "").strip()
    if "@" in author:
        # RSS <author> is "email (Name)"; feedparser 6.0 splits it wrongly when the
        # top-level domain is longer than four letters, so read it ourselves.
        name, email = parseaddr(author)
        names = [name or email or author]
    else:
        names = [str(d.get("name") or "").strip() for d in raw.get("authors") or ()]
        names = names if any(names) else [author]
    return tuple(dict.fromkeys(text for n in names if n and (text := html_to_text(n))))


def _iso_utc(value: object) -> str | None:
    """feedparser's parsed date (a UTC struct_time) as "YYYY-MM-DDTHH:MM:SSZ"."""
    if not isinstance(value, time.struct_time):
        return None
    if not 1 <= value.tm_year <= 9999:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
