"""The drift report: one model (CONTRACT.md §3 JSON) and its renderers.

`build_report` turns storage records into the contract's JSON object; the
text, CSV (and later HTML) renderers all read that one object, so every format
says the same thing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storage.records import CopyRecord, FindingRecord, StoryReport
from syndiwatch.terminal import escape_controls_json

REPORT_SCHEMA = "syndiwatch.report/1"
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "none": "green"}


def iso(ts: datetime | None) -> str | None:
    """Format a timestamp as the contract does: UTC, seconds, trailing Z."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_report(
    stories: Iterable[StoryReport],
    *,
    generated_at: datetime,
    only_urls: Mapping[int, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Build the §3 JSON object. `only_urls` limits a story's copies to those URLs."""
    out = []
    for sr in stories:
        copies = sr.copies
        if only_urls is not None and sr.story.id in only_urls:
            wanted = set(only_urls[sr.story.id])
            copies = tuple(c for c in copies if c.url in wanted)
        out.append(_story_json(sr, copies))
    return {"schema": REPORT_SCHEMA, "generated_at": iso(generated_at), "stories": out}


def _story_json(sr: StoryReport, copies: Sequence[CopyRecord]) -> dict[str, Any]:
    story, art = sr.story, sr.story.article
    return {
        "id": story.public_id,
        "url": story.url,
        "name": story.name,
        "title": art.title if art else (story.name or ""),
        "publisher": art.publisher if art else None,
        "authors": list(art.authors) if art else [],
        "credits": _credit_values(art.credits, art.wire_services) if art else [],
        "published": art.published if art else None,
        "last_checked": iso(story.last_checked),
        "copies": [_copy_json(c) for c in copies],
    }


def _credit_values(credits: Iterable[Any], wires: Iterable[str]) -> list[str]:
    values: list[str] = []
    for value in [c.value for c in credits] + list(wires):
        if value and value not in values:
            values.append(value)
    return values


def _copy_json(c: CopyRecord) -> dict[str, Any]:
    return {
        "url": c.url,
        "domain": c.domain or (urlsplit(c.url).hostname or ""),
        "title": c.title,
        "discovered_via": c.discovered_via,
        "first_seen": iso(c.first_seen),
        "last_checked": iso(c.last_checked),
        "status": c.status,
        "match": c.match.to_json() if c.match else None,
        "drift_score": c.drift_score,
        "severity": c.severity,
        "findings": [_finding_json(f) for f in c.findings],
        **_review_json(c.review, c.review_note, c.reviewed_by, c.reviewed_at),
    }


def _finding_json(fr: FindingRecord) -> dict[str, Any]:
    out = fr.finding.to_json()
    out["id"] = fr.id
    out.update(_review_json(fr.review, fr.review_note, fr.reviewed_by, fr.reviewed_at))
    return out


def _review_json(
    state: str, note: str | None, by: str | None, at: datetime | None
) -> dict[str, Any]:
    """`review` always; who, when and the note only once someone reviewed."""
    out: dict[str, Any] = {"review": state}
    if note:
        out["review_note"] = note
    if by:
        out["reviewed_by"] = by
    if at:
        out["reviewed_at"] = iso(at)
    return out


def render_json(report: Mapping[str, Any]) -> str:
    return escape_controls_json(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"


CSV_COLUMNS = (
    "story_id", "story_url", "copy_url", "domain", "status", "match_kind", "containment",
    "verbatim", "added", "drift_score", "severity", "code", "finding_severity", "message",
    "evidence_original", "evidence_copy", "review",
)  # fmt: skip


def render_csv(report: Mapping[str, Any]) -> str:
    """One row per finding (a copy without findings gets one row with an empty code)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for story in report["stories"]:
        for copy in story["copies"]:
            for finding in copy["findings"] or [{}]:
                writer.writerow([_csv_safe(v) for v in _csv_row(story, copy, finding)])
    return buf.getvalue()


def _csv_row(
    story: Mapping[str, Any], copy: Mapping[str, Any], finding: Mapping[str, Any]
) -> list[Any]:
    match = copy["match"] or {}
    ev = finding.get("evidence") or {}
    return [
        story["id"], story["url"], copy["url"], copy["domain"], copy["status"],
        match.get("kind"), match.get("containment"), match.get("verbatim"), match.get("added"),
        copy["drift_score"], copy["severity"], finding.get("code"), finding.get("severity"),
        finding.get("message"), ev.get("original"), ev.get("copy"), finding.get("review"),
    ]  # fmt: skip


def _csv_safe(value: Any) -> Any:
    # Scraped text starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def render_text(report: Mapping[str, Any], console: Console, notes: Sequence[str] = ()) -> None:
    """Print a readable terminal report: per story, per copy, its findings."""
    if not report["stories"]:
        console.print("No stories tracked yet. Add one with: syndiwatch story add URL")
    for story in report["stories"]:
        _render_story(story, console)
    for note in notes:
        console.print(escape(note))


def _render_story(story: Mapping[str, Any], console: Console) -> None:
    console.rule(f"[bold]{escape(story['title'] or story['url'])}[/] ({story['id']})")
    meta = [story["url"]]
    if story["publisher"]:
        meta.append(f"publisher: {story['publisher']}")
    if story["authors"]:
        meta.append("by " + ", ".join(story["authors"]))
    if story["credits"]:
        meta.append("credits: " + ", ".join(story["credits"]))
    console.print(escape(" · ".join(meta)), highlight=False)
    copies = story["copies"]
    if not copies:
        console.print("  No copies found yet.\n")
        return
    console.print(_summary_table(copies))
    for copy in copies:
        _render_copy(copy, console)


def _summary_table(copies: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False)
    for col in ("copy", "match", "score", "severity", "status", "findings"):
        table.add_column(col)
    for c in copies:
        m = c["match"] or {}
        sev = c["severity"]
        table.add_row(
            escape(urlsplit(c["url"]).netloc or c["domain"]),
            f"{m.get('kind', '?')} {m.get('containment', 0):.0%}",
            str(c["drift_score"]),
            f"[{SEVERITY_STYLE.get(sev, '')}]{sev}[/]",
            c["status"],
            str(len(c["findings"])),
        )
    return table


def _render_copy(copy: Mapping[str, Any], console: Console) -> None:
    sev = copy["severity"]
    console.print(
        f"\n[{SEVERITY_STYLE.get(sev, '')}]■[/] [bold]{escape(copy['url'])}[/]"
        f"  drift {copy['drift_score']} ({sev})",
        highlight=False,
    )
    if not copy["findings"]:
        console.print("    no drift found")
    for f in copy["findings"]:
        style = SEVERITY_STYLE.get(f["severity"], "")
        review = "" if f.get("review", "open") == "open" else escape(f"  [{f['review']}]")
        console.print(
            f"    [{style}]{f['severity']:>6}[/] {f['code']}: {escape(f['message'])}{review}",
            highlight=False,
        )
        ev = f.get("evidence") or {}
        for side in ("original", "copy"):
            if ev.get(side):
                console.print(f"           {side:>8}: {escape(_clip(ev[side]))}", highlight=False)
        if ev.get("detail"):
            detail = ", ".join(f"{k}={v}" for k, v in ev["detail"].items())
            console.print(f"           {'detail':>8}: {escape(_clip(detail))}", highlight=False)


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
