"""The review desk's Starlette application: routes, middleware and templates.

`create_app(store, token=...)` wires the HTML pages (syndiwatch.web.pages),
the JSON API (syndiwatch.web.api) and the static stylesheet behind the
security middleware. It never starts a scheduler: the desk only reads and
records review decisions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from storage import Store
from syndiwatch.report import iso
from syndiwatch.web import api, pages
from syndiwatch.web.alignview import mark_kind
from syndiwatch.web.cache import PageCache
from syndiwatch.web.ratelimit import SignInLimiter
from syndiwatch.web.safety import safe_href, show_text
from syndiwatch.web.security import (
    SESSION_KEY_NAME,
    SecurityHeadersMiddleware,
    session_middleware,
)
from syndiwatch.web.views import code_badges

HERE = Path(__file__).parent


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_environment() -> Environment:
    """The Jinja2 environment: autoescape on for every template, scraped-text filters."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["scraped"] = show_text
    env.filters["href"] = safe_href
    env.filters["iso"] = iso
    env.filters["when"] = _when
    env.filters["pct"] = lambda v: f"{float(v or 0):.0%}"
    env.globals["mark_kind"] = mark_kind
    env.globals["code_badges"] = code_badges
    return env


def _when(ts: datetime | None) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if ts else "—"


def create_app(
    store: Store,
    *,
    token: str | None = None,
    now: Callable[[], datetime] = utcnow,
    secure_cookies: bool | None = None,
    cache_pages: bool = True,
    allowed_hosts: Sequence[str] | None = None,
    session_key: str | None = None,
    sign_in_limiter: SignInLimiter | None = None,
) -> Starlette:
    """Build the review desk over `store`. Without `token` the desk is read-only.

    `cache_pages` keeps rendered pages for readers who are not signed in until
    the database changes (syndiwatch.web.cache). `allowed_hosts` refuses other
    Host headers (DNS rebinding). `secure_cookies` None marks the session cookie
    `Secure` on https requests only. Sessions are signed with `session_key`, by
    default the database's random key (made on first use); a read-only desk,
    which signs nobody in, uses a key of its own.
    """
    if session_key is None:
        session_key = (
            store.secret_key(SESSION_KEY_NAME, now=now()) if token else secrets.token_urlsafe(32)
        )
    routes = [
        *pages.ROUTES,
        *api.ROUTES,
        Route("/api/openapi.json", api.openapi_document, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or ["*"])),
        session_middleware(session_key, secure_cookies),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=pages.EXCEPTION_HANDLERS,
    )
    app.state.store = store
    app.state.token = token or None
    app.state.session_key = session_key
    app.state.sign_in_limiter = sign_in_limiter or SignInLimiter()
    app.state.now = now
    app.state.templates = Jinja2Templates(env=make_environment())
    app.state.page_cache = PageCache() if cache_pages else None
    return app
