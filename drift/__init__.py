"""drift: the pure core of syndiwatch — normalise pages, match copies, find drift.

No I/O here: functions take bytes/strings/dataclasses and return dataclasses.
Scrapy, SQLAlchemy and the network live in the other packages.
"""

from __future__ import annotations

from drift.model import (
    AlignedPair,
    Alignment,
    Article,
    Caption,
    CopyAnalysis,
    Credit,
    Evidence,
    Finding,
    Link,
    Match,
)

__all__ = [
    "AlignedPair",
    "Alignment",
    "Article",
    "Caption",
    "CopyAnalysis",
    "Credit",
    "Evidence",
    "Finding",
    "Link",
    "Match",
]
