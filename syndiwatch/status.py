"""What `syndiwatch status` shows (and the web UI can reuse): schedule, last runs, sick sources.

Builds one StatusReport from the store — APScheduler's persistent job table,
the run history and source health — without starting a scheduler, plus the
cluster (syndiwatch.cluster) when `[queue] redis_url` is set. Renders it as text
or JSON; nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage import Store
from syndiwatch import health
from syndiwatch.cluster import ClusterStatus, build_cluster, render_cluster
from syndiwatch.config import Config
from syndiwatch.scheduling import source_interval
from syndiwatch.terminal import escape_controls_json, strip_controls

# A source whose last run is older than this many intervals (plus grace) is overdue.
OVERDUE_INTERVALS = 3


@dataclass(frozen=True, slots=True)
class JobLine:
    job_id: str
    what: str
    next_run: datetime | None
    last_run: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class SourceProblem:
    source_id: int
    url: str
    problems: tuple[str, ...]
    last_error: str | None = None
    last_success: datetime | None = None


@dataclass(frozen=True, slots=True)
class StatusReport:
    now: datetime
    jobs: tuple[JobLine, ...] = ()
    unhealthy: tuple[SourceProblem, ...] = ()
    recent_runs: tuple[dict[str, Any], ...] = ()
    notices: dict[str, int] = field(default_factory=dict)
    cluster: ClusterStatus | None = None  # only with [queue] redis_url


def build_status(store: Store, config: Config, *, now: datetime, runs: int = 10) -> StatusReport:
    """Collect the schedule, the latest runs and the unhealthy sources."""
    sources = {s.id: s for s in store.list_sources()}
    last = store.last_runs_by_kind()
    jobs = []
    for job_id, next_run in store.scheduled_jobs():
        run = last.get(job_id)
        what = _describe(job_id, sources)
        jobs.append(JobLine(job_id, what, next_run, run.started_at if run else None,
                            run.error if run else None))  # fmt: skip
    recent = tuple(
        {"id": r.id, "kind": r.kind, "started": r.started_at, "finished": r.finished_at,
         "error": r.error, "stats": dict(r.stats)}
        for r in store.list_runs(runs)
    )  # fmt: skip
    counts: dict[str, int] = {}
    for notice in store.list_notices(500):
        counts[notice.status] = counts.get(notice.status, 0) + 1
    return StatusReport(now, tuple(jobs), _unhealthy(store, config, sources, now), recent, counts,
                        build_cluster(store, config))  # fmt: skip


def _describe(job_id: str, sources: dict[int, Any]) -> str:
    if job_id.startswith("source:"):
        source = sources.get(int(job_id.split(":", 1)[1]))
        return f"{source.kind} {source.url}" if source else "(source removed)"
    return {"recheck": "re-check due originals and copies", "sync": "re-read config and sources",
            "maintenance": "retention and notice retries"}.get(job_id, job_id)  # fmt: skip


def _unhealthy(
    store: Store, config: Config, sources: dict[int, Any], now: datetime
) -> tuple[SourceProblem, ...]:
    all_health = store.all_source_health()
    out = []
    for source_id, source in sources.items():
        h = all_health.get(source_id)
        found = health.problems(h, config.schedule, now=now) if h else []
        if not source.enabled and not (h and h.disabled_at):
            continue  # switched off by an operator, not sick
        overdue = _overdue(source, h.last_run_at if h else source.created_at, config, now)
        found += [overdue] if overdue and source.enabled else []
        if found:
            out.append(SourceProblem(source_id, source.url, tuple(found),
                                     h.last_error if h else None,
                                     h.last_success_at if h else None))  # fmt: skip
    return tuple(out)


def _overdue(source: Any, last: datetime | None, config: Config, now: datetime) -> str | None:
    interval = source_interval(source, config.schedule)
    if interval is None or last is None:
        return None
    limit = timedelta(seconds=interval * OVERDUE_INTERVALS + config.schedule.misfire_grace)
    if now - last > limit:
        return f"no run since {_when(last)} (overdue)"
    return None


def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S UTC") if t else "—"


def render_text(report: StatusReport) -> str:
    """The status for a terminal: schedule, unhealthy sources, recent runs, notices."""
    lines = [f"syndiwatch status at {_when(report.now)}", "", "Schedule (next run):"]
    if not report.jobs:
        lines.append("  nothing scheduled — has `syndiwatch daemon` run on this database?")
    for job in report.jobs:
        error = f"  last run failed: {job.last_error}" if job.last_error else ""
        lines.append(f"  {_when(job.next_run):24} {job.job_id:12} {job.what}{error}")
    lines += ["", "Unhealthy sources:" if report.unhealthy else "Unhealthy sources: none"]
    for p in report.unhealthy:
        lines.append(f"  source {p.source_id} {p.url}: {'; '.join(p.problems)}")
        if p.last_error:
            lines.append(f"      last error: {p.last_error}")
    lines += ["", "Last runs:" if report.recent_runs else "Last runs: none"]
    for r in report.recent_runs:
        outcome = f"FAILED: {r['error']}" if r["error"] else "ok"
        lines.append(f"  #{r['id']:<6} {_when(r['started']):24} {r['kind']:12} {outcome}")
    if report.notices:
        shown = ", ".join(f"{k} {v}" for k, v in sorted(report.notices.items()))
        lines += ["", f"Notifications: {shown}"]
    if report.cluster is not None:
        lines += render_cluster(report.cluster, _when)
    return strip_controls("\n".join(lines))  # run errors quote servers and pages


def render_json(report: StatusReport) -> str:
    data = asdict(report)
    if data["cluster"] is None:  # without a queue the JSON is as it always was
        del data["cluster"]
    return escape_controls_json(
        json.dumps(data, default=_json_default, indent=2, ensure_ascii=False)
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
