"""Crawls from the application's side: config in, FetchedPages out.

Every crawl — `check`, `extract`, `run --once`, each daemon job — goes through
`fetch_pages`/`run_job`, which hand a CrawlJob to scraper.runner (a child
process, so Twisted's reactor is never restarted in this process).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

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


def crawl_timeout(config: Config, n_urls: int) -> float:
    """A wall-clock bound for one crawl: retries of the slowest fetch plus a margin.

    Never more than `[schedule] job_timeout`, so one hung crawl cannot hold a
    daemon worker for longer than that.
    """
    per_fetch = config.network.download_timeout * 3  # RETRY_TIMES 2 → up to three tries
    return min(per_fetch + 60 + 2 * n_urls, config.schedule.job_timeout)


def fetch_pages(
    config: Config, urls: Sequence[str], *, meta: dict[str, Any] | None = None
) -> Iterator[FetchedPage]:
    """Fetch exactly `urls` through Scrapy; yields one FetchedPage per URL as they arrive."""
    job = CrawlJob(
        kind="pages",
        urls=tuple(urls),
        settings=scrapy_settings(config, log_level=crawl_log_level()),
        meta=meta or {},
    )
    yield from run_crawl(job, timeout=crawl_timeout(config, len(urls)))


def fetch_one(config: Config, url: str) -> FetchedPage:
    """Fetch one URL; the FetchedPage says why if it failed."""
    pages = list(fetch_pages(config, [url]))
    if not pages:  # the runner promises one per URL; keep the message clear if not
        return FetchedPage(
            request_url=url, url=url, status=0, error="no response", error_kind="other"
        )
    return pages[0]
