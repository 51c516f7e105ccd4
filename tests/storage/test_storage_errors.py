"""Errors at storage's edge: one line, named exception, no password, nothing lost."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from storage import DatabaseUnavailable, StorageError, open_store
from storage.engine import parse_url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_postgres_is_one_line_without_password() -> None:
    url = f"postgresql://monitor:s3cret@127.0.0.1:{_closed_port()}/syndiwatch"
    with pytest.raises(DatabaseUnavailable) as caught:
        open_store(url)
    message = str(caught.value)
    assert "\n" not in message
    assert "s3cret" not in message
    assert "monitor:***@127.0.0.1" in message
    assert message.startswith("cannot open database postgresql+psycopg://")


def test_sqlite_file_that_cannot_be_opened(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(DatabaseUnavailable, match="cannot open database sqlite:///") as caught:
        open_store(f"sqlite:///{blocker / 'sub' / 'db.sqlite'}")
    assert "\n" not in str(caught.value)


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(DatabaseUnavailable, match="file is not a database") as caught:
        open_store(f"sqlite:///{junk}")
    assert "\n" not in str(caught.value)
    assert junk.read_bytes() == b"\x00garbage" * 1000


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "mysql://u:s3cret@h/db",
        "http://example.org/db",
        "postgresql://u:s3cret@host:notaport/db",
    ],
)
def test_bad_urls_are_storage_errors(url: str) -> None:
    with pytest.raises(StorageError) as caught:
        open_store(url)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_postgresql_urls_map_to_psycopg(given: str, driver: str) -> None:
    assert parse_url(given).drivername == driver


@pytest.mark.postgres
def test_plain_postgresql_url_opens(postgres_database: str) -> None:
    plain = postgres_database.replace("postgresql+psycopg://", "postgresql://")
    assert plain.startswith("postgresql://")
    with open_store(plain) as store:
        assert store.url.startswith("postgresql+psycopg://")
        assert store.list_stories() == []
