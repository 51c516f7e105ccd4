"""Who may change what on the review desk, and the headers every response carries.

Reading is open; every state-changing request needs the configured token —
either as `Authorization: Bearer TOKEN` (API clients) or through a signed-in
session cookie plus a CSRF token that must match the session's, with the
Origin/Referer checked against the desk's own origin. Without a configured
token the desk is read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_NAME = 80


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


def token_fingerprint(token: str) -> str:
    """What a session keeps to prove it signed in with the current token."""
    return hashlib.sha256(b"syndiwatch-web\x00" + token.encode()).hexdigest()[:32]


def session_secret(token: str | None) -> str:
    """The session signing key: derived from the token (sessions survive restarts)."""
    if not token:
        return secrets.token_hex(32)
    return hashlib.sha256(b"syndiwatch-session\x00" + token.encode()).hexdigest()


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
    if request.session.get("auth") != token_fingerprint(token):
        return None
    user = request.session.get("user")
    return user if isinstance(user, str) else None


def sign_in(request: Request, name: str) -> None:
    """Start a signed-in session; a new CSRF token comes with it."""
    request.session.clear()
    request.session["auth"] = token_fingerprint(request.app.state.token)
    request.session["user"] = clean_name(name) or "reviewer"
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def token_matches(request: Request, given: str | None) -> bool:
    token: str | None = request.app.state.token
    if not token or not given:
        return False
    return hmac.compare_digest(given.encode(), token.encode())


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


def clean_name(name: str | None) -> str | None:
    """A reviewer name as stored: printable, one line, at most MAX_NAME characters."""
    if not name:
        return None
    text = "".join(ch for ch in name if ch.isprintable()).strip()
    return text[:MAX_NAME] or None
