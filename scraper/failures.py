"""Turn what went wrong with one request into a one-line error and a short kind.

Used by the spiders' errbacks; the kinds are those documented on
scraper.items.FetchedPage (http, timeout, dns, refused, too_large, robots,
private_address, redirect, connection, other).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet import error as tx_error

from scraper.middlewares import RESOLVER_REFUSALS, PrivateAddressRefused, SchemeRefused

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings


@dataclass(frozen=True, slots=True)
class FetchError:
    """Why a fetch failed: one line for people, one word for code."""

    message: str
    kind: str


def describe_status(status: int) -> FetchError | None:
    """Describe an HTTP error status ("HTTP 404 Not Found"), or None for a success."""
    if status < 400:
        return None
    return FetchError(f"HTTP {response_status_message(status)}", "http")


def describe_exception(exc: BaseException, request: Request, settings: BaseSettings) -> FetchError:
    """Describe the exception that ended `request` (from an errback's Failure.value)."""
    host = urlparse_cached(request).hostname or request.url
    if isinstance(exc, PrivateAddressRefused):
        return FetchError(str(exc), "private_address")
    if isinstance(exc, SchemeRefused):
        return FetchError(str(exc), "other")
    if isinstance(exc, IgnoreRequest):
        return _describe_ignored(exc, request, settings)
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError | tx_error.TCPTimedOutError):
        timeout = request.meta.get("download_timeout") or settings.getfloat("DOWNLOAD_TIMEOUT")
        return FetchError(f"timed out after {float(timeout):g} s", "timeout")
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        if host in RESOLVER_REFUSALS:
            return FetchError(RESOLVER_REFUSALS[host], "private_address")
        return FetchError(f"DNS lookup failed for {host}", "dns")
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
        return FetchError(f"connection refused by {_host_port(request)}", "refused")
    if isinstance(exc, DownloadCancelledError):
        maxsize = request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")
        return FetchError(f"page larger than max_page_bytes ({maxsize} bytes)", "too_large")
    if isinstance(exc, UnsupportedURLSchemeError):
        return FetchError(f"unsupported URL scheme: {request.url}", "other")
    if isinstance(exc, DownloadFailedError | ResponseDataLossError | tx_error.ConnectError):
        return FetchError(
            f"connection to {_host_port(request)} failed: {_one_line(exc)}", "connection"
        )
    return FetchError(f"{type(exc).__name__}: {_one_line(exc)}", "other")


def _describe_ignored(exc: IgnoreRequest, request: Request, settings: BaseSettings) -> FetchError:
    text = str(exc)
    if "robots.txt" in text:
        return FetchError(f"robots.txt forbids fetching {request.url}", "robots")
    if "redirections" in text:
        limit = settings.getint("REDIRECT_MAX_TIMES")
        return FetchError(f"redirect loop or more than {limit} redirects", "redirect")
    return FetchError(f"request ignored: {_one_line(exc) or type(exc).__name__}", "other")


def _host_port(request: Request) -> str:
    parsed = urlparse_cached(request)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    host = parsed.hostname or ""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
