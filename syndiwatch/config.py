"""Configuration: the only module that reads syndiwatch.toml and the environment.

Returns frozen dataclasses with every default set here (CONTRACT.md §2), and
maps the `[network]` table onto Scrapy settings in one place
(`scrapy_settings`). Everything below the CLI receives a Config as a parameter.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite:///syndiwatch.db"
DEFAULT_USER_AGENT = "syndiwatch/0.1 (+https://example.org/bot)"
DEFAULT_CONFIG_NAME = "syndiwatch.toml"
SOURCE_KINDS = ("feed", "sitemap", "site", "url")
ENV_DATABASE_URL = "SYNDIWATCH_DATABASE_URL"
ENV_CONFIG = "SYNDIWATCH_CONFIG"
ENV_WEB_TOKEN = "SYNDIWATCH_WEB_TOKEN"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


class ConfigError(Exception):
    """The configuration cannot be read or is invalid (the message is one line)."""


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    user_agent: str = DEFAULT_USER_AGENT
    obey_robots: bool = True
    allow_private: bool = False
    download_timeout: float = 30.0
    max_page_bytes: int = 5_000_000


@dataclass(frozen=True, slots=True)
class StoryConfig:
    url: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SourceConfig:
    kind: str
    url: str
    every: str | None = None
    cron: str | None = None
    story: str | None = None


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    """The daemon's timing (`[schedule]`); durations in seconds, parsed from "15m", "6h" ….

    source_every: sources without `every`/`cron`. recheck_every: known copies,
    doubled for each `backoff_after` a copy stays unchanged, up to `recheck_max`.
    original_every for the first `original_fast_for` of a story, then
    `original_every_later`. sweep_every: how often due re-checks are looked for.
    sync_every: how often config and database sources are re-read (SIGHUP does it
    at once). misfire_grace: how late a run may still start (see syndiwatch.daemon).
    A running daemon re-reads the file when it changes; sweep_every, sync_every,
    workers and misfire_grace take effect at its next start.
    """

    source_every: float = 3600.0
    recheck_every: float = 6 * 3600.0
    backoff_after: float = 7 * 86400.0
    recheck_max: float = 4 * 86400.0
    original_every: float = 3600.0
    original_fast_for: float = 86400.0
    original_every_later: float = 86400.0
    sweep_every: float = 60.0
    sync_every: float = 30.0
    jitter: float = 60.0
    job_timeout: float = 1800.0
    misfire_grace: float = 600.0
    shutdown_grace: float = 20.0
    fail_after: int = 3  # consecutive failed fetches of a copy before lifecycle.fetch_failed
    disable_after: int = 10  # consecutive failed runs of a source before it is disabled
    silent_after: int = 5  # successful runs in a row without entries before a warning
    workers: int = 2


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """`[retention]`: raw HTML of snapshots older than this is pruned unless cited."""

    raw_html_days: float = 90.0


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """`[crawl]`: limits of discovery crawls (site crawls follow links this deep; every
    source fetches at most max_pages pages a run, the rest waits for the next run)."""

    max_depth: int = 3
    max_pages: int = 1_000


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """`[queue]`: scale-out (deploy/SCALE.md). With `redis_url` the daemon only enqueues
    sources on a shared Redis queue (scrapy-redis) and `syndiwatch worker` processes crawl.

    heartbeat: a worker silent this long is dead and its in-flight requests go back
    on the queue. index_refresh: how stale a worker's view of the tracked stories may
    get. leader_check: how often the elected daemon checks its lock connection and a
    standby daemon tries to take the lock over. prefix: Redis key prefix.
    concurrency, per_domain, autothrottle: a worker's Scrapy concurrency and politeness.
    """

    redis_url: str | None = None
    prefix: str = "syndiwatch"
    heartbeat: float = 15.0
    index_refresh: float = 30.0
    leader_check: float = 2.0
    concurrency: int = 16
    per_domain: int = 4
    autothrottle: bool = True


@dataclass(frozen=True, slots=True)
class WebConfig:
    """The review desk (`serve`): where it listens and the token that unlocks reviewing.

    Without a token the desk is read-only. `allowed_hosts` are the Host names
    it answers to (empty: the bound address and the loopback names; `serve`
    refuses a wildcard bind without them). `trust_proxy` lists the proxies whose
    X-Forwarded-For/-Proto are believed (`true` in the file: one on this machine).
    `secure_cookies` None: `Secure` on https requests. `read_timeout`: seconds a
    client has to send a whole request, headers and body (slow-loris clients).
    """

    token: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()
    trust_proxy: tuple[str, ...] = ()
    secure_cookies: bool | None = None
    read_timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    network: NetworkConfig = field(default_factory=NetworkConfig)
    stories: tuple[StoryConfig, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    web: WebConfig = field(default_factory=WebConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    path: Path | None = None  # the file this came from, if any
    extra: Mapping[str, Any] = field(default_factory=dict)  # tables other rooms read


def parse_duration(text: str) -> float:
    """Parse `15m`, `1h`, `30s`, `2d`, `90` (seconds) into seconds; ValueError if invalid."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 6h, 1d)")
    seconds = float(m.group(1)) * _UNIT_SECONDS[(m.group(2) or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    return seconds


def load_config(path: str | Path | None = None, database_url: str | None = None) -> Config:
    """Load the configuration.

    The file is `path`, else $SYNDIWATCH_CONFIG, else ./syndiwatch.toml if it
    exists, else built-in defaults. The database URL is `database_url`, else
    $SYNDIWATCH_DATABASE_URL, else the file's `[database] url`, else the default.
    """
    explicit = path or os.environ.get(ENV_CONFIG) or None
    file_path = Path(explicit) if explicit else Path(DEFAULT_CONFIG_NAME)
    data: dict[str, Any] = {}
    if explicit or file_path.exists():
        data = _read_toml(file_path)
    config = _build(data, file_path if data or explicit else None)
    url = database_url or os.environ.get(ENV_DATABASE_URL) or None
    token = os.environ.get(ENV_WEB_TOKEN) or None
    if token:
        config = replace(config, web=replace(config.web, token=token))
    return replace(config, database_url=url) if url else config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None


def _build(data: Mapping[str, Any], path: Path | None) -> Config:
    where = str(path) if path else "config"
    known = {"database", "network", "stories", "sources", "notify", "web", "schedule", "retention"}
    known.add("crawl")
    known.add("queue")
    database = _table(data, "database", where)
    url = database.get("url", DEFAULT_DATABASE_URL)
    _expect(isinstance(url, str) and url, f"{where}: [database] url must be a non-empty string")
    return Config(
        database_url=url,
        network=_network(_table(data, "network", where), where),
        stories=tuple(_story(s, where) for s in _array(data, "stories", where)),
        sources=tuple(_source(s, where) for s in _array(data, "sources", where)),
        notify=_notify(_table(data, "notify", where), where),
        web=_web(_table(data, "web", where), where),
        schedule=_schedule(_table(data, "schedule", where), where),
        retention=_retention(_table(data, "retention", where), where),
        crawl=_crawl(_table(data, "crawl", where), where),
        queue=_queue(_table(data, "queue", where), where),
        path=path,
        extra={k: v for k, v in data.items() if k not in known},
    )


def _network(t: Mapping[str, Any], where: str) -> NetworkConfig:
    d = NetworkConfig()
    ua = t.get("user_agent", d.user_agent)
    _expect(isinstance(ua, str) and ua.strip(), f"{where}: [network] user_agent must be text")
    for key in ("obey_robots", "allow_private"):
        _expect(isinstance(t.get(key, True), bool), f"{where}: [network] {key} must be true/false")
    timeout = t.get("download_timeout", d.download_timeout)
    _expect(_positive(timeout), f"{where}: [network] download_timeout must be a positive number")
    size = t.get("max_page_bytes", d.max_page_bytes)
    _expect(
        isinstance(size, int) and not isinstance(size, bool) and size > 0,
        f"{where}: [network] max_page_bytes must be a positive integer",
    )
    return NetworkConfig(
        user_agent=ua,
        obey_robots=t.get("obey_robots", d.obey_robots),
        allow_private=t.get("allow_private", d.allow_private),
        download_timeout=float(timeout),
        max_page_bytes=size,
    )


def _story(item: Any, where: str) -> StoryConfig:
    _expect(isinstance(item, dict), f"{where}: each [[stories]] entry must be a table")
    url = item.get("url")
    _expect(isinstance(url, str) and _is_http(url), f"{where}: [[stories]] url must be http(s)")
    name = item.get("name")
    _expect(name is None or isinstance(name, str), f"{where}: [[stories]] name must be text")
    return StoryConfig(url=url, name=name)


def _source(item: Any, where: str) -> SourceConfig:
    _expect(isinstance(item, dict), f"{where}: each [[sources]] entry must be a table")
    kind, url = item.get("kind"), item.get("url")
    _expect(kind in SOURCE_KINDS, f"{where}: [[sources]] kind must be one of {SOURCE_KINDS}")
    _expect(isinstance(url, str) and _is_http(url), f"{where}: [[sources]] url must be http(s)")
    every, cron = item.get("every"), item.get("cron")
    _expect(not (every and cron), f"{where}: source {url}: give `every` or `cron`, not both")
    if every is not None:
        try:
            parse_duration(str(every))
        except ValueError as exc:
            raise ConfigError(f"{where}: source {url}: {exc}") from None
    story = item.get("story")
    return SourceConfig(kind=kind, url=url, every=every, cron=cron, story=story)


def _notify(t: Mapping[str, Any], where: str) -> NotifyConfig:
    urls = t.get("urls", [])
    _expect(
        isinstance(urls, list) and all(isinstance(u, str) for u in urls),
        f"{where}: [notify] urls must be a list of apprise URLs",
    )
    return NotifyConfig(urls=tuple(urls))


def _crawl(t: Mapping[str, Any], where: str) -> CrawlConfig:
    d = CrawlConfig()
    values = {
        "max_depth": t.get("max_depth", d.max_depth),
        "max_pages": t.get("max_pages", d.max_pages),
    }
    for key, value in values.items():
        _expect(
            isinstance(value, int) and not isinstance(value, bool) and value > 0,
            f"{where}: [crawl] {key} must be a positive integer",
        )
    return CrawlConfig(**values)


def _queue(t: Mapping[str, Any], where: str) -> QueueConfig:
    d = QueueConfig()
    url, prefix = t.get("redis_url"), t.get("prefix", d.prefix)
    _expect(
        url is None
        or (isinstance(url, str) and url.startswith(("redis://", "rediss://", "unix://"))),
        f"{where}: [queue] redis_url must be a redis:// URL",
    )
    _expect(isinstance(prefix, str) and prefix.strip(), f"{where}: [queue] prefix must be text")
    values: dict[str, Any] = {"redis_url": url or None, "prefix": prefix}
    for key in ("heartbeat", "index_refresh", "leader_check"):
        value = t.get(key, getattr(d, key))
        try:
            values[key] = float(value) if _positive(value) else parse_duration(str(value))
        except ValueError as exc:
            raise ConfigError(f"{where}: [queue] {key}: {exc}") from None
    for key in ("concurrency", "per_domain"):
        value = t.get(key, getattr(d, key))
        _expect(
            isinstance(value, int) and not isinstance(value, bool) and value > 0,
            f"{where}: [queue] {key} must be a positive integer",
        )
        values[key] = value
    throttle = t.get("autothrottle", d.autothrottle)
    _expect(isinstance(throttle, bool), f"{where}: [queue] autothrottle must be true/false")
    unknown = set(t) - {"autothrottle", *values}
    _expect(not unknown, f"{where}: [queue] has no key {sorted(unknown)[0]!r}" if unknown else "")
    return QueueConfig(**values, autothrottle=throttle)


WEB_KEYS = ("token", "host", "port", "allowed_hosts", "trust_proxy", "secure_cookies",
            "read_timeout")  # fmt: skip
LOCAL_PROXY = ("127.0.0.1", "::1")


def _web(t: Mapping[str, Any], where: str) -> WebConfig:
    d = WebConfig()
    token, host, port = t.get("token"), t.get("host", d.host), t.get("port", d.port)
    _expect(token is None or isinstance(token, str), f"{where}: [web] token must be text")
    _expect(isinstance(host, str) and host.strip(), f"{where}: [web] host must be text")
    _expect(
        isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536,
        f"{where}: [web] port must be a port number (1-65535)",
    )
    unknown = sorted(set(t) - set(WEB_KEYS))
    _expect(not unknown, f"{where}: [web] has no key {unknown[0]!r}" if unknown else "")
    secure = t.get("secure_cookies", "auto")
    _expect(
        isinstance(secure, bool) or secure == "auto",
        f'{where}: [web] secure_cookies must be true, false or "auto"',
    )
    timeout = t.get("read_timeout", d.read_timeout)
    try:
        seconds = float(timeout) if _positive(timeout) else parse_duration(str(timeout))
    except ValueError as exc:
        raise ConfigError(f"{where}: [web] read_timeout: {exc}") from None
    return WebConfig(
        token=token or None,
        host=host,
        port=port,
        allowed_hosts=_allowed_hosts(t.get("allowed_hosts", []), where),
        trust_proxy=_trust_proxy(t.get("trust_proxy", False), where),
        secure_cookies=None if secure == "auto" else secure,
        read_timeout=seconds,
    )


def _allowed_hosts(value: Any, where: str) -> tuple[str, ...]:
    """Host names (`desk.example.org`, `*.example.org`, or `*` for any) without ports."""
    message = (
        f"{where}: [web] allowed_hosts must be a list of host names "
        '(e.g. ["desk.example.org"], "*.example.org" for subdomains, "*" for any)'
    )
    _expect(isinstance(value, list), message)
    hosts = []
    for item in value:
        _expect(isinstance(item, str) and item.strip(), message)
        name = item.strip().lower()
        wildcard_ok = name == "*" or "*" not in (name[2:] if name.startswith("*.") else name)
        _expect(wildcard_ok and not any(ch.isspace() or ch in "/@" for ch in name), message)
        hosts.append(name)
    return tuple(hosts)


def _trust_proxy(value: Any, where: str) -> tuple[str, ...]:
    """`false`, `true` (a proxy on this machine) or the proxies' addresses/networks."""
    import ipaddress

    if isinstance(value, bool):
        return LOCAL_PROXY if value else ()
    message = (
        f"{where}: [web] trust_proxy must be true, false or a list of the proxies' "
        'addresses (e.g. ["10.0.0.2", "10.1.0.0/16"])'
    )
    _expect(isinstance(value, list) and value, message)
    for item in value:
        _expect(isinstance(item, str), message)
        try:
            ipaddress.ip_network(item.strip(), strict=False)
        except ValueError:
            raise ConfigError(message) from None
    return tuple(item.strip() for item in value)


_SCHEDULE_COUNTS = ("fail_after", "disable_after", "silent_after", "workers")


def _schedule(t: Mapping[str, Any], where: str) -> ScheduleConfig:
    d = ScheduleConfig()
    values: dict[str, Any] = {}
    for key, value in t.items():
        if not hasattr(d, key):
            raise ConfigError(f"{where}: [schedule] has no key {key!r}")
        if key in _SCHEDULE_COUNTS:
            _expect(
                isinstance(value, int) and not isinstance(value, bool) and value > 0,
                f"{where}: [schedule] {key} must be a positive integer",
            )
            values[key] = value
            continue
        if key == "jitter" and value in (0, "0", "0s"):
            values[key] = 0.0  # jitter may be off; every other duration must be positive
            continue
        try:
            values[key] = parse_duration(str(value)) if not _positive(value) else float(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: [schedule] {key}: {exc}") from None
    return replace(d, **values)


def _retention(t: Mapping[str, Any], where: str) -> RetentionConfig:
    days = t.get("raw_html_days", RetentionConfig().raw_html_days)
    _expect(_positive(days), f"{where}: [retention] raw_html_days must be a positive number")
    return RetentionConfig(raw_html_days=float(days))


def scrapy_settings(config: Config, *, log_level: str = "WARNING") -> dict[str, Any]:
    """Map `[network]` onto Scrapy settings; applied at cmdline priority in the crawl."""
    net = config.network
    return {
        "USER_AGENT": net.user_agent,
        "ROBOTSTXT_OBEY": net.obey_robots,
        "DOWNLOAD_TIMEOUT": net.download_timeout,
        "DOWNLOAD_MAXSIZE": net.max_page_bytes,
        "DOWNLOAD_WARNSIZE": max(1, net.max_page_bytes // 2),
        "SYNDIWATCH_ALLOW_PRIVATE": net.allow_private,
        "LOG_LEVEL": log_level,
    }


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    _expect(isinstance(value, dict), f"{where}: [{key}] must be a table")
    return value  # type: ignore[no-any-return]


def _array(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    _expect(isinstance(value, list), f"{where}: [[{key}]] must be an array of tables")
    return value  # type: ignore[no-any-return]


def _expect(condition: Any, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))
