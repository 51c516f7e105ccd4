"""Match each discovered page against the tracked stories and keep what it was.

Owns the per-page decision of discovery: unchanged since the last look (same
content hash, no new story to try) → nothing to do; no article body or no story
shared → a tiny trace only (storage.traces); a possible copy → drift.normalise,
drift.analyse_copy against each candidate story, and the copy stored with its
snapshot. Triage (syndiwatch.triage) keeps the expensive steps for few pages.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from drift.analyse import analyse_copy
from drift.errors import NotAnArticle
from drift.model import Article
from drift.normalise import normalise
from feeds import InvalidURL, canonical_url
from scraper.items import FetchedPage
from storage import SnapshotRecord, Store, StoryRecord
from storage.traces import TraceRecord
from syndiwatch.discovery_jobs import site_root
from syndiwatch.triage import StoryIndex, sketch_page

log = logging.getLogger(__name__)

PageOutcome = Literal["unchanged", "not_article", "not_copy", "copy"]
TRACE_BATCH = 200  # traces written per transaction
# Each site's traces are read in one query and kept this long, for this many sites.
TRACE_CACHE_SECONDS = 600.0
TRACE_CACHE_SITES = 256


@dataclass(frozen=True, slots=True)
class PageResult:
    """What became of one page: its outcome, how many stories it copies, was it analysed."""

    url: str
    outcome: PageOutcome
    copies: int = 0
    analysed: bool = False
    candidate: bool = False


class PageMatcher:
    """Matches pages against a fixed set of stories; buffers traces (call flush())."""

    def __init__(self, store: Store, stories: Sequence[StoryRecord], *, now: datetime) -> None:
        self.store = store
        self.now = now
        self.articles: dict[int, Article] = {
            s.id: s.article for s in stories if s.article is not None
        }
        self._index: StoryIndex | None = None  # built on the first page (feeds may bring none)
        self.upto = max(self.articles, default=0)
        # A story's own page (found in its publisher's feed) is the original, not a copy.
        self.own_pages = {page_key(s.url): s.id for s in stories}
        self._traces: list[TraceRecord] = []
        # site root → (when read, its traces); bounded, so a long-lived matcher (a queue
        # worker) neither grows without end nor trusts what other processes changed.
        self._site_traces: dict[str, tuple[float, dict[str, TraceRecord]]] = {}

    @property
    def index(self) -> StoryIndex:
        if self._index is None:
            self._index = StoryIndex({sid: a.text for sid, a in self.articles.items()})
        return self._index

    def process(self, page: FetchedPage, *, via: str, scope: int | None = None) -> PageResult:
        """Decide what `page` (a 2xx response) is, store that, and say what it was."""
        url = page_key(page.url)
        digest = hashlib.sha256(page.body).hexdigest()
        prev = self._previous(url)
        # None: every story (the common case, kept cheap); else the ids to try.
        own = self.own_pages.get(url)
        in_scope: set[int] | None = None
        if scope is not None or own is not None:
            in_scope = {scope} if scope is not None else set(self.articles)
            in_scope.discard(own)
        if prev is not None and prev.content_hash == digest:
            check = self._pending(prev, in_scope)
            if not check:
                self._trace(url, digest, prev, prev.outcome, set(prev.copy_of), scope)
                return PageResult(url, "unchanged")
            earlier: set[int] = set()
            known = set(prev.copy_of)
        else:
            check = in_scope
            earlier = set(prev.copy_of) & set(self.articles) if prev is not None else set()
            known = set()
        sketch = sketch_page(page.body)
        # Candidates are looked up first: a page holding a story goes on to normalise
        # however its body is marked up; the paragraph count only names the others.
        candidates = sorted(set(self.index.candidates(sketch.shingles, check)) | earlier)
        if not candidates:
            outcome: PageOutcome = "not_copy" if sketch.article_like else "not_article"
            return self._done(url, digest, prev, outcome, known, scope)
        return self._analyse(page, url, digest, prev, candidates, via, scope)

    def _previous(self, url: str) -> TraceRecord | None:
        """The page's trace; each site's traces are read once per run, in one query."""
        root = site_root(url)
        found = self._traces_of(root).get(url)
        return found if found is not None or root else self.store.get_traces([url]).get(url)

    def _traces_of(self, root: str) -> dict[str, TraceRecord]:
        now = time.monotonic()
        cached = self._site_traces.get(root)
        if cached is not None and now - cached[0] < TRACE_CACHE_SECONDS:
            return cached[1]
        if len(self._site_traces) >= TRACE_CACHE_SITES:
            oldest = min(self._site_traces, key=lambda r: self._site_traces[r][0])
            del self._site_traces[oldest]
        traces = self.store.traces_under(root) if root else {}
        traces.update((t.url, t) for t in self._traces if t.url.startswith(root))  # not flushed
        self._site_traces[root] = (now, traces)
        return traces

    def _pending(self, prev: TraceRecord, in_scope: set[int] | None) -> set[int] | None:
        """Stories an unchanged page was never matched against (empty: nothing to do)."""
        if in_scope is None and prev.stories_upto >= self.upto:
            return set()
        ids = in_scope if in_scope is not None else self.articles.keys()
        return {i for i in ids if i > prev.stories_upto and i not in prev.copy_of}

    def _analyse(
        self,
        page: FetchedPage,
        url: str,
        digest: str,
        prev: TraceRecord | None,
        candidates: list[int],
        via: str,
        scope: int | None,
    ) -> PageResult:
        try:
            article = normalise(page.body, page.url, page.headers)
        except NotAnArticle as exc:
            log.debug("%s: not an article: %s", page.url, exc)
            result = self._done(url, digest, prev, "not_article", set(), scope)
            return PageResult(url, result.outcome, candidate=True)
        kept = set(prev.copy_of) - set(candidates) if prev is not None else set()
        snapshot: SnapshotRecord | None = None
        found: set[int] = set()
        for story_id in candidates:
            analysis = analyse_copy(self.articles[story_id], article)
            was_copy = prev is not None and story_id in prev.copy_of
            if not analysis.is_copy and not was_copy:
                continue
            if snapshot is None:
                snapshot = self._snapshot(page, url, article)
            self.store.record_analysis(
                story_id, url, snapshot_id=snapshot.id, analysis=analysis,
                discovered_via=via, title=article.title, now=self.now,
            )  # fmt: skip
            if analysis.is_copy:
                found.add(story_id)
        outcome: PageOutcome = "copy" if found else "not_copy"
        self._done(url, digest, prev, outcome, found | kept, scope)
        return PageResult(url, outcome, copies=len(found), analysed=True, candidate=True)

    def _snapshot(self, page: FetchedPage, url: str, article: Article) -> SnapshotRecord:
        return self.store.record_fetch(
            url,
            status=page.status,
            body=page.body,
            headers=page.headers,
            article=article,
            fetched_at=fetched_at(page, self.now),
            final_url=page.url,
        )

    def _done(
        self,
        url: str,
        digest: str,
        prev: TraceRecord | None,
        outcome: PageOutcome,
        copy_of: set[int],
        scope: int | None,
    ) -> PageResult:
        if copy_of:  # still a copy of a story tried before; nothing new here
            outcome = "copy"
        self._trace(url, digest, prev, outcome, copy_of, scope)
        return PageResult(url, outcome)

    def _trace(
        self,
        url: str,
        digest: str,
        prev: TraceRecord | None,
        outcome: str,
        copy_of: set[int],
        scope: int | None,
    ) -> None:
        unchanged = prev is not None and prev.content_hash == digest
        # A scoped source tried one story only: it cannot vouch for the others.
        upto = self.upto if scope is None else (prev.stories_upto if prev else 0)
        record = TraceRecord(
            url=url,
            content_hash=digest,
            outcome=outcome,
            copy_of=tuple(sorted(copy_of)),
            stories_upto=max(upto, prev.stories_upto if prev else 0),
            last_fetched=self.now,
            last_changed=prev.last_changed if unchanged and prev else self.now,
            first_seen=prev.first_seen if prev else self.now,
        )
        self._traces.append(record)
        cached = self._site_traces.get(site_root(url))
        if cached is not None:  # a page seen twice in one run (two sources) is done once
            cached[1][url] = record
        if len(self._traces) >= TRACE_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the buffered traces (one transaction)."""
        batch, self._traces = self._traces, []
        self.store.record_traces(batch)


def page_key(url: str) -> str:
    """The canonical URL a page is stored under (the URL itself when it cannot be read)."""
    try:
        return canonical_url(url)
    except InvalidURL:
        return url


def fetched_at(page: FetchedPage, default: datetime) -> datetime:
    """When the crawl fetched `page` (its ISO stamp), else `default`."""
    if page.fetched_at:
        try:
            return datetime.fromisoformat(page.fetched_at.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    return default
