"""The HTML pages of the review desk: stories, one story's copies, one copy, runs, sign-in.

Handlers are thin: they parse the request, call Store verbs in the thread pool
(syndiwatch.web.views builds the view models) and render a Jinja2 template.
Review forms post here; only a signed-in session with a valid CSRF token may.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from storage.errors import StorageError, UnknownRecord
from storage.records import CopyPage, CopyQuery, StoryRecord
from syndiwatch.report import render_csv, render_json
from syndiwatch.web import views
from syndiwatch.web.cache import cached_fragment, cached_page
from syndiwatch.web.ratelimit import retry_after_header
from syndiwatch.web.security import (
    CSRF_FIELD,
    FAILED_TOKEN_DELAY_S,
    SECURITY_HEADERS,
    check_token,
    clean_name,
    clean_note,
    csrf_ok,
    csrf_token,
    sign_in,
    sign_out,
    signed_in_as,
    token_wait,
)

log = logging.getLogger(__name__)
MAX_NOTE = 2000
MAX_ID = views.MAX_ID


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render a template with what every page shows: who is signed in, read-only, CSRF."""
    user = signed_in_as(request)
    # Only pages with forms carry (and create) the session's CSRF token, so the
    # pages a reader who is not signed in sees are the same for everyone.
    forms = user is not None or name == "login.html"
    base = {
        "user": user,
        "read_only": not request.app.state.token,
        "csrf": csrf_token(request) if forms else "",
        "csrf_field": CSRF_FIELD,
        "path": request.url.path,
    }
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)  # type: ignore[no-any-return]


def path_id(request: Request, name: str) -> int:
    """A numeric path parameter, 404 when it cannot name a row."""
    raw = str(request.path_params.get(name, ""))
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
        raise HTTPException(404, f"no such {name.removesuffix('_id')}")
    return int(raw)


async def stories_page(request: Request) -> Response:
    search = "".join(ch for ch in request.query_params.get("q") or "" if ch.isprintable())
    search = search.strip()[:200]
    store = request.app.state.store
    summaries = await run_in_threadpool(store.story_summaries, search or None)
    return render(request, "stories.html", {"summaries": summaries, "search": search})


async def story_page(request: Request) -> Response:
    store = request.app.state.store
    story = await run_in_threadpool(views.find_story, store, request.path_params["ref"])
    if story is None:
        raise HTTPException(404, "no such story")
    try:
        query = views.parse_copy_query(request.query_params)
    except views.BadQuery as exc:
        raise HTTPException(400, str(exc)) from None

    async def table() -> str:
        page = await run_in_threadpool(store.query_copies, story.id, replace(query, brief=True))
        template = request.app.state.templates.get_template("_story_table.html")
        return str(template.render(story_table_context(story, query, page)))

    table_html = Markup(await cached_fragment(request, table, views.COPY_QUERY_PARAMS))
    return render(request, "story.html", {"story": story, "table_html": table_html})


def story_table_context(story: StoryRecord, query: CopyQuery, page: CopyPage) -> dict[str, Any]:
    """What the copies table of a story page shows (filters, rows, pager)."""
    number = query.offset // query.limit + 1
    return {
        "story": story,
        "page": page,
        "query": query,
        "codes": views.CODE_GROUPS,
        "number": number,
        "pages": max(1, -(-page.total // query.limit)),
        "qs": lambda **kw: urlencode(views.query_params(query, **kw)),
        "filters": urlencode(views.query_params(query, page=1)),
        "severities": views.SEVERITIES,
        "statuses": views.STATUSES,
        "review_states": views.REVIEW_STATES,
    }


async def story_export(request: Request) -> Response:
    store = request.app.state.store
    story = await run_in_threadpool(views.find_story, store, request.path_params["ref"])
    if story is None:
        raise HTTPException(404, "no such story")
    try:
        query = views.parse_copy_query(request.query_params)
    except views.BadQuery as exc:
        raise HTTPException(400, str(exc)) from None
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "json"):
        raise HTTPException(404, "exports are export.csv and export.json")
    copies = await run_in_threadpool(views.all_matching, store, story.id, query)
    data = views.report_json(story, copies, request.app.state.now())
    filename = f"{story.public_id}-copies.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(render_csv(data), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(render_json(data), media_type="application/json", headers=headers)


async def copy_page(request: Request) -> Response:
    store = request.app.state.store
    detail = await run_in_threadpool(views.copy_detail, store, path_id(request, "copy_id"))
    if detail is None:
        raise HTTPException(404, "no such copy")
    return render(request, "copy.html", {"d": detail, "review_states": views.REVIEW_STATES})


async def runs_page(request: Request) -> Response:
    store = request.app.state.store
    runs = await run_in_threadpool(store.list_runs, 50)
    sources = await run_in_threadpool(store.list_sources)
    stories = {s.id: s for s in await run_in_threadpool(store.list_stories)}
    return render(request, "runs.html", {"runs": runs, "sources": sources, "stories": stories})


async def _review_form(request: Request) -> tuple[str, str | None, str]:
    """Check who may post, then read (state, note, reviewer) from the form."""
    if not request.app.state.token:
        raise HTTPException(403, "The desk is read-only: no web token is configured.")
    form = await request.form(max_files=0, max_fields=10)
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        raise HTTPException(403, "The form expired or came from another site; reload the page.")
    user = signed_in_as(request)
    if user is None:
        raise HTTPException(403, "Sign in with the desk token to review.")
    state = str(form.get("state") or "")
    if state not in views.REVIEW_STATES:
        raise HTTPException(400, f"state must be one of {', '.join(views.REVIEW_STATES)}")
    return state, clean_note(str(form.get("note") or ""), MAX_NOTE), user


async def review_finding(request: Request) -> Response:
    finding_id = path_id(request, "finding_id")
    state, note, user = await _review_form(request)
    store = request.app.state.store
    try:
        await run_in_threadpool(
            store.review_finding, finding_id, state, note=note, by=user, now=request.app.state.now()
        )
    except UnknownRecord:
        raise HTTPException(404, "no such finding") from None
    copy_id = await run_in_threadpool(store.finding_copy_id, finding_id)
    return RedirectResponse(f"/copies/{copy_id}#finding-{finding_id}", status_code=303)


async def review_copy(request: Request) -> Response:
    copy_id = path_id(request, "copy_id")
    state, note, user = await _review_form(request)
    store = request.app.state.store
    try:
        await run_in_threadpool(
            store.set_copy_review, copy_id, state, note=note, by=user, now=request.app.state.now()
        )
    except UnknownRecord:
        raise HTTPException(404, "no such copy") from None
    return RedirectResponse(f"/copies/{copy_id}#review", status_code=303)


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "login.html", {"error": None})
    if not request.app.state.token:
        raise HTTPException(403, "The desk is read-only: no web token is configured.")
    if (wait := token_wait(request)) > 0:
        retry = retry_after_header(wait)
        error = f"Too many wrong tokens: try again in {retry} seconds."
        response = render(request, "login.html", {"error": error}, status=429)
        response.headers["Retry-After"] = retry
        return response
    form = await request.form(max_files=0, max_fields=10)
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        raise HTTPException(403, "The form expired or came from another site; reload the page.")
    if not check_token(request, str(form.get("token") or "")):
        await asyncio.sleep(FAILED_TOKEN_DELAY_S)
        return render(request, "login.html", {"error": "That token is not right."}, status=403)
    sign_in(request, clean_name(str(form.get("name") or "")) or "reviewer")
    return RedirectResponse("/", status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        raise HTTPException(403, "The form expired or came from another site; reload the page.")
    sign_out(request)
    return RedirectResponse("/", status_code=303)


async def http_error(request: Request, exc: Exception) -> Response:
    """Errors as a page (or JSON under /api/): status and one line.

    An HTTPException's line is ours; any other error (a database that failed,
    a bug) is logged with a reference and shown only as that reference, never
    with its text, which can name the database, its host or the query.
    """
    headers: dict[str, str] = {}
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, str(exc.detail)
        headers.update(exc.headers or {})
    else:
        ref = secrets.token_hex(6)
        status = 503 if isinstance(exc, StorageError) else 500
        what = "cannot use its database" if status == 503 else "failed on this request"
        detail = f"The desk {what} (error {ref}; the desk's log has the details)."
        log.error(
            "error %s: %s %s: %s", ref, request.method, request.url.path, exc,
            exc_info=(type(exc), exc, exc.__traceback__) if status == 500 else None,
        )  # fmt: skip
        headers["X-Request-Id"] = ref
    if status == 500:  # outside the middleware: no session, no security headers yet
        headers.update(SECURITY_HEADERS)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": detail}, status_code=status, headers=headers)
        return PlainTextResponse(detail, status_code=status, headers=headers)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=status, headers=headers)
    response = render(request, "error.html", {"status": status, "message": detail}, status=status)
    response.headers.update(headers)
    return response


async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


ROUTES = [
    Route("/", cached_page("q")(stories_page), methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/stories/{ref}", cached_page(*views.COPY_QUERY_PARAMS)(story_page), methods=["GET"]),
    Route("/stories/{ref}/export.{fmt:str}", story_export, methods=["GET"]),
    Route("/copies/{copy_id}", cached_page()(copy_page), methods=["GET"]),
    Route("/copies/{copy_id}/review", review_copy, methods=["POST"]),
    Route("/findings/{finding_id}/review", review_finding, methods=["POST"]),
    Route("/runs", runs_page, methods=["GET"]),
    Route("/login", login_page, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
EXCEPTION_HANDLERS: dict[Any, Any] = {
    HTTPException: http_error,
    StorageError: http_error,
    Exception: http_error,  # Starlette's server-error handler: the last resort
}
