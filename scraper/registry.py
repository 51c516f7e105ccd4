"""Which spider runs a CrawlJob of a given kind.

The kinds are the CrawlJob.kind values the application sends; each maps to a
Scrapy spider name found through SPIDER_MODULES. A new kind ("feed",
"sitemap", "site") plugs in by adding its spider and one entry here.
"""

from __future__ import annotations

from scraper.errors import UnknownCrawlKind

SPIDER_FOR_KIND: dict[str, str] = {
    "pages": "pages",
    "feed": "feed",
    "sitemap": "sitemap",
    "site": "site",
}


def spider_name_for(kind: str) -> str:
    """Return the spider name for a job kind, or raise UnknownCrawlKind."""
    try:
        return SPIDER_FOR_KIND[kind]
    except KeyError:
        known = ", ".join(sorted(SPIDER_FOR_KIND))
        raise UnknownCrawlKind(f"unknown crawl kind {kind!r} (known: {known})") from None
