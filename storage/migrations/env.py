"""Alembic environment for syndiwatch's schema (storage.schema.Base.metadata).

storage.engine.upgrade_database passes an open connection in
`config.attributes["connection"]` (inside its lock); the `alembic` command line
(`alembic -c storage/alembic.ini -x url=…`) gets a URL and opens its own.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.engine import create_store_engine, parse_url, run_locked
from storage.schema import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    # The `alembic` command line: reuse storage's locked run on a fresh engine.
    engine = create_store_engine(parse_url(_url()))
    try:
        with engine.connect() as conn:
            run_locked(conn, lambda _cfg: _run_on(conn))
    finally:
        engine.dispose()


def _run_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    return url or config.get_main_option("sqlalchemy.url") or "sqlite:///syndiwatch.db"


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
