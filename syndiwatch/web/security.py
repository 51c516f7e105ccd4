"""Who may change what on the review desk, and the headers every response carries.

Reading is open; every state-changing request needs the configured token —
either as `Authorization: Bearer TOKEN` (API clients) or through a signed-in
session cookie plus a CSRF token that must match the session's, with the
Origin/Referer checked against the desk's own origin. Without a configured
token the desk is read-only. Sessions are signed with a random key kept in the
database (storage.keys), never one derived from the token, so a cookie is no
oracle for guessing the token; wrong tokens are rate-limited by
syndiwatch.web.ratelimit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from syndiwatch.web.ratelimit import SignInLimiter, client_key

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # no-referrer would make Chrome send `Origin: null`
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# A wrong token costs the guesser this long (the desk serves on regardless).
FAILED_TOKEN_DELAY_S = 0.5
# What `serve` accepts as a token: long enough that guessing at the rate-limited
# pace is hopeless, and none of the placeholders the README and config show.
MIN_TOKEN_LENGTH = 16
EXAMPLE_TOKENS = frozenset({"secret", "change-me", "PASTE-YOUR-TOKEN-HERE"})
_EXAMPLES_FOLDED = frozenset(t.casefold() for t in EXAMPLE_TOKENS)
MAKE_TOKEN = 'python -c "import secrets; print(secrets.token_urlsafe())"'
SESSION_KEY_NAME = "desk-session"  # the Store's secret_key that signs session cookies
SESSION_COOKIE = "syndiwatch_desk"
SESSION_MAX_AGE_S = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_NAME = 80
# C0 controls but tab and newline, DEL and C1: never typed into a note (NUL breaks PostgreSQL).
_NOTE_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class SecurityHeadersMiddleware:
    """Add SECURITY_HEADERS to every HTTP response (pure ASGI, so streaming is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def weak_token_reason(token: str) -> str | None:
    """Why `token` must not unlock the desk (too short, a documented example), or None."""
    if token.strip().casefold() in _EXAMPLES_FOLDED:
        return "the web token is the README's example"
    if len(token) < MIN_TOKEN_LENGTH:
        return f"the web token is shorter than {MIN_TOKEN_LENGTH} characters"
    return None


def token_fingerprint(key: str, token: str) -> str:
    """What a session keeps to prove it signed in with the current token.

    Keyed with the session key: the (readable, only signed) cookie must not
    hold a plain hash of the token that could be tested offline.
    """
    mac = hmac.new(key.encode(), b"syndiwatch-web-token\x00" + token.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


class SchemeSessionMiddleware:
    """Starlette's sessions, with `Secure` cookies for requests that came over https.

    The scheme is the connection's, or X-Forwarded-Proto's when uvicorn trusts
    the proxy that sent it (`[web] trust_proxy`).
    """

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self.plain = SessionMiddleware(app, https_only=False, **options)
        self.secure = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.secure if scope.get("scheme") in ("https", "wss") else self.plain
        await chosen(scope, receive, send)


def session_middleware(key: str, secure_cookies: bool | None) -> Middleware:
    """The session middleware; `secure_cookies` None: `Secure` when the request was https."""
    options: dict[str, Any] = {
        "secret_key": key,
        "session_cookie": SESSION_COOKIE,
        "same_site": "strict",
        "max_age": SESSION_MAX_AGE_S,
    }
    if secure_cookies is None:
        return Middleware(SchemeSessionMiddleware, **options)
    return Middleware(SessionMiddleware, https_only=secure_cookies, **options)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def signed_in_as(request: Request) -> str | None:
    """The reviewer name of a session signed in with the current token, else None."""
    token: str | None = request.app.state.token
    if not token:
        return None
    if request.session.get("auth") != token_fingerprint(request.app.state.session_key, token):
        return None
    user = request.session.get("user")
    return user if isinstance(user, str) else None


def sign_in(request: Request, name: str) -> None:
    """Start a signed-in session; a new CSRF token comes with it."""
    request.session.clear()
    request.session["auth"] = token_fingerprint(
        request.app.state.session_key, request.app.state.token
    )
    request.session["user"] = clean_name(name) or "reviewer"
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def token_wait(request: Request) -> float:
    """Seconds this client must wait before its next token is even compared (0.0: none)."""
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    return limiter.retry_after(_client(request))


def check_token(request: Request, given: str | None) -> bool:
    """Compare `given` with the token and count the result for the rate limits."""
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    if token_matches(request, given):
        limiter.succeeded(_client(request))
        return True
    limiter.failed(_client(request))
    return False


def _client(request: Request) -> str:
    return client_key(request.client.host if request.client else None)


def token_matches(request: Request, given: str | None) -> bool:
    token: str | None = request.app.state.token
    if not token or not given:
        return False
    # Digests of equal length, so the comparison does not tell the token's length either.
    return hmac.compare_digest(_digest(given), _digest(token))


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def bearer_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def same_origin(request: Request) -> bool:
    """Refuse cross-site requests: Sec-Fetch-Site, then Origin, then Referer (if sent)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.lower() == own
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() == own
    return True


def csrf_ok(request: Request, given: str | None) -> bool:
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode()) and same_origin(request)


def clean_note(note: str | None, limit: int) -> str | None:
    """A review note as stored: line breaks kept as \\n, tabs kept, other controls dropped."""
    if not note:
        return None
    text = _NOTE_CONTROLS.sub("", note.replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()[:limit].strip() or None


def clean_name(name: str | None) -> str | None:
    """A reviewer name as stored: printable, one line, at most MAX_NAME characters."""
    if not name:
        return None
    text = "".join(ch for ch in name if ch.isprintable()).strip()
    return text[:MAX_NAME] or None
