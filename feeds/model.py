"""The feed dataclasses: what feeds.parse returns and the selection helpers read.

Frozen and free of feedparser types, so callers (spiders, the pipeline,
storage) never touch feedparser's dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed.

    link is absolute (http or https) or None; published/updated are ISO 8601 UTC
    ("2022-05-24T10:00:00Z") or None; summary is plain text; content_html is the
    full content (content:encoded, atom:content) when the feed carries it.
    """

    id: str | None
    link: str | None
    title: str
    published: str | None
    updated: str | None
    summary: str
    content_html: str | None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed. bozo is True when the bytes were malformed but entries could still be read;
    bozo_message then says why in one line ("" otherwise). version is feedparser's
    name for the format ("rss20", "atom10", "rss10", "rss091u", ...)."""

    title: str
    link: str | None
    entries: tuple[FeedEntry, ...]
    bozo: bool = False
    bozo_message: str = ""
    version: str = ""
