"""FeedSourceSpider: poll RSS/Atom feeds with conditional GET, then fetch the new entries' pages.

A 304 costs no parsing; a 200 is parsed by feeds.parse (feedparser, from bytes)
and only entries not seen before are followed. An entry that holds the full text
is sent on as a page of its own; otherwise its link is fetched. A seen entry
whose <updated> date moved on is followed again (the article was edited).
"""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

import feeds
from feeds import Feed, FeedEntry, FeedError, FeedState
from scraper.failures import FetchError
from scraper.items import FetchedPage
from scraper.spiders.common import REQUEST_URL_KEY, check_url, parse_url_list
from scraper.spiders.found import (
    ROLE_KEY,
    SOURCE_KEY,
    failure_item,
    made_item,
    note_item,
    read_sources,
    response_item,
    tag,
)

# Below this many words an entry is an excerpt and its page is fetched (feeds.has_full_text).
FULL_TEXT_MIN_WORDS = 150


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """What one fetch of a feed gave, against the state the source remembers.

    state: the state to remember from now on (None: keep the old one); fresh: the
    entries worth following (new ones, then seen ones whose <updated> moved on,
    listed again in `edited`); problem: why a 2xx/3xx body could not be used.
    """

    state: dict[str, Any] | None = None
    feed: Feed | None = None
    fresh: list[FeedEntry] = field(default_factory=list)
    edited: frozenset[str] = frozenset()
    problem: FetchError | None = None


def feed_request_headers(raw_state: Mapping[str, Any]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a source's remembered feed state."""
    return feeds.conditional_headers(_state_of(raw_state))


def poll_feed(response: Response, raw_state: Mapping[str, Any]) -> FeedPoll:
    """Read a feed response (200, 304 or an error) against the source's remembered state."""
    state = _state_of(raw_state)
    headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items()}
    if response.status == 304:
        return FeedPoll(state=_state_dict(feeds.update_state(state, headers, None)))
    if response.status >= 400:
        return FeedPoll()
    try:
        feed = feeds.parse(response.body, response.url, headers)
    except FeedError as exc:
        return FeedPoll(problem=FetchError(str(exc), "feed"))
    edited = _updated_entries(feed, state, _updated_of(raw_state))
    polled = _state_dict(feeds.update_state(state, headers, feed))
    polled["updated"] = {feeds.entry_key(e): e.updated for e in feed.entries if e.updated}
    return FeedPoll(
        state=polled,
        feed=feed,
        fresh=feeds.new_entries(feed, set(state.seen)) + edited,
        edited=frozenset(feeds.entry_key(e) for e in edited),
    )


class FeedSourceSpider(scrapy.Spider):
    """Fetch each source's feed once; follow its new entries.

    options: {"sources": [{"id", "url", "state": FeedState as a dict}]}. The setting
    SYNDIWATCH_FEED_FOLLOW_ENTRIES = False polls only (bench/discovery.py). The feed's
    own FetchedPage (role "feed", body dropped) carries the new state in meta["state"].
    """

    name = "feed"

    def __init__(
        self,
        urls: Any = (),
        meta: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_meta = dict(meta or {})
        self.options = dict(options or {})
        self.sources = read_sources(self.options, parse_url_list(urls))
        self.states = {s.id: s.state for s in self.sources}

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            meta = {**tag(source.id, "feed"), REQUEST_URL_KEY: source.url}
            problem = check_url(source.url)
            if problem is not None:
                yield note_item(source.url, self.job_meta, meta, error=problem, kind="other")
                continue
            yield scrapy.Request(
                source.url,
                headers=feed_request_headers(self.states[source.id]),
                callback=self.parse_feed,
                errback=self.on_error,
                dont_filter=True,
                meta=meta,
            )

    def parse_feed(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Turn a feed response into its own item plus requests/items for new entries."""
        source_id = int(response.meta.get(SOURCE_KEY, 0))
        poll = poll_feed(response, self.states.get(source_id, {}))
        if response.status == 304:
            yield response_item(response, self.job_meta, state=poll.state)
            return
        if poll.feed is None:
            yield response_item(response, self.job_meta, problem=poll.problem)
            return
        feed, fresh = poll.feed, poll.fresh
        yield response_item(
            response,
            self.job_meta,
            keep_body=False,
            state=poll.state,
            entries=len(feed.entries),
            new_entries=len(fresh),
            warning=feed.bozo_message,
        )
        if not self.settings.getbool("SYNDIWATCH_FEED_FOLLOW_ENTRIES", True):
            return
        for entry in fresh:
            yield from self.follow_entry(entry, feed.title, source_id, response.url)

    def follow_entry(
        self, entry: FeedEntry, feed_title: str, source_id: int, feed_url: str
    ) -> Iterator[Any]:
        """The entry itself when it holds the full text, else a request for its link."""
        key = feeds.entry_key(entry)
        if entry.link and feeds.has_full_text(entry, FULL_TEXT_MIN_WORDS):
            meta = tag(source_id, "entry", entry_key=key, feed=feed_url)
            yield made_item(entry.link, entry_html(entry, feed_title), self.job_meta, meta)
        elif entry.link and check_url(entry.link) is None:
            yield scrapy.Request(
                entry.link,
                callback=self.parse_page,
                errback=self.on_error,
                meta={**tag(source_id, "page", entry_key=key), REQUEST_URL_KEY: entry.link},
            )

    def parse_page(self, response: Response, **kwargs: Any) -> Iterator[FetchedPage]:
        yield response_item(response, self.job_meta)

    def on_error(self, failure: Failure) -> Iterator[FetchedPage]:
        request = failure.request  # type: ignore[attr-defined]
        item = failure_item(failure, self.job_meta, self.settings)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"syndiwatch/fetch_failed/{item.error_kind}")
        if request.meta.get(ROLE_KEY) == "feed":
            self.crawler.stats.inc_value("syndiwatch/feed_failed")
        yield item


def entry_html(entry: FeedEntry, feed_title: str) -> bytes:
    """A small HTML page holding a feed entry, so it is normalised like any page."""
    esc = html.escape
    authors = ", ".join(entry.authors)
    head = [
        '<meta charset="utf-8">',
        f"<title>{esc(entry.title)}</title>",
        f'<link rel="canonical" href="{esc(entry.link or "")}">',
    ]
    if feed_title:
        head.append(f'<meta property="og:site_name" content="{esc(feed_title)}">')
    if authors:
        head.append(f'<meta name="author" content="{esc(authors)}">')
    if entry.published:
        head.append(f'<meta property="article:published_time" content="{esc(entry.published)}">')
    body = entry.content_html or f"<p>{esc(entry.summary)}</p>"
    byline = f'<p class="byline">By {esc(authors)}</p>' if authors else ""
    page = (
        f"<!DOCTYPE html><html><head>{''.join(head)}</head><body><article>"
        f"<h1>{esc(entry.title)}</h1>{byline}{body}</article></body></html>"
    )
    return page.encode("utf-8")


def _state_of(raw: Mapping[str, Any]) -> FeedState:
    try:
        return FeedState.from_json(json.dumps(dict(raw)) if raw else None)
    except ValueError:
        return FeedState()


def _updated_of(raw: Mapping[str, Any]) -> dict[str, str]:
    found = raw.get("updated") if raw else None
    if not isinstance(found, Mapping):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str)}


def _updated_entries(feed: Feed, state: FeedState, updated: Mapping[str, str]) -> list[FeedEntry]:
    """Entries seen before whose <updated> date moved on since (an edited article)."""
    seen = set(state.seen)
    return [
        entry
        for entry in feed.entries
        if entry.updated
        and (key := feeds.entry_key(entry)) in seen
        and key in updated
        and entry.updated > updated[key]
    ]


def _state_dict(state: FeedState) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(state.to_json())
    return data
