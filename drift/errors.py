"""The exceptions drift raises at its edge; nothing else escapes a drift function."""

from __future__ import annotations


class DriftError(Exception):
    """Base of every error drift raises on purpose."""


class NotAnArticle(DriftError):
    """The page holds no article text (empty, binary, a listing, an error page)."""
