"""What the discovery spiders (feed, sitemap, site) share: source bookkeeping and items.

Every item they emit is a FetchedPage whose meta says which source found it and
in which role: "feed" or "sitemap" (the source document itself, body dropped),
"page" (a candidate page) or "entry" (a feed entry that holds the full text).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from scraper.failures import FetchError, describe_exception, describe_status
from scraper.items import FetchedPage
from scraper.spiders.common import REQUEST_URL_KEY, decode_headers, parse_url_list, utc_now

log = logging.getLogger(__name__)

SOURCE_KEY = "syndiwatch_source"
ROLE_KEY = "syndiwatch_role"
EXTRA_KEY = "syndiwatch_extra"


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source of a discovery job: its id, start URL and remembered state."""

    id: int
    url: str
    state: Mapping[str, Any] = field(default_factory=dict)
    known: Mapping[str, str] = field(default_factory=dict)  # canonical URL -> last fetched


def read_sources(options: Mapping[str, Any], urls: tuple[str, ...]) -> list[SourceSpec]:
    """The job's sources: options["sources"] when given, else one anonymous source per URL."""
    given = options.get("sources")
    if not given:
        return [SourceSpec(id=0, url=url) for url in urls]
    return [
        SourceSpec(
            id=int(item.get("id", 0)),
            url=str(item["url"]),
            state=dict(item.get("state") or {}),
            known=dict(item.get("known") or {}),
        )
        for item in given
    ]


class SourceJobMixin:
    """What every source spider keeps from its job: meta, options, sources and a page cap."""

    job_meta: dict[str, Any]
    options: dict[str, Any]
    sources: dict[int, SourceSpec]
    max_pages: int

    def setup_sources(
        self,
        urls: Any,
        meta: Mapping[str, Any] | None,
        options: Mapping[str, Any] | None,
        *,
        default_max_pages: int,
    ) -> None:
        self.job_meta = dict(meta or {})
        self.options = dict(options or {})
        self.sources = {s.id: s for s in read_sources(self.options, parse_url_list(urls))}
        self.max_pages = int(self.options.get("max_pages") or default_max_pages)


def tag(source_id: int, role: str, **extra: Any) -> dict[str, Any]:
    """Request.meta entries that carry the source and role to the callback."""
    return {SOURCE_KEY: source_id, ROLE_KEY: role, EXTRA_KEY: extra}


def response_item(
    response: Response,
    job_meta: Mapping[str, Any],
    *,
    keep_body: bool = True,
    problem: FetchError | None = None,
    **extra: Any,
) -> FetchedPage:
    """A FetchedPage for a response, tagged with the request's source and role."""
    request = response.request
    meta = request.meta if request is not None else {}
    problem = problem or describe_status(response.status)
    return FetchedPage(
        request_url=meta.get(REQUEST_URL_KEY, request.url if request else response.url),
        url=response.url,
        status=response.status,
        headers=decode_headers(response.headers),
        body=response.body if keep_body and problem is None else b"",
        error=problem.message if problem else None,
        error_kind=problem.kind if problem else None,
        fetched_at=utc_now(),
        meta=_item_meta(job_meta, meta, extra),
    )


def failure_item(
    failure: Failure, job_meta: Mapping[str, Any], settings: BaseSettings
) -> FetchedPage:
    """A FetchedPage for a request that got no usable response (network, robots, limits)."""
    request: Request = failure.request  # type: ignore[attr-defined]
    problem = describe_exception(failure.value or Exception("unknown"), request, settings)
    log.info("%s: %s", request.url, problem.message)
    return FetchedPage(
        request_url=request.meta.get(REQUEST_URL_KEY, request.url),
        url=request.url,
        status=0,
        error=problem.message,
        error_kind=problem.kind,
        fetched_at=utc_now(),
        meta=_item_meta(job_meta, request.meta, {}),
    )


def made_item(
    url: str, body: bytes, job_meta: Mapping[str, Any], meta: Mapping[str, Any], **extra: Any
) -> FetchedPage:
    """A FetchedPage built in the crawl rather than downloaded (a feed entry's full text)."""
    return FetchedPage(
        request_url=url,
        url=url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=body,
        fetched_at=utc_now(),
        meta=_item_meta(job_meta, meta, extra),
    )


def note_item(
    url: str, job_meta: Mapping[str, Any], meta: Mapping[str, Any], *, error: str, kind: str
) -> FetchedPage:
    """An error FetchedPage about a source document (a broken feed, a sitemap loop)."""
    return FetchedPage(
        request_url=url,
        url=url,
        status=0,
        error=error,
        error_kind=kind,
        fetched_at=utc_now(),
        meta=_item_meta(job_meta, meta, {}),
    )


def _item_meta(
    job_meta: Mapping[str, Any], request_meta: Mapping[str, Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        **job_meta,
        "source": request_meta.get(SOURCE_KEY, 0),
        "role": request_meta.get(ROLE_KEY, "page"),
        **dict(request_meta.get(EXTRA_KEY) or {}),
        **extra,
    }
