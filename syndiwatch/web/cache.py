"""Rendered pages and fragments, kept while the database is unchanged.

A page is served from here only if the Store's data_version() is the one it
was rendered at, so a commit by anyone (the daemon, a reviewer, the desk)
makes the next request render afresh. Whole pages are cached for readers who
are not signed in (signed-in pages carry per-session forms); fragments that
are the same for every reader (a story's copies table) are cached for all.
Stores that cannot tell their version are never cached. The cache is bounded
by the bytes it holds, and a page is keyed on its path and only the query
parameters its handler reads, so `?junk=1`, `?junk=2`, … are one entry.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from syndiwatch.web.security import signed_in_as

MAX_ENTRIES = 256
# A story page of 500 copies renders to about 1 MB; 32 MB keeps dozens of those.
MAX_BYTES = 32 * 2**20
Handler = Callable[[Request], Awaitable[Response]]


class PageCache:
    """A small LRU of (key → version, body), bounded by entries and bytes; thread-safe.

    A body larger than a quarter of `max_bytes` is not kept (it would push out
    most of the others).
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._pages: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        # Renders under way, by (key, version): used only on the event loop.
        self.inflight: dict[tuple[str, str], asyncio.Future[bytes | None]] = {}

    @property
    def size(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        with self._lock:
            return len(self._pages), self._bytes

    def get(self, key: str, version: str) -> bytes | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] != version:
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: str, version: str, body: bytes) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            if len(body) > self._max_bytes // 4:
                return
            self._pages[key] = (version, body)
            self._bytes += len(body)
            while len(self._pages) > self._max or self._bytes > self._max_bytes:
                _, (_, evicted) = self._pages.popitem(last=False)
                self._bytes -= len(evicted)


def cache_key(request: Request, params: Sequence[str], prefix: str = "") -> str:
    """The path and the values of `params` the handler reads (no other parameter)."""
    query = request.query_params
    known = [(name, value) for name in params if (value := query.get(name)) is not None]
    return prefix + request.url.path + "?" + urlencode(known)


def cached_page(*params: str) -> Callable[[Handler], Handler]:
    """Serve a GET page from the app's PageCache when the reader is not signed in.

    `params` are the query parameters the page depends on; the others are not
    part of the key. Concurrent misses of one page at one version wait for a
    single render instead of each rendering it (50 readers arriving together
    cost one render).
    """
    return lambda handler: _cached(handler, params)


def _cached(handler: Handler, params: Sequence[str]) -> Handler:
    async def wrapper(request: Request) -> Response:
        cache: PageCache | None = request.app.state.page_cache
        if cache is None or signed_in_as(request) is not None:
            return await handler(request)
        version = await run_in_threadpool(request.app.state.store.data_version)
        if version is None:
            return await handler(request)
        key = cache_key(request, params)
        if (body := cache.get(key, version)) is not None:
            return _page(body)
        pending = cache.inflight.get((key, version))
        if pending is not None:
            body = await asyncio.shield(pending)
            return _page(body) if body is not None else await handler(request)
        return await _render(cache, key, version, handler, request)

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    return wrapper


async def _render(
    cache: PageCache, key: str, version: str, handler: Handler, request: Request
) -> Response:
    future: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
    cache.inflight[(key, version)] = future
    body: bytes | None = None
    try:
        response = await handler(request)
        if response.status_code == 200:
            body = bytes(response.body)
            cache.put(key, version, body)
        return response
    finally:
        cache.inflight.pop((key, version), None)
        future.set_result(body)


def _page(body: bytes) -> Response:
    return Response(body, media_type="text/html; charset=utf-8")


async def cached_fragment(
    request: Request, render: Callable[[], Awaitable[str]], params: Sequence[str]
) -> str:
    """The fragment of this URL that `render` makes, reused while the database is unchanged.

    Keyed like pages (path and `params`); concurrent misses at one version
    share a single render.
    """
    cache: PageCache | None = request.app.state.page_cache
    if cache is None:
        return await render()
    version = await run_in_threadpool(request.app.state.store.data_version)
    if version is None:
        return await render()
    key = cache_key(request, params, prefix="fragment:")
    if (body := cache.get(key, version)) is not None:
        return body.decode("utf-8")
    pending = cache.inflight.get((key, version))
    if pending is not None and (body := await asyncio.shield(pending)) is not None:
        return body.decode("utf-8")
    future: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
    cache.inflight[(key, version)] = future
    body = None
    try:
        html = await render()
        body = html.encode("utf-8")
        cache.put(key, version, body)
        return html
    finally:
        cache.inflight.pop((key, version), None)
        future.set_result(body)
