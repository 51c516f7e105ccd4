"""Errors a crawl raises to the application (scraper.runner.run_crawl).

A failed fetch is not an error here: it is a FetchedPage with `error` set.
These exceptions mean the crawl itself could not run or finish.
"""

from __future__ import annotations


class CrawlError(Exception):
    """A crawl could not run or did not finish."""


class UnknownCrawlKind(CrawlError):
    """The CrawlJob names a kind no spider is registered for."""


class CrawlTimeout(CrawlError):
    """The crawl ran past its wall-clock limit; the child process was killed."""


class CrawlFailed(CrawlError):
    """The crawl child exited with an error; `stderr_tail` holds its last log lines."""

    def __init__(self, message: str, stderr_tail: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail
