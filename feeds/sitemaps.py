"""Freshness of sitemap URLs: does a <lastmod> say the page changed since we last saw it?

Scrapy's SitemapSpider does the fetching and XML walking; this module only
reads W3C-datetime/RFC 822 dates and compares them. No I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_lastmod(value: str | None) -> datetime | None:
    """Read a sitemap date (W3C datetime "2022-05-24", "2022-05-24T10:00:00+02:00",
    or RFC 822) as an aware UTC datetime; None when absent or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_rfc822(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def is_fresh(lastmod: str | None, last_seen: str | None) -> bool:
    """Tell whether a sitemap URL needs fetching again.

    Yes when it was never seen (or our own record is unreadable) and when its
    lastmod is later than last_seen; no when it was seen and the sitemap gives no
    readable lastmod (re-checks of known pages are scheduled elsewhere).
    """
    seen_at = parse_lastmod(last_seen)
    if seen_at is None:
        return True
    modified = parse_lastmod(lastmod)
    if modified is None:
        return False
    # A date-only lastmod ("2022-05-24") reads as that day's midnight UTC: a page
    # changed again on the day it was seen waits for the next lastmod, rather than
    # being fetched on every run of that day.
    return modified > seen_at


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
