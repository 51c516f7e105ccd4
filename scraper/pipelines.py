"""Item pipeline that streams FetchedPages to the parent process, one JSON line each.

Validation only: items that are not FetchedPages are dropped with a clear
reason. Storage and analysis happen in the parent (syndiwatch.pipeline).
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from scraper.items import FetchedPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class FetchedPageStreamPipeline:
    """Write each FetchedPage as one JSON line and flush, so the parent sees it at once.

    The stream is the file descriptor in SYNDIWATCH_OUTPUT_FD (scraper.runner
    sets it to a private copy of stdout), else sys.stdout.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchedPageStreamPipeline:
        fd = crawler.settings.get("SYNDIWATCH_OUTPUT_FD")
        if fd is None:
            return cls(sys.stdout)
        return cls(os.fdopen(int(fd), "w", encoding="utf-8", closefd=False))

    def process_item(self, item: Any) -> FetchedPage:
        if not isinstance(item, FetchedPage):
            raise DropItem(f"not a FetchedPage: {type(item).__name__}")
        self.stream.write(item.to_json() + "\n")
        self.stream.flush()
        return item

    def close_spider(self) -> None:
        self.stream.flush()
