"""Scrapy settings every syndiwatch crawl keeps (scrapy.cfg points here).

syndiwatch.config maps `[network]` of syndiwatch.toml onto a few of these and
the crawl child (scraper.runner) applies them at "cmdline" priority, so they
win over the defaults below. Our own settings carry the SYNDIWATCH_ prefix.
"""

from __future__ import annotations

BOT_NAME = "syndiwatch"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

USER_AGENT = "syndiwatch/0.1 (+https://example.org/bot)"
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts the per-site delay to the server's latency.
# The start delay is short so a `check` of a few URLs stays quick; tests on
# loopback set it to 0.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4

RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5_000_000
DOWNLOAD_WARNSIZE = 2_500_000
REDIRECT_MAX_TIMES = 20
DNS_TIMEOUT = 30

# The spider sees every HTTP status: a 404 is a result (a removed copy), not a gap.
HTTPERROR_ALLOW_ALL = True

COOKIES_ENABLED = False
# No control ports: the telnet console and Scrapy 2.19's remote-control HTTP
# server (which evaluates code sent to it) stay off in every crawl.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
LOG_FILE = None  # Scrapy logs to stderr; stdout carries the FetchedPage stream.

# Refuse loopback/private/link-local targets unless [network] allow_private = true.
SYNDIWATCH_ALLOW_PRIVATE = False
TWISTED_DNS_RESOLVER = "scraper.middlewares.GuardedResolver"
# File descriptor the item stream is written to (None: sys.stdout); set by scraper.runner.
SYNDIWATCH_OUTPUT_FD = None

# Only http(s) is ever fetched: Scrapy's file, ftp, s3 and data handlers are off, so
# no link, redirect or sitemap entry can read a local file or hang on an FTP server.
# `syndiwatch:` is the crawl's own I/O-free scheme (scraper.handlers).
DOWNLOAD_HANDLERS = {
    "file": None,
    "ftp": None,
    "s3": None,
    "data": None,
    "syndiwatch": "scraper.handlers.InternalDownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    # First of all: refuse every scheme but http(s), whatever allow_private says.
    "scraper.middlewares.SchemeGuardMiddleware": 30,
    # Before OffsiteMiddleware (50) and RobotsTxtMiddleware (100), so a refused
    # host is never contacted, not even for its robots.txt.
    "scraper.middlewares.PrivateAddressGuardMiddleware": 40,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.middlewares.SharedRobotsTxtMiddleware": 100,
}

ITEM_PIPELINES = {
    "scraper.pipelines.FetchedPageStreamPipeline": 800,
}

FEED_EXPORT_ENCODING = "utf-8"
