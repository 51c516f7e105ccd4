"""Pick the feed entries worth fetching: stable keys, de-duplication, full-text test.

Pure functions over feeds.model; the seen-key memory between runs is feeds.state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from feeds.errors import InvalidURL
from feeds.model import Feed, FeedEntry
from feeds.text import count_words, html_to_text
from feeds.urls import canonical_url

# Endings that mark an excerpt however long it is: "… [Continue reading →]".
EXCERPT_ENDINGS = ("…", "...", "[…]", "[...]", "…)", "...)")
EXCERPT_PHRASES = (
    "read more", "continue reading", "keep reading", "read the full story",
    "read the full article", "read full article", "read full story",
)  # fmt: skip
_TAIL_PUNCT = " \t\n.:»→›)]"


def entry_key(entry: FeedEntry) -> str:
    """Return a stable key for de-duplication across runs: the guid/id, else the
    canonical link, else a hash of title and summary."""
    if entry.id:
        return entry.id
    if entry.link:
        try:
            return canonical_url(entry.link)
        except InvalidURL:
            return entry.link
    digest = hashlib.sha256(f"{entry.title}\n{entry.summary}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"


def has_full_text(entry: FeedEntry, min_words: int = 150) -> bool:
    """Tell whether the entry itself holds the article (else the linked page is fetched).

    True when its content (or, failing that, its summary) has at least `min_words`
    words and does not end like an excerpt ("Continue reading", "[…]").
    """
    text = html_to_text(entry.content_html) if entry.content_html else ""
    if count_words(entry.summary) > count_words(text):
        text = entry.summary
    if count_words(text) < min_words:
        return False
    return not _looks_like_excerpt(text)


def new_entries(feed: Feed, seen_keys: Collection[str]) -> list[FeedEntry]:
    """Return the entries whose key is not in `seen_keys`, in feed order, each key once."""
    fresh: list[FeedEntry] = []
    taken: set[str] = set()
    for entry in feed.entries:
        key = entry_key(entry)
        if key in seen_keys or key in taken:
            continue
        taken.add(key)
        fresh.append(entry)
    return fresh


def _looks_like_excerpt(text: str) -> bool:
    end = text.rstrip().lower()
    if end.endswith(EXCERPT_ENDINGS):
        return True
    return end.rstrip(_TAIL_PUNCT).endswith(EXCERPT_PHRASES)
