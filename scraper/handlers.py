"""The crawl's one download handler of its own: an internal, I/O-free scheme.

Scrapy's file, ftp, s3 and data handlers are turned off (scraper.settings), so a
hostile page can never make a crawl read local files or hang on an FTP server.
The pages spider still needs one request that costs nothing to wake itself once
the crawl runs dry (to report URLs that produced nothing); it uses the
`syndiwatch:` scheme below, which answers an empty response without touching the
network or the disk. SchemeGuardMiddleware lets such a request pass only when the
spider itself marked it, so a link to `syndiwatch://…` on a page goes nowhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.http import Response

if TYPE_CHECKING:
    from scrapy import Request

INTERNAL_SCHEME = "syndiwatch"
# Request.meta key the spider sets on its own internal requests.
INTERNAL_KEY = "syndiwatch_internal"
SWEEP_URL = f"{INTERNAL_SCHEME}://sweep/"


class InternalDownloadHandler(BaseDownloadHandler):
    """Answer every `syndiwatch:` request with an empty 200 response, without any I/O."""

    async def download_request(self, request: Request) -> Response:
        return Response(url=request.url, status=200, body=b"", request=request)
