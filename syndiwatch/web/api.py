"""The review desk's JSON API: the same data and review actions as the pages.

Reads are open. Review actions need `Authorization: Bearer TOKEN`, or a
signed-in session cookie plus its CSRF token in `X-CSRF-Token`. Described by
the OpenAPI document of syndiwatch.web.openapi, served at /api/openapi.json.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage.errors import UnknownRecord
from storage.records import FindingRecord, StorySummary, story_public_id
from syndiwatch.report import iso
from syndiwatch.web import views
from syndiwatch.web.openapi import OPENAPI
from syndiwatch.web.pages import MAX_NOTE, path_id
from syndiwatch.web.ratelimit import retry_after_header
from syndiwatch.web.security import (
    CSRF_HEADER,
    FAILED_TOKEN_DELAY_S,
    bearer_token,
    check_token,
    clean_name,
    clean_note,
    csrf_ok,
    signed_in_as,
    token_wait,
)

MAX_BODY = 16_384


async def openapi_document(request: Request) -> Response:
    return JSONResponse(OPENAPI)


async def list_stories(request: Request) -> Response:
    search = "".join(ch for ch in request.query_params.get("q") or "" if ch.isprintable())
    search = search.strip()[:200]
    summaries = await run_in_threadpool(request.app.state.store.story_summaries, search or None)
    return JSONResponse({"stories": [summary_json(s) for s in summaries]})


def summary_json(s: StorySummary) -> dict[str, Any]:
    art = s.story.article
    return {
        "id": s.story.public_id,
        "url": s.story.url,
        "name": s.story.name,
        "title": art.title if art else (s.story.name or ""),
        "last_checked": iso(s.story.last_checked),
        "copies": s.copies,
        "by_severity": {sev: s.by_severity.get(sev, 0) for sev in views.SEVERITIES},
        "removed": s.removed,
        "open_findings": s.open_findings,
        "newest_findings": [
            {"copy_id": n.copy_id, "domain": n.domain, **finding_json(n.record)} for n in s.newest
        ],
    }


def finding_json(fr: FindingRecord) -> dict[str, Any]:
    out = fr.finding.to_json()
    out.update(
        id=fr.id,
        review=fr.review,
        review_note=fr.review_note,
        reviewed_by=fr.reviewed_by,
        reviewed_at=iso(fr.reviewed_at),
        first_seen=iso(fr.first_seen),
        last_seen=iso(fr.last_seen),
    )
    return out


async def _story(request: Request) -> Any:
    story = await run_in_threadpool(
        views.find_story, request.app.state.store, request.path_params["ref"]
    )
    if story is None:
        raise HTTPException(404, "no such story")
    return story


async def get_story(request: Request) -> Response:
    story = await _story(request)
    data = views.report_json(story, [], request.app.state.now())["stories"][0]
    data.pop("copies")
    return JSONResponse(data)


async def story_copies(request: Request) -> Response:
    story = await _story(request)
    try:
        query = views.parse_copy_query(request.query_params)
    except views.BadQuery as exc:
        raise HTTPException(400, str(exc)) from None
    page = await run_in_threadpool(request.app.state.store.query_copies, story.id, query)
    data = views.report_json(story, page.copies, request.app.state.now())
    return JSONResponse(
        {
            "story": story.public_id,
            "total": page.total,
            "page": query.offset // query.limit + 1,
            "per_page": query.limit,
            "copies": data["stories"][0]["copies"],
        }
    )


async def get_copy(request: Request) -> Response:
    detail = await run_in_threadpool(
        views.copy_detail, request.app.state.store, path_id(request, "copy_id")
    )
    if detail is None:
        raise HTTPException(404, "no such copy")
    copy = views.report_json(detail.story, [detail.copy], request.app.state.now())
    return JSONResponse(
        {
            "story": detail.story.public_id,
            "copy": copy["stories"][0]["copies"][0],
            "alignment": [_row_json(r) for r in detail.rows],
            "attribution": [
                {"label": a.label, "original": list(a.original), "copy": list(a.copy)}
                for a in detail.attribution
            ],
            "history": {
                "original": [_snapshot_json(s) for s in detail.original_history],
                "copy": [_snapshot_json(s) for s in detail.copy_history],
            },
            "earlier_findings": [finding_json(f) for f in detail.earlier_findings],
            "reviews": [
                {
                    "finding_id": r.finding_id,
                    "state": r.state,
                    "note": r.note,
                    "by": r.by,
                    "at": iso(r.at),
                }
                for r in detail.reviews
            ],
        }
    )


def _row_json(row: Any) -> dict[str, Any]:
    def side(segments: Any) -> Any:
        if segments is None:
            return None
        return [
            {"text": s.text, "marks": list(s.classes), "codes": list(s.codes)} for s in segments
        ]

    return {
        "op": row.op,
        "similarity": round(row.similarity, 3),
        "original": side(row.original),
        "copy": side(row.copy),
        "findings": [f.id for f in row.findings if f.id is not None],
    }


def _snapshot_json(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "status": s.status,
        "content_hash": s.content_hash,
        "first_fetched_at": iso(s.first_fetched_at),
        "last_fetched_at": iso(s.fetched_at),
    }


async def _review_body(request: Request) -> tuple[str, str | None, str]:
    """Authorise the caller and read {state, note, by} from the JSON body."""
    if not request.app.state.token:
        raise HTTPException(403, "the desk is read-only: no web token is configured")
    bearer = bearer_token(request)
    user = signed_in_as(request)
    if bearer is not None:
        if (wait := token_wait(request)) > 0:
            retry = retry_after_header(wait)
            raise HTTPException(
                429, f"too many wrong tokens: retry in {retry} s", {"Retry-After": retry}
            )
        if not check_token(request, bearer):
            await asyncio.sleep(FAILED_TOKEN_DELAY_S)
            raise HTTPException(401, "wrong bearer token")
    elif user is None or not csrf_ok(request, request.headers.get(CSRF_HEADER)):
        raise HTTPException(401, "send Authorization: Bearer TOKEN (or a session and X-CSRF-Token)")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, "request body too large")
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    state, note, by = data.get("state"), data.get("note"), data.get("by")
    if state not in views.REVIEW_STATES:
        raise HTTPException(400, f"state must be one of {', '.join(views.REVIEW_STATES)}")
    if note is not None and not isinstance(note, str):
        raise HTTPException(400, "note must be a string")
    if by is not None and not isinstance(by, str):
        raise HTTPException(400, "by must be a string")
    reviewer = user or clean_name(by) or "api"
    return state, clean_note(note, MAX_NOTE), reviewer


async def review_finding(request: Request) -> Response:
    finding_id = path_id(request, "finding_id")
    state, note, by = await _review_body(request)
    store = request.app.state.store
    try:
        record = await run_in_threadpool(
            store.review_finding, finding_id, state, note=note, by=by, now=request.app.state.now()
        )
    except UnknownRecord:
        raise HTTPException(404, "no such finding") from None
    return JSONResponse(finding_json(record))


async def review_copy(request: Request) -> Response:
    copy_id = path_id(request, "copy_id")
    state, note, by = await _review_body(request)
    store = request.app.state.store
    try:
        record = await run_in_threadpool(
            store.set_copy_review, copy_id, state, note=note, by=by, now=request.app.state.now()
        )
    except UnknownRecord:
        raise HTTPException(404, "no such copy") from None
    return JSONResponse({"id": record.id, "url": record.url, **views.copy_extra(record)})


async def runs(request: Request) -> Response:
    store = request.app.state.store
    run_list = await run_in_threadpool(store.list_runs, 50)
    sources = await run_in_threadpool(store.list_sources)
    return JSONResponse(
        {
            "runs": [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "started_at": iso(r.started_at),
                    "finished_at": iso(r.finished_at),
                    "stats": dict(r.stats),
                    "error": r.error,
                }
                for r in run_list
            ],
            "sources": [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "url": s.url,
                    "every": s.every,
                    "cron": s.cron,
                    "story": story_public_id(s.story_id) if s.story_id else None,
                    "enabled": s.enabled,
                }
                for s in sources
            ],
        }
    )


async def report(request: Request) -> Response:
    """The stored drift report of CONTRACT.md §3 (all stories, or ?story=s_01)."""
    from syndiwatch.report import build_report

    store = request.app.state.store
    ref = (request.query_params.get("story") or "").strip()
    story_id = None
    if ref:
        story = await run_in_threadpool(views.find_story, store, ref)
        if story is None:
            raise HTTPException(404, "no such story")
        story_id = story.id
    stories = await run_in_threadpool(store.report, story_id)
    return JSONResponse(build_report(stories, generated_at=request.app.state.now()))


ROUTES = [
    Route("/api/stories", list_stories, methods=["GET"]),
    Route("/api/stories/{ref}", get_story, methods=["GET"]),
    Route("/api/stories/{ref}/copies", story_copies, methods=["GET"]),
    Route("/api/copies/{copy_id}", get_copy, methods=["GET"]),
    Route("/api/copies/{copy_id}/review", review_copy, methods=["POST"]),
    Route("/api/findings/{finding_id}/review", review_finding, methods=["POST"]),
    Route("/api/runs", runs, methods=["GET"]),
    Route("/api/report", report, methods=["GET"]),
]
