"""storage.desk through the Store: summaries, SQL-filtered copy pages, reviews and history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drift.codes import make_finding
from drift.model import SEVERITY_RANK, Article, CopyAnalysis, Match
from storage import Store, UnknownRecord, open_store
from storage.records import CopyQuery

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ORIGINAL = "https://news.example/leak"


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def _copy(store: Store, story_id: int, url: str, score: int, *codes: str) -> int:
    snap = store.record_fetch(
        url, status=200, body=url.encode(), headers={}, article=Article(url=url), fetched_at=T0
    )
    findings = tuple(make_finding(c, original=f"o {c}", copy=f"c {c}") for c in codes)
    severity = max((f.severity for f in findings), key=SEVERITY_RANK.__getitem__, default="none")
    analysis = CopyAnalysis(Match("full", 0.9, 0.8, 0.1), findings, score, severity)
    rec = store.record_analysis(
        story_id, url, snapshot_id=snap.id, analysis=analysis, discovered_via="url",
        title=f"t {url}", now=T0,
    )  # fmt: skip
    assert rec is not None
    return rec.id


def _fill(store: Store) -> int:
    story = store.add_story(ORIGINAL, name="Leak", now=T0)
    _copy(store, story.id, "https://a.example/1", 80, "content.number_changed")
    _copy(store, story.id, "https://b.example/1", 40, "attribution.link_missing")
    _copy(store, story.id, "https://b.example/2", 10, "content.headline_changed")
    _copy(store, story.id, "https://c.example/1", 0)
    return story.id


def test_query_copies_filters_sorts_and_pages_in_sql(store: Store) -> None:
    sid = _fill(store)
    page = store.query_copies(sid, CopyQuery(limit=2))
    assert page.total == 4
    assert [c.drift_score for c in page.copies] == [80, 40]
    assert [
        c.drift_score for c in store.query_copies(sid, CopyQuery(limit=2, offset=2)).copies
    ] == [10, 0]
    by_code = store.query_copies(sid, CopyQuery(code="content.number_changed"))
    assert [c.url for c in by_code.copies] == ["https://a.example/1"]
    assert store.query_copies(sid, CopyQuery(domain="B.EXAMPLE")).total == 2
    assert store.query_copies(sid, CopyQuery(severity="medium")).total == 1
    asc = store.query_copies(sid, CopyQuery(sort="domain", descending=False))
    assert [c.domain for c in asc.copies] == ["a.example", "b.example", "b.example", "c.example"]
    with pytest.raises(ValueError, match="sort must be one of"):
        store.query_copies(sid, CopyQuery(sort="id; drop table copies"))


def test_domain_filter_treats_wildcards_literally(store: Store) -> None:
    sid = _fill(store)
    assert store.query_copies(sid, CopyQuery(domain="%")).total == 0
    assert store.query_copies(sid, CopyQuery(domain="_.example")).total == 0


def test_story_summaries_count_by_severity_and_search(store: Store) -> None:
    sid = _fill(store)
    [summary] = store.story_summaries()
    assert summary.story.id == sid
    assert summary.copies == 4
    assert dict(summary.by_severity) == {"high": 1, "medium": 1, "low": 1, "none": 1}
    assert summary.open_findings == 3
    assert len(summary.newest) == 3
    assert store.story_summaries("leak")[0].story.id == sid
    assert store.story_summaries("nothing like it") == []
    assert store.story_codes(sid) == [
        "attribution.link_missing", "content.headline_changed", "content.number_changed",
    ]  # fmt: skip


def test_copy_review_and_history(store: Store) -> None:
    sid = _fill(store)
    copy = store.query_copies(sid, CopyQuery(limit=1)).copies[0]
    finding = copy.findings[0]
    store.review_finding(finding.id, "dismissed", note="rounding", by="ana", now=T0)
    reviewed = store.set_copy_review(
        copy.id, "confirmed", note="real", by="ana", now=T0 + timedelta(1)
    )
    assert (reviewed.review, reviewed.reviewed_by) == ("confirmed", "ana")
    assert store.query_copies(sid, CopyQuery(review="confirmed")).total == 1
    history = store.review_history(copy.id)
    assert [(h.finding_id, h.state) for h in history] == [
        (None, "confirmed"),
        (finding.id, "dismissed"),
    ]
    assert store.finding_copy_id(finding.id) == copy.id
    assert store.get_copy(copy.id).findings[0].review == "dismissed"
    with pytest.raises(UnknownRecord):
        store.set_copy_review(999, "confirmed", note=None, by=None, now=T0)
    with pytest.raises(ValueError, match="review state"):
        store.set_copy_review(copy.id, "maybe", note=None, by=None, now=T0)


def test_page_history_and_inactive_findings(store: Store) -> None:
    sid = _fill(store)
    url = "https://a.example/1"
    store.record_fetch(
        url, status=200, body=b"v2", headers={}, article=None, fetched_at=T0 + timedelta(1)
    )
    assert len(store.page_history(url)) == 2
    assert store.page_history("https://nowhere.example/") == []
    copy_id = _copy(store, sid, url, 5)  # re-analysis finds nothing now
    assert [f.finding.code for f in store.inactive_findings(copy_id)] == ["content.number_changed"]


def test_data_version_moves_with_every_commit(store: Store) -> None:
    with open_store(store.url) as other:
        before = store.data_version()
        assert before is not None
        if store.url.startswith("sqlite"):
            # PostgreSQL's token is the server's WAL position, which writes to other
            # databases of the server move too (the desk's cache is then conservative).
            assert store.data_version() == before
        other.add_story("https://news.example/other", now=T0)
        after = store.data_version()
        assert after != before
        store.add_story("https://news.example/own", now=T0)  # its own commits count too
        assert store.data_version() != after
