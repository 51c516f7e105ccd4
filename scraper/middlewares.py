"""Downloader middlewares that hold syndiwatch's cross-cutting crawl rules.

SchemeGuardMiddleware refuses every request that is not http(s) (bar the crawl's
own I/O-free `syndiwatch:` requests), so no link, redirect or sitemap entry can
make a crawl read a local file or talk FTP; it is on even with allow_private.
PrivateAddressGuardMiddleware refuses requests whose host is, or resolves to,
a loopback, private, link-local, multicast, reserved or unspecified address,
unless SYNDIWATCH_ALLOW_PRIVATE is set. Address rules live in scraper.addresses.
GuardedResolver re-checks the address each connection actually uses.
SharedRobotsTxtMiddleware makes every request wait for its site's robots.txt.
"""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest, NotConfigured
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from scraper.addresses import IPAddress, classify_address, parse_ip, refusal_reason
from scraper.handlers import INTERNAL_KEY, INTERNAL_SCHEME

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser
    from twisted.internet.base import ReactorBase

log = logging.getLogger(__name__)

GUARDED_SCHEMES = frozenset({"http", "https"})

# Host -> reason, for names GuardedResolver refused at connection time. Twisted
# reports such a refusal to the request only as "no results for hostname
# lookup", so scraper.failures looks the reason up here. One crawl per process.
RESOLVER_REFUSALS: dict[str, str] = {}


class PrivateAddressRefused(IgnoreRequest):
    """A request was refused because its host is not a public address."""


class SchemeRefused(IgnoreRequest):
    """A request was refused because its URL is not http(s)."""


class SchemeGuardMiddleware:
    """Refuse every request whose scheme is not http(s) before any handler sees it.

    The spiders schedule only http(s) URLs already; this is the second wall, for a
    redirect or a path nobody thought of. The crawl's own `syndiwatch:` requests
    (scraper.handlers) pass only when the spider marked them in their meta.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemeGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        scheme = urlparse_cached(request).scheme.lower()
        if scheme in GUARDED_SCHEMES:
            return
        if scheme == INTERNAL_SCHEME and request.meta.get(INTERNAL_KEY):
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("syndiwatch/scheme_refused")
        reason = f"not an http(s) URL: {request.url[:200]!r}"
        log.info("%s", reason)
        raise SchemeRefused(reason)


def resolve_host(host: str) -> tuple[IPAddress, ...]:
    """Return every address `host` resolves to (blocking; run it off the reactor thread)."""
    literal = parse_ip(host)
    if literal is not None:
        return (literal,)
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = parse_ip(str(sockaddr[0]))
        if address is not None and address not in found:
            found.append(address)
    return tuple(found)


def find_refusal(host: str, addresses: tuple[IPAddress, ...]) -> str | None:
    """Return the refusal reason for the first non-public address, or None if all are public."""
    for address in addresses:
        kind = classify_address(address)
        if kind is not None:
            return refusal_reason(host, address, kind)
    return None


class PrivateAddressGuardMiddleware:
    """Refuse requests to non-public addresses before any connection is made.

    Every address the host resolves to must be public: a name with one public
    and one private address is refused, since the downloader may pick either.
    Redirects and robots.txt requests pass through here too.
    """

    def __init__(self, crawler: Crawler) -> None:
        if crawler.settings.getbool("SYNDIWATCH_ALLOW_PRIVATE"):
            raise NotConfigured
        self.crawler = crawler
        self._addresses: dict[str, tuple[IPAddress, ...]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        parsed = urlparse_cached(request)
        if parsed.scheme not in GUARDED_SCHEMES or not parsed.hostname:
            return
        host = parsed.hostname
        reason = find_refusal(host, await self._resolve(host))
        if reason is None:
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("syndiwatch/private_address_refused")
        log.info("%s: %s", request.url, reason)
        raise PrivateAddressRefused(reason)

    async def _resolve(self, host: str) -> tuple[IPAddress, ...]:
        cached = self._addresses.get(host)
        if cached is not None:
            return cached
        literal = parse_ip(host)
        if literal is not None:
            return (literal,)
        try:
            addresses = await maybe_deferred_to_future(deferToThread(resolve_host, host))
        except (OSError, UnicodeError) as exc:
            raise CannotResolveHostError(f"DNS lookup failed for {host}: {exc}") from exc
        self._addresses[host] = addresses
        return addresses


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public answers unless allow_private is set.

    PrivateAddressGuardMiddleware resolves a name before the request is sent;
    this check runs on the lookup the connection really uses, so a name that
    answers differently the second time (DNS rebinding) is still refused.
    Set as TWISTED_DNS_RESOLVER. IP literals never reach a resolver; the
    middleware checks those.
    """

    def __init__(
        self, reactor: ReactorBase, cache_size: int, timeout: float, allow_private: bool = False
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("SYNDIWATCH_ALLOW_PRIVATE")
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        deferred = super().getHostByName(name, timeout)
        if not self.allow_private:
            deferred.addCallback(self._refuse_private, name)
        return deferred

    def _refuse_private(self, answer: str, name: str) -> str:
        address = parse_ip(answer)
        reason = find_refusal(name, (address,)) if address is not None else None
        if reason is None:
            return answer
        RESOLVER_REFUSALS[name] = reason
        log.warning("%s", reason)
        raise PrivateAddressRefused(reason)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose concurrent waiters all get the parsed robots.txt.

    Scrapy 2.19 awaits the shared per-site Deferred directly; adapting a
    Deferred to a Future consumes its result, so only the first waiter saw the
    parser and the others were let through unchecked (scrapy/scrapy#6802 dropped
    the relay this class restores). Replaces Scrapy's middleware in settings.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        relay: Deferred[RobotParser | None] = Deferred()

        def pass_on(parser: RobotParser | None) -> RobotParser | None:
            relay.callback(parser)
            return parser

        pending.addCallback(pass_on)
        return await maybe_deferred_to_future(relay)
