"""The exceptions feeds raises at its edge.

Each carries a one-line message (what and why) that the CLI prints as is;
nothing else escapes a feeds function on bad input.
"""

from __future__ import annotations


class FeedError(Exception):
    """The bytes hold no usable feed: empty, binary, an HTML page, or too broken to read."""


class InvalidURL(ValueError):
    """A URL that is not an absolute http(s) URL (canonical_url, same_site)."""
