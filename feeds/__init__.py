"""feeds: feed bytes in, entries out, plus the URL and state helpers discovery needs.

Public API (import from here): parse, Feed, FeedEntry, FeedError, entry_key,
has_full_text, new_entries, FeedState, conditional_headers, update_state,
canonical_url, same_site, InvalidURL, is_fresh, parse_lastmod. Fetching is Scrapy's.
"""

from __future__ import annotations

from feeds.errors import FeedError, InvalidURL
from feeds.model import Feed, FeedEntry
from feeds.parse import parse
from feeds.select import entry_key, has_full_text, new_entries
from feeds.sitemaps import is_fresh, parse_lastmod
from feeds.state import FeedState, conditional_headers, update_state
from feeds.urls import canonical_url, same_site

__all__ = [
    "Feed",
    "FeedEntry",
    "FeedError",
    "FeedState",
    "InvalidURL",
    "canonical_url",
    "conditional_headers",
    "entry_key",
    "has_full_text",
    "is_fresh",
    "new_entries",
    "parse",
    "parse_lastmod",
    "same_site",
    "update_state",
]
