"""The cluster part of `syndiwatch status` (with `[queue] redis_url`): leader, queue, workers.

Reads the leader from the database (storage's cluster_leader row, checked against
the advisory-lock holder in pg_stat_activity, syndiwatch.leader) and the queue
depth, in-flight entries and live workers from Redis (scraper.redis_queue). Reads
only; what an unreachable server means is said in `errors`, never raised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
import redis

from scraper.redis_queue import connect, live_workers, queue_depth_by_kind
from storage import Store
from storage.engine import parse_url
from storage.redact import mask_secrets
from syndiwatch.config import Config
from syndiwatch.leader import lock_holder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClusterStatus:
    """leader: holder, host, pid, since, lock ("held", "not held", "single node");
    queue: per kind {messages, requests, inflight}; workers: name → host, pid, since,
    kinds, inflight (live heartbeats only)."""

    prefix: str
    leader: dict[str, Any] | None = None
    queue: dict[str, dict[str, int]] = field(default_factory=dict)
    workers: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()


def build_cluster(store: Store, config: Config) -> ClusterStatus | None:
    """The cluster's state, or None without a shared queue (status is then unchanged)."""
    queue = config.queue
    if not queue.redis_url:
        return None
    errors: list[str] = []
    leader = _leader(store, config, errors)
    depth: dict[str, dict[str, int]] = {}
    workers: dict[str, dict[str, Any]] = {}
    try:
        client = connect(queue.redis_url)
        depth = queue_depth_by_kind(client, queue.prefix)
        workers = {name: _worker(info) for name, info in live_workers(client, queue.prefix).items()}
    except redis.RedisError as exc:
        errors.append(mask_secrets(f"cannot reach Redis at {queue.redis_url}: {exc}"))
    return ClusterStatus(queue.prefix, leader, depth, workers, tuple(errors))


def _leader(store: Store, config: Config, errors: list[str]) -> dict[str, Any] | None:
    row = store.last_leader()
    recorded = (
        {"holder": row.holder, "host": row.host, "pid": row.pid, "since": row.since} if row else {}
    )
    if parse_url(config.database_url).get_backend_name() != "postgresql":
        return {**recorded, "lock": "single node"} if recorded else None
    try:
        holder = lock_holder(config.database_url)
    except psycopg.Error as exc:
        errors.append(f"cannot ask PostgreSQL who holds the leader lock: {exc}")
        return {**recorded, "lock": "unknown"} if recorded else None
    if holder is None:
        return {**recorded, "lock": "not held"} if recorded else None
    if row is not None and holder.pid == row.pid:
        return {**recorded, "lock": "held", "client_addr": holder.client_addr}
    # Holding the lock but not (yet) recorded: what PostgreSQL knows of it.
    return {"holder": holder.application_name, "host": holder.client_addr, "pid": holder.pid,
            "since": None, "lock": "held", "client_addr": holder.client_addr}  # fmt: skip


def _worker(info: dict[str, Any]) -> dict[str, Any]:
    since = info.get("since")
    return {
        "host": info.get("host"),
        "pid": info.get("pid"),
        "since": datetime.fromtimestamp(float(since), UTC) if since else None,
        "kinds": list(info.get("kinds") or []),
        "inflight": int(info.get("inflight") or 0),
    }


def render_cluster(cluster: ClusterStatus, when: Any) -> list[str]:
    """Text lines of the cluster section; `when` formats a datetime."""
    lines = ["", f"Cluster (queue prefix {cluster.prefix}):"]
    leader = cluster.leader
    if leader is None:
        lines.append("  leader: none recorded (has a daemon run on this database?)")
    else:
        since = f" since {when(leader['since'])}" if leader.get("since") else ""
        lines.append(f"  leader: {leader['holder']} (host {leader['host']}, pid {leader['pid']})"
                     f"{since}; lock {leader['lock']}")  # fmt: skip
    for kind, depth in cluster.queue.items():
        lines.append(f"  queue {kind:8} {depth['messages']} waiting, {depth['requests']} requests, "
                     f"{depth['inflight']} in flight")  # fmt: skip
    lines.append(
        f"  workers: {len(cluster.workers)} live" if cluster.workers else "  workers: none"
    )
    for name, w in cluster.workers.items():
        kinds = ",".join(w["kinds"]) or "all"
        lines.append(f"    {name} (host {w['host']}, pid {w['pid']}) since {when(w['since'])}: "
                     f"{kinds}, {w['inflight']} in flight")  # fmt: skip
    lines += [f"  ! {e}" for e in cluster.errors]
    return lines
