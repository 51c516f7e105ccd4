"""The crawl child process: read one CrawlJob on stdin, crawl, stream FetchedPages on stdout.

Started by scraper.runner.run_crawl as `python -m scraper.runner`, so each
crawl gets a fresh process and Twisted's reactor is started once per process.
Scrapy logs to stderr; stdout carries only the item stream.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from scraper.errors import CrawlError
from scraper.items import CrawlJob
from scraper.lifeline import guard_parent, watch_stdin
from scraper.registry import spider_name_for

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CRAWL_FAILED = 1
EXIT_BAD_JOB = 2


def build_settings(job: CrawlJob, output_fd: int | None = None) -> Settings:
    """Project settings from scraper.settings, then the job's settings at cmdline priority."""
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.setdict(dict(job.settings), priority="cmdline")
    if output_fd is not None:
        settings.set("SYNDIWATCH_OUTPUT_FD", output_fd, priority="cmdline")
    return settings


def claim_stdout() -> int:
    """Keep a private copy of stdout for the item stream; point fd 1 at stderr.

    A stray print() in any library then lands in the log, not in the protocol.
    """
    sys.stdout.flush()
    output_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return output_fd


def run_job(job: CrawlJob, output_fd: int | None = None) -> int:
    """Run one job to completion in this process; return the exit status."""
    spider_name = spider_name_for(job.kind)
    process = CrawlerProcess(build_settings(job, output_fd))
    failures: list[Failure] = []

    def record(failure: Failure) -> None:
        failures.append(failure)
        log.error("crawl failed: %s", failure.getErrorMessage(), exc_info=failure.value)

    deferred = process.crawl(
        spider_name, urls=job.urls, meta=dict(job.meta), options=dict(job.options)
    )
    deferred.addErrback(record)
    process.start()
    return EXIT_CRAWL_FAILED if failures else EXIT_OK


def main(argv: Sequence[str] = ()) -> int:
    """Entry point of the child: one job in on stdin, JSON lines out, status as exit code.

    With a parent pid (`python -m scraper.runner PID`, as run_crawl starts it) the job
    is the first line of stdin, and the child dies with that parent (scraper.lifeline);
    without, the job is all of stdin.
    """
    parent = int(argv[0]) if argv else None
    if parent is not None:
        guard_parent(parent)
    output_fd = claim_stdout()
    try:
        job = CrawlJob.from_json(sys.stdin.readline() if parent is not None else sys.stdin.read())
        spider_name_for(job.kind)
    except (ValueError, KeyError, TypeError, CrawlError) as exc:
        print(f"syndiwatch crawl: bad job: {exc}", file=sys.stderr)
        return EXIT_BAD_JOB
    if parent is not None:
        watch_stdin(sys.stdin.fileno())
    try:
        return run_job(job, output_fd)
    except Exception as exc:  # the parent gets this line as CrawlFailed's reason
        print(f"syndiwatch crawl: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_CRAWL_FAILED
