"""The Store: syndiwatch's one door to its database, with named verbs.

Every verb runs in one transaction (writes under SQLite's BEGIN IMMEDIATE) and
takes/returns drift dataclasses or storage.records; the Session never leaves.
The work of each verb lives in storage.catalog, storage.pages and storage.copies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from drift.model import Article, CopyAnalysis
from storage import catalog, copies, desk, keys, pages, traces
from storage.convert import utc
from storage.engine import (
    WRITE_OPTION,
    create_store_engine,
    parse_url,
    safe_url,
    upgrade_database,
    wrap_db_error,
)
from storage.errors import StorageError
from storage.opsverbs import OperationsVerbs
from storage.records import (
    CopyPage,
    CopyQuery,
    CopyRecord,
    FindingRecord,
    PageRecord,
    ReviewEventRecord,
    RunRecord,
    SnapshotRecord,
    SourceRecord,
    StoryRecord,
    StoryReport,
    StorySummary,
)
from storage.traces import TraceRecord

T = TypeVar("T")


def _set_source_states(session: Session, states: Mapping[int, Mapping[str, Any]]) -> None:
    for source_id, state in states.items():
        catalog.set_source_state(session, source_id, state)


def open_store(url: str) -> Store:
    """Open (and create or upgrade, if needed) the database at `url`."""
    parsed = parse_url(url)
    engine = create_store_engine(parsed)
    try:
        upgrade_database(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


class Store(OperationsVerbs):
    """Named operations on one database. Thread-safe: each verb uses its own session."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._probe = desk.ChangeProbe(engine)  # opens its connection on first use

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return safe_url(self._engine.url)

    def close(self) -> None:
        self._probe.close()
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        engine = self._write_engine if write else self._engine
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise wrap_db_error(exc, self._engine.url) from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"database error on {self.url}: {exc}") from exc

    def _write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._session(write=True) as session:
            return fn(session, *args, **kwargs)

    def _read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._session(write=False) as session:
            return fn(session, *args, **kwargs)

    # Stories ---------------------------------------------------------------

    def add_story(
        self, url: str, *, name: str | None = None, now: datetime | None = None
    ) -> StoryRecord:
        return self._write(catalog.add_story, url, name=name, now=utc(now))

    def get_story(self, story_id: int) -> StoryRecord | None:
        return self._read(catalog.get_story, story_id)

    def find_story(self, url: str) -> StoryRecord | None:
        return self._read(catalog.find_story, url)

    def list_stories(self) -> list[StoryRecord]:
        return self._read(catalog.list_stories)

    def remove_story(self, story_id: int) -> bool:
        return self._write(catalog.remove_story, story_id)

    # Pages and snapshots -----------------------------------------------------

    def record_fetch(
        self,
        url: str,
        *,
        status: int,
        body: bytes,
        headers: Mapping[str, str],
        article: Article | None,
        fetched_at: datetime,
        final_url: str | None = None,
    ) -> SnapshotRecord:
        return self._write(
            pages.record_fetch,
            url,
            status=status,
            body=body,
            headers=headers,
            article=article,
            fetched_at=utc(fetched_at),
            final_url=final_url,
        )

    def record_fetch_failure(
        self, url: str, *, error: str, error_kind: str | None, at: datetime
    ) -> None:
        self._write(pages.record_fetch_failure, url, error=error, error_kind=error_kind, at=utc(at))

    def latest_snapshot(self, url: str) -> SnapshotRecord | None:
        return self._read(pages.latest_snapshot, url)

    def get_raw_html(self, snapshot_id: int) -> bytes:
        return self._read(pages.get_raw_html, snapshot_id)

    def get_page(self, url: str) -> PageRecord | None:
        return self._read(pages.get_page, url)

    # Copies and findings -----------------------------------------------------

    def record_analysis(
        self,
        story_id: int,
        url: str,
        *,
        snapshot_id: int,
        analysis: CopyAnalysis,
        discovered_via: str,
        title: str,
        now: datetime,
        lifecycle: bool = False,
    ) -> CopyRecord | None:
        """Upsert the copy and make the analysis's findings its active ones.

        `lifecycle=False` (a first check or discovery): the copy's active
        copy_edited, original_updated and stale_copy findings are left as they are,
        since only a re-check can tell whether they still hold. `lifecycle=True`
        (a re-check, whose analysis carries the lifecycle findings that still hold):
        those are reconciled too. A successful analysis always clears
        lifecycle.fetch_failed and lifecycle.copy_removed.
        """
        return self._write(
            copies.record_analysis,
            story_id,
            url,
            snapshot_id=snapshot_id,
            analysis=analysis,
            discovered_via=discovered_via,
            title=title,
            now=utc(now),
            lifecycle=lifecycle,
        )

    def record_copy_failure(
        self, story_id: int, url: str, *, error: str, now: datetime
    ) -> CopyRecord | None:
        return self._write(copies.record_copy_failure, story_id, url, error=error, now=utc(now))

    def copies_for_story(self, story_id: int, *, include_removed: bool = True) -> list[CopyRecord]:
        return self._read(copies.copies_for_story, story_id, include_removed=include_removed)

    def report(self, story_id: int | None = None) -> list[StoryReport]:
        """Every story (or one), ordered by id, with its copies and their active findings."""
        with self._session(write=False) as session:
            if story_id is None:
                stories = catalog.list_stories(session)
            else:
                one = catalog.get_story(session, story_id)
                stories = [one] if one is not None else []
            return [
                StoryReport(story=s, copies=tuple(copies.copies_for_story(session, s.id)))
                for s in stories
            ]

    def set_review(
        self, finding_id: int, state: str, *, note: str | None, by: str | None, now: datetime
    ) -> FindingRecord:
        return self._write(copies.set_review, finding_id, state, note=note, by=by, now=utc(now))

    # Runs ------------------------------------------------------------------------

    def start_run(self, kind: str, *, now: datetime) -> int:
        return self._write(catalog.start_run, kind, now=utc(now))

    def finish_run(
        self, run_id: int, *, stats: Mapping[str, Any], error: str | None, now: datetime
    ) -> None:
        self._write(catalog.finish_run, run_id, stats=stats, error=error, now=utc(now))

    def list_runs(self, limit: int = 20) -> list[RunRecord]:
        return self._read(catalog.list_runs, limit)

    # Sources -----------------------------------------------------------------------

    def add_source(
        self,
        kind: str,
        url: str,
        *,
        every: str | None = None,
        cron: str | None = None,
        story_id: int | None = None,
        now: datetime | None = None,
    ) -> SourceRecord:
        return self._write(
            catalog.add_source, kind, url, every=every, cron=cron, story_id=story_id, now=utc(now)
        )

    def list_sources(self) -> list[SourceRecord]:
        return self._read(catalog.list_sources)

    def get_source(self, source_id: int) -> SourceRecord | None:
        return self._read(catalog.get_source, source_id)

    def merge_source_state(
        self,
        source_id: int,
        *,
        replace: Mapping[str, Any] | None = None,
        merge: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> bool:
        """Change part of a source's state atomically (see catalog.merge_source_state)."""
        return self._write(catalog.merge_source_state, source_id, replace or {}, merge or {})

    def remove_source(self, source_id: int) -> bool:
        return self._write(catalog.remove_source, source_id)

    def set_source_state(self, source_id: int, state: Mapping[str, Any]) -> SourceRecord:
        return self._write(catalog.set_source_state, source_id, state)

    def set_source_states(self, states: Mapping[int, Mapping[str, Any]]) -> None:
        """Replace the state of several sources in one transaction (a discovery run's end)."""
        if states:
            self._write(_set_source_states, states)

    # Review desk (storage.desk) ------------------------------------------------------

    def story_summaries(self, search: str | None = None) -> list[StorySummary]:
        return self._read(desk.story_summaries, search)

    def query_copies(self, story_id: int, query: CopyQuery) -> CopyPage:
        return self._read(desk.query_copies, story_id, query)

    def story_codes(self, story_id: int) -> list[str]:
        return self._read(desk.story_codes, story_id)

    def get_copy(self, copy_id: int) -> CopyRecord | None:
        return self._read(desk.get_copy, copy_id)

    def set_copy_review(
        self, copy_id: int, state: str, *, note: str | None, by: str | None, now: datetime
    ) -> CopyRecord:
        return self._write(desk.set_copy_review, copy_id, state, note=note, by=by, now=utc(now))

    def review_finding(
        self, finding_id: int, state: str, *, note: str | None, by: str | None, now: datetime
    ) -> FindingRecord:
        """Like set_review, and the decision is also kept in the copy's review history."""
        return self._write(desk.review_finding, finding_id, state, note=note, by=by, now=utc(now))

    def finding_copy_id(self, finding_id: int) -> int | None:
        return self._read(desk.finding_copy_id, finding_id)

    def review_history(self, copy_id: int) -> list[ReviewEventRecord]:
        return self._read(desk.review_history, copy_id)

    def page_history(self, url: str, limit: int = 20) -> list[SnapshotRecord]:
        return self._read(desk.page_history, url, limit)

    def inactive_findings(self, copy_id: int) -> list[FindingRecord]:
        return self._read(desk.inactive_findings, copy_id)

    def secret_key(self, name: str, *, now: datetime | None = None) -> str:
        """The random key called `name` (storage.keys), made and stored on first use."""
        return self._write(keys.secret_key, name, utc(now))

    def data_version(self) -> str | None:
        """A token that changes whenever anything is committed (None: cannot tell)."""
        return self._probe.version()

    # Discovery traces (storage.traces) ----------------------------------------------

    def get_traces(self, urls: Sequence[str]) -> dict[str, TraceRecord]:
        """The page traces of those canonical `urls` that have one."""
        return self._read(traces.get_traces, urls)

    def traces_under(self, prefix: str) -> dict[str, TraceRecord]:
        """The page traces of every URL that starts with `prefix` (a site's root)."""
        return self._read(traces.traces_under, prefix)

    def record_traces(self, batch: Sequence[TraceRecord]) -> int:
        """Upsert a batch of page traces in one transaction."""
        if not batch:
            return 0
        return self._write(traces.record_traces, batch)
