"""How `serve` runs the desk under uvicorn: Host rules, proxy trust, a request deadline.

uvicorn times out idle keep-alive connections but not a client that sends a
request slowly (or never): DeadlineProtocol gives every request, headers and
body, `[web] read_timeout` seconds from its first byte (or from the connection)
before the connection is closed. The routes live in syndiwatch.web.app; the
command itself in syndiwatch.commands.serve.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Sequence
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
WILDCARD_BINDS = ("", "0.0.0.0", "::", "[::]")


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or `localhost`) is reachable only from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allow_list(bind: str, configured: Sequence[str]) -> list[str] | None:
    """The Host names the desk answers to, or None when a wildcard bind names none.

    `configured` is `[web] allowed_hosts`; without it, the bound address (a Host
    header naming an IP address cannot come from DNS rebinding) and the
    loopback names. `*` among them allows any Host.
    """
    if "*" in configured:
        return ["*"]
    bound = bind.strip("[]").lower()
    if not configured and bind in WILDCARD_BINDS:
        return None
    own = [] if bind in WILDCARD_BINDS else [bound, f"[{bound}]" if ":" in bound else bound]
    return list(dict.fromkeys([*configured, *own, *LOOPBACK_NAMES]))


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request is not in on time."""

    read_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # the next request on a kept-alive connection
            self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(self.read_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            log.debug("closing %s: no whole request in %.0f s", self.client, self.read_timeout)
            self.transport.close()


def deadline_protocol(read_timeout: float) -> type[DeadlineProtocol]:
    """A DeadlineProtocol class for uvicorn's `http=` with this `read_timeout`."""
    return type("DeskProtocol", (DeadlineProtocol,), {"read_timeout": read_timeout})
