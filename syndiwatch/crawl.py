"""Crawls from the application's side: config in, FetchedPages out.

Every crawl — `check`, `extract`, `run --once`, each daemon job — goes through
`fetch_pages`/`run_job`, which hand a CrawlJob to scraper.runner (a child
process, so Twisted's reactor is never restarted in this process).
"""

from __future__ import annotations

import collections
import logging
import math
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from scraper import settings
from scraper.errors import CrawlTimeout
from scraper.items import CrawlJob, FetchedPage
from scraper.runner import run_crawl
from syndiwatch.config import Config, scrapy_settings

log = logging.getLogger(__name__)


def crawl_log_level() -> str:
    """Scrapy's log level follows ours: -v shows the crawl, the default keeps it quiet.

    Fetch failures are reported by the commands as one line each, so Scrapy's own
    ERROR lines (with tracebacks) are shown only with -v.
    """
    level = logging.getLogger().getEffectiveLevel()
    return "DEBUG" if level <= logging.DEBUG else "INFO" if level <= logging.INFO else "CRITICAL"


# Scrapy tries a download up to three times (RETRY_TIMES 2), robots.txt included: a host
# that accepts and never answers costs its robots.txt tries, then each of its pages' tries.
FETCH_TRIES = 1 + settings.RETRY_TIMES
# Start-up of the crawl process (interpreter, Scrapy, reactor) and item streaming.
START_MARGIN = 60.0
# AutoThrottle spaces one host's requests (AUTOTHROTTLE_START_DELAY 1 s, and more when slow).
SPACING_PER_URL = 2.0


def crawl_timeout(config: Config, n_urls: int) -> float:
    """A wall-clock bound for one crawl: robots.txt and retries of the slowest fetch, a margin.

    Never more than `[schedule] job_timeout`, so one hung crawl cannot hold a
    daemon worker for longer than that.
    """
    per_fetch = config.network.download_timeout * (_robots_tries(config) + FETCH_TRIES)
    return min(per_fetch + START_MARGIN + SPACING_PER_URL * n_urls, config.schedule.job_timeout)


def host_budget(config: Config, n_urls: int) -> float:
    """Seconds one host's `n_urls` pages may take when the host never answers.

    Its robots.txt tries, then each of its pages' tries, CONCURRENT_REQUESTS_PER_DOMAIN
    pages at a time, plus AutoThrottle's spacing.
    """
    waves = math.ceil(n_urls / settings.CONCURRENT_REQUESTS_PER_DOMAIN)
    tries = _robots_tries(config) + FETCH_TRIES * waves
    return config.network.download_timeout * tries + SPACING_PER_URL * n_urls


def pages_timeout(config: Config, urls: Sequence[str]) -> float:
    """The wall-clock bound of fetching `urls`: the largest host budget (hosts are fetched
    side by side, CONCURRENT_REQUESTS pages at a time), capped by `[schedule] job_timeout`."""
    per_host = collections.Counter(urlsplit(u).netloc.lower() for u in urls)
    slowest = max((host_budget(config, n) for n in per_host.values()), default=0.0)
    waves = math.ceil(len(urls) / settings.CONCURRENT_REQUESTS)
    all_hosts = config.network.download_timeout * (_robots_tries(config) + FETCH_TRIES) * waves
    return min(START_MARGIN + max(slowest, all_hosts), config.schedule.job_timeout)


def _robots_tries(config: Config) -> int:
    return FETCH_TRIES if config.network.obey_robots else 0


def fetch_pages(
    config: Config, urls: Sequence[str], *, meta: dict[str, Any] | None = None
) -> Iterator[FetchedPage]:
    """Fetch exactly `urls` through Scrapy; yields one FetchedPage per URL as they arrive.

    When the crawl's time is up, each URL not reported yet (its host never answered)
    comes as a FetchedPage whose error is "no answer within N s"; the others came before.
    """
    job = CrawlJob(
        kind="pages",
        urls=tuple(urls),
        settings=scrapy_settings(config, log_level=crawl_log_level()),
        meta=meta or {},
    )
    pending = dict.fromkeys(urls)
    started = time.monotonic()
    try:
        for page in run_crawl(job, timeout=pages_timeout(config, urls)):
            pending.pop(page.request_url, None)
            yield page
    except CrawlTimeout:
        waited = time.monotonic() - started
        log.info("crawl stopped after %.0f s; %d URLs had no answer", waited, len(pending))
        for url in pending:
            yield FetchedPage(
                request_url=url,
                url=url,
                status=0,
                error=f"no answer within {waited:.0f} s",
                error_kind="timeout",
            )


def fetch_one(config: Config, url: str) -> FetchedPage:
    """Fetch one URL; the FetchedPage says why if it failed."""
    pages = list(fetch_pages(config, [url]))
    if not pages:  # the runner promises one per URL; keep the message clear if not
        return FetchedPage(
            request_url=url, url=url, status=0, error="no response", error_kind="other"
        )
    return pages[0]
