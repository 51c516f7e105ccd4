"""What a feed source remembers between runs: HTTP validators and the keys already seen.

FeedState travels as JSON (storage keeps the string); conditional_headers feeds
Scrapy's request, update_state folds a response back in. No I/O here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from feeds.model import Feed
from feeds.select import entry_key

# Keys kept per source. Feeds list tens to a few thousand items; a key leaves the
# memory only after 5,000 newer ones, and keys still in the feed are never dropped
# while the feed holds fewer than this.
MAX_SEEN = 5_000


@dataclass(frozen=True, slots=True)
class FeedState:
    """Validators (ETag, Last-Modified) of the last 200 and the entry keys seen, oldest first."""

    etag: str | None = None
    last_modified: str | None = None
    seen: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {"etag": self.etag, "last_modified": self.last_modified, "seen": list(self.seen)}
        )

    @classmethod
    def from_json(cls, text: str | None) -> FeedState:
        """Read to_json's output; None or "" give the empty state; bad JSON raises ValueError."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"feed state is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("feed state is not a JSON object")
        seen = data.get("seen") or []
        return cls(
            etag=_optional_str(data.get("etag")),
            last_modified=_optional_str(data.get("last_modified")),
            seen=tuple(str(key) for key in seen if isinstance(key, str)),
        )


def conditional_headers(state: FeedState) -> dict[str, str]:
    """Request headers for a conditional GET: If-None-Match and/or If-Modified-Since."""
    headers: dict[str, str] = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def update_state(
    state: FeedState,
    response_headers: Mapping[str, str],
    feed: Feed | None,
    max_seen: int = MAX_SEEN,
) -> FeedState:
    """Fold a response into the state.

    feed is the parsed 200 body, or None for a 304 (Not Modified), which keeps the
    seen keys and refreshes only the validators the server sent again.
    """
    lowered = {k.lower(): v for k, v in response_headers.items()}
    etag = _optional_str(lowered.get("etag"))
    last_modified = _optional_str(lowered.get("last-modified"))
    if feed is None:
        return FeedState(etag or state.etag, last_modified or state.last_modified, state.seen)
    current = list(dict.fromkeys(entry_key(entry) for entry in feed.entries))
    in_feed = set(current)
    seen = [key for key in state.seen if key not in in_feed] + current
    return FeedState(etag, last_modified, tuple(seen[-max_seen:]))


def _optional_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
