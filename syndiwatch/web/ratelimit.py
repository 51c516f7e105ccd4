"""Rate limits for guessing the desk's token: per client and for all clients together.

Only wrong tokens count (a reviewer signing in or an API client using the
right token is never slowed), but while a limit is reached every try is
refused before the token is even compared, so a right guess cannot slip
through. Each client (an IPv4 address, an IPv6 /64) has a token bucket of
PER_CLIENT_TRIES refilled over WINDOW_S, and each time it runs dry the client
waits twice as long as the last time (up to MAX_BACKOFF_S); all clients share
a bucket of GLOBAL_TRIES per WINDOW_S, so many addresses do not multiply the
pace. State is in memory, per desk process.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

PER_CLIENT_TRIES = 5
GLOBAL_TRIES = 30
WINDOW_S = 60.0
MAX_BACKOFF_S = 900.0
FORGET_AFTER_S = 3600.0  # a client's run of failures is forgotten after this long
MAX_CLIENTS = 10_000  # clients remembered at once (the global bucket bounds the rest)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float

    def refill(self, now: float, capacity: float, per_second: float) -> None:
        self.tokens = min(capacity, self.tokens + (now - self.at) * per_second)
        self.at = now


@dataclass(slots=True)
class _Client:
    bucket: _Bucket
    strikes: int = 0  # times the bucket ran dry in this run of failures
    blocked_until: float = 0.0
    last_failure: float = 0.0


class SignInLimiter:
    """Token buckets of wrong-token tries; thread-safe; `clock` is monotonic seconds."""

    def __init__(
        self,
        *,
        per_client: int = PER_CLIENT_TRIES,
        overall: int = GLOBAL_TRIES,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_client = per_client
        self._overall = overall
        self._client_rate = per_client / window
        self._global_rate = overall / window
        self._clock = clock
        self._global = _Bucket(float(overall), clock())
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until `client` may try a token again; 0.0 if it may now."""
        with self._lock:
            now = self._clock()
            self._global.refill(now, self._overall, self._global_rate)
            waits = [0.0]
            if self._global.tokens < 1:
                waits.append((1 - self._global.tokens) / self._global_rate)
            state = self._clients.get(client)
            if state is not None:
                state.bucket.refill(now, self._per_client, self._client_rate)
                waits.append(state.blocked_until - now)
                if state.bucket.tokens < 1:
                    waits.append((1 - state.bucket.tokens) / self._client_rate)
            return max(waits)

    def failed(self, client: str) -> None:
        """Count a wrong token from `client`."""
        with self._lock:
            now = self._clock()
            state = self._clients.pop(client, None)
            if state is None:
                state = _Client(_Bucket(float(self._per_client), now))
            self._clients[client] = state  # most recently seen last
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
            state.bucket.refill(now, self._per_client, self._client_rate)
            self._global.refill(now, self._overall, self._global_rate)
            state.bucket.tokens -= 1
            self._global.tokens -= 1
            if now - state.last_failure > FORGET_AFTER_S:
                state.strikes = 0
            state.last_failure = now
            if state.bucket.tokens < 1:
                state.strikes += 1
                backoff = (1 / self._client_rate) * 2 ** min(state.strikes - 1, 16)
                state.blocked_until = now + min(MAX_BACKOFF_S, backoff)

    def succeeded(self, client: str) -> None:
        """The right token from `client`: forget its failures."""
        with self._lock:
            self._clients.pop(client, None)


def client_key(host: str | None) -> str:
    """Who is limited: the IPv4 address, or the /64 of an IPv6 address (one site's hosts)."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
