"""JSON for the requests on the shared Redis queue (scrapy-redis' SCHEDULER_SERIALIZER).

scrapy-redis pickles requests by default, so anyone who can write to Redis would run
code in every worker that pops an entry. Here a request (Scrapy's `Request.to_dict`)
travels as JSON: bytes (body, header names and values) as base64 under a tag, tuples
as lists, mappings with other than string keys as pairs. A value JSON cannot say is
refused when the request is queued. An entry that is not such JSON, names a request
class, or a callback our spiders do not have, raises UnreadableEntry; the queue
(scraper.redis_queue) drops it with one log line.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from typing import Any

BYTES_TAG = "__b64__"
PAIRS_TAG = "__pairs__"
# The only callbacks a queued request may name (scraper.queue_spider.QueueSpider's;
# `parse` is scrapy-redis' default). Anything else would call an arbitrary method.
CALLBACKS = frozenset({"parse", "parse_page", "parse_sitemap", "parse_feed"})
ERRBACKS = frozenset({"on_error"})


class UnreadableEntry(ValueError):
    """A queue entry that is not a request this codec wrote."""


def dumps(request: Mapping[str, Any]) -> bytes:
    """A request dict (Request.to_dict) as JSON bytes; TypeError for a value JSON cannot hold."""
    return json.dumps(_encode(request), separators=(",", ":"), allow_nan=False).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict of a queue entry; UnreadableEntry for anything else."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if not raw.startswith(b"{"):  # a pickle starts with b"\x80"
        raise UnreadableEntry(f"not a JSON request ({raw[:16]!r}…)")
    try:
        decoded = _decode(json.loads(raw))
    except (ValueError, TypeError, binascii.Error, RecursionError) as exc:
        raise UnreadableEntry(f"unreadable request ({exc})") from None
    return checked(decoded)


def checked(request: Any) -> dict[str, Any]:
    """`request` if it is a plain request dict our spiders can run; else UnreadableEntry."""
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise UnreadableEntry("not a request (no url)")
    if "_class" in request:
        raise UnreadableEntry(f"a request class is named ({request['_class']!r})")
    callback, errback = request.get("callback"), request.get("errback")
    if callback is not None and callback not in CALLBACKS:
        raise UnreadableEntry(f"unknown callback {callback!r}")
    if errback is not None and errback not in ERRBACKS:
        raise UnreadableEntry(f"unknown errback {errback!r}")
    if not isinstance(request.get("meta", {}), dict):
        raise UnreadableEntry("meta is not a mapping")
    return request


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"cannot queue the number {value!r}")
        return value
    if isinstance(value, bytes | bytearray):
        return {BYTES_TAG: base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) for k in value) and not {BYTES_TAG, PAIRS_TAG} & set(value):
            return {k: _encode(v) for k, v in value.items()}
        return {PAIRS_TAG: [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot queue a {type(value).__name__} in a request: {value!r:.80}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {BYTES_TAG}:
        return base64.b64decode(str(value[BYTES_TAG]), validate=True)
    if set(value) == {PAIRS_TAG}:
        return {_hashable(_decode(k)): _decode(v) for k, v in value[PAIRS_TAG]}
    return {k: _decode(v) for k, v in value.items()}


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
