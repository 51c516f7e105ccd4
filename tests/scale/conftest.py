"""Fixtures for scale-out tests: a fresh PostgreSQL database and a Redis key prefix.

Both servers run on 127.0.0.1 (scripts/check starts them). Unreachable: the test
fails on CI (CI=true) with a clear message and is skipped elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import redis
from scale_cli import POSTGRES, REDIS

from tests.storage.dburls import unavailable


@pytest.fixture
def pg_url(new_postgres_database: Callable[[str], AbstractContextManager[str]]) -> Iterator[str]:
    """A fresh PostgreSQL database for one test (scale-out runs on PostgreSQL only)."""
    with new_postgres_database(POSTGRES) as url:
        yield url


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS} is unreachable: {exc}")
    return client


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A Redis key prefix of this test's own; its keys are deleted afterwards."""
    name = f"swtest{uuid.uuid4().hex[:10]}"
    yield name
    for key in redis_client.scan_iter(f"{name}:*"):
        redis_client.delete(key)
