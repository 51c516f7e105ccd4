"""syndiwatch.report: the §3 JSON model and its text/CSV renderings."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from rich.console import Console

from drift.codes import make_finding
from drift.model import Article, Credit, Match
from storage.records import CopyRecord, FindingRecord, StoryRecord, StoryReport
from syndiwatch.report import build_report, render_csv, render_json, render_text

T0 = datetime(2026, 11, 24, 11, 58, tzinfo=UTC)
STORY_KEYS = {"id", "url", "title", "publisher", "authors", "credits", "published", "copies"}
COPY_KEYS = {
    "url", "domain", "title", "discovered_via", "first_seen", "last_checked", "status", "match",
    "drift_score", "severity", "findings",
}  # fmt: skip
FINDING_KEYS = {"code", "category", "severity", "message", "evidence", "review"}


def _sample() -> list[StoryReport]:
    original = Article(
        url="https://news.example/leak",
        title="Leaked files: ministry responds",
        paragraphs=("One.",),
        authors=("Jane Doe",),
        publisher="The Example Times",
        credits=(Credit("Source", "AFP"),),
        wire_services=("AFP",),
        published="2022-05-24T10:00:00Z",
    )
    story = StoryRecord(id=1, url=original.url, name=None, created_at=T0, article=original)
    hostile = make_finding(
        "attribution.credit_placeholder", original="Source: AFP", copy="=HYPERLINK('x') [red]x"
    )
    copy = CopyRecord(
        id=7, story_id=1, url="https://republisher.example/a/123", domain="republisher.example",
        title="Leak of files", discovered_via="check", first_seen=T0, last_checked=T0,
        status="live", match=Match("full", 0.934, 0.71, 0.12), drift_score=78, severity="high",
        findings=(FindingRecord(id=3, finding=hostile, review="dismissed", review_note="ok",
                                reviewed_by="ana", reviewed_at=T0),),
    )  # fmt: skip
    return [StoryReport(story=story, copies=(copy,))]


def test_json_has_the_contract_keys() -> None:
    report = build_report(_sample(), generated_at=T0)
    assert report["schema"] == "syndiwatch.report/1"
    assert report["generated_at"] == "2026-11-24T11:58:00Z"
    story = report["stories"][0]
    assert story.keys() >= STORY_KEYS
    assert story["id"] == "s_01"
    assert story["credits"] == ["AFP"]
    copy = story["copies"][0]
    assert copy.keys() >= COPY_KEYS
    assert copy["match"] == {"kind": "full", "containment": 0.934, "verbatim": 0.71, "added": 0.12}
    finding = copy["findings"][0]
    assert finding.keys() >= FINDING_KEYS
    assert finding["review"] == "dismissed"
    assert finding["reviewed_by"] == "ana"
    assert finding["reviewed_at"] == "2026-11-24T11:58:00Z"
    assert copy["review"] == "open"
    assert "reviewed_by" not in copy
    assert finding["evidence"] == {"original": "Source: AFP", "copy": "=HYPERLINK('x') [red]x"}
    assert json.loads(render_json(report)) == report


def test_only_urls_limits_the_copies() -> None:
    report = build_report(_sample(), generated_at=T0, only_urls={1: ["https://elsewhere/"]})
    assert report["stories"][0]["copies"] == []


def test_csv_neutralises_formulas() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(build_report(_sample(), generated_at=T0)))))
    header, row = rows[0], rows[1]
    assert row[header.index("code")] == "attribution.credit_placeholder"
    assert row[header.index("evidence_copy")].startswith("'=HYPERLINK")


def test_text_escapes_markup_from_pages() -> None:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    render_text(build_report(_sample(), generated_at=T0), console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[red]x" in out  # printed literally, not interpreted as rich markup
    assert "attribution.credit_placeholder" in out
    assert "[dismissed]" in out
