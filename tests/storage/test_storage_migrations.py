"""Alembic migrations: from empty to head, twice, down to base, and concurrent first opens."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pkgutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from storage_samples import analysis, number_changed

import storage
from storage import open_store
from storage.engine import (
    alembic_config,
    current_revision,
    head_revision,
    parse_url,
    run_locked,
)
from storage.schema import Base


def _model_tables() -> set[str]:
    """Every table a model declares, after importing every module of storage/."""
    for module in pkgutil.iter_modules(storage.__path__, "storage."):
        importlib.import_module(module.name)
    return set(Base.metadata.tables)


TABLES = _model_tables()


def _tables(url: str) -> set[str]:
    engine = create_engine(parse_url(url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(parse_url(url))
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def test_open_store_creates_schema_from_empty(db_url: str) -> None:
    assert _tables(db_url) == set()
    with open_store(db_url):
        pass
    assert _tables(db_url) == TABLES
    assert _revision(db_url) == head_revision()


def test_migrations_match_the_models(db_url: str) -> None:
    # A model changed without a revision (or the reverse) shows up here.
    command.upgrade(alembic_config(parse_url(db_url)), "head")
    engine = create_engine(parse_url(db_url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_head_twice_is_a_noop(db_url: str) -> None:
    cfg = alembic_config(parse_url(db_url))
    command.upgrade(cfg, "head")
    with open_store(db_url) as store:
        store.add_story("https://news.example/a")
    command.upgrade(cfg, "head")
    with open_store(db_url) as store:
        assert [s.url for s in store.list_stories()] == ["https://news.example/a"]
    assert _tables(db_url) == TABLES
    assert _revision(db_url) == head_revision()


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in script.walk_revisions("base", "heads")]


def test_upgrade_from_base_and_downgrade_to_base(db_url: str) -> None:
    cfg = alembic_config(parse_url(db_url))
    command.upgrade(cfg, "head")
    assert _tables(db_url) == TABLES
    command.downgrade(cfg, "base")
    assert _tables(db_url) == set()
    assert _revision(db_url) is None
    command.upgrade(cfg, "head")
    assert _tables(db_url) == TABLES


# Rows written with plain SQL at the oldest revision; every later revision must keep them.
SEED_0001 = [
    "INSERT INTO stories (id, url, name, created_at) VALUES (1, 'https://n.example/a', 'A', :t)",
    "INSERT INTO pages (id, url, domain, consecutive_failures) VALUES (1, 'https://r.example/1',"
    " 'r.example', 0)",
    "INSERT INTO snapshots (id, page_id, fetched_at, last_seen_at, status, content_hash, raw_html,"
    " compression, headers) VALUES (1, 1, :t, :t, 200, 'h', :raw, 'zlib', '{}')",
    "INSERT INTO copies (id, story_id, page_id, discovered_via, first_seen, last_checked, status,"
    " match_kind, containment, verbatim, added, drift_score, severity, snapshot_id, title)"
    " VALUES (1, 1, 1, 'feed', :t, :t, 'live', 'full', 0.9, 0.7, 0.1, 60, 'high', 1, 'T')",
    "INSERT INTO findings (id, copy_id, key, code, category, severity, message, evidence,"
    " first_seen, last_seen, active, review) VALUES (1, 1, 'k', 'content.number_changed',"
    " 'content', 'high', 'm', '{}', :t, :t, :yes, 'dismissed')",
]


@pytest.mark.parametrize("previous", [r for r in _revisions() if r != head_revision()])
def test_database_at_previous_revision_upgrades(db_url: str, previous: str) -> None:
    # Grows with each new revision: a populated database at every older revision
    # must reach head without losing a row.
    cfg = alembic_config(parse_url(db_url))
    command.upgrade(cfg, "0001")
    engine = create_engine(parse_url(db_url))
    with engine.begin() as conn:
        params = {"t": "2026-11-24 12:00:00", "raw": zlib.compress(b"<p>x</p>"), "yes": True}
        for statement in SEED_0001:
            conn.execute(text(statement), params)
    engine.dispose()
    command.upgrade(cfg, previous)
    with open_store(db_url) as store:
        assert _revision(db_url) == head_revision()
        copies = store.copies_for_story(1)
        assert [c.id for c in copies] == [1]
        assert [(f.id, f.review) for f in copies[0].findings] == [(1, "dismissed")]
        assert store.get_raw_html(1) == b"<p>x</p>"


def test_first_revision_is_named_initial() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    base = script.get_base()
    assert base == "0001"
    assert script.get_revision(base).module.__file__.endswith("0001_initial.py")


def test_sqlite_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "sw.db"
    with open_store(f"sqlite:///{path}") as store:
        store.add_story("https://news.example/a")
    assert path.exists()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    # White-box look at the pragmas of a pooled connection.
    with open_store(url) as store, store._engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def _open_and_add(url: str, n: int) -> None:
    with open_store(url) as store:
        store.add_story(f"https://news.example/{n}")


def test_processes_open_the_same_new_database_at_once(db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_and_add, args=(db_url, n)) for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert _revision(db_url) == head_revision()
    with open_store(db_url) as store:
        assert len(store.list_stories()) == 3


def test_sqlite_table_rebuild_keeps_referencing_rows(tmp_path: Path, t0) -> None:
    # Alembic's batch mode rebuilds SQLite tables by DROP + CREATE (SQLite only);
    # with foreign keys on, that DROP would cascade to the findings of every copy.
    with open_store(f"sqlite:///{tmp_path / 'sw.db'}") as store:
        story = store.add_story("https://n.example/a", now=t0)
        snap = store.record_fetch(
            "https://r.example/1", status=200, body=b"x", headers={}, article=None, fetched_at=t0
        )
        store.record_analysis(
            story.id,
            "https://r.example/1",
            snapshot_id=snap.id,
            analysis=analysis(number_changed()),
            discovered_via="url",
            title="t",
            now=t0,
        )

        def rebuild_copies(cfg) -> None:
            context = MigrationContext.configure(cfg.attributes["connection"])
            with Operations(context).batch_alter_table("copies", recreate="always") as batch:
                batch.alter_column("title", existing_type=sa.Text(), nullable=False)

        with store._engine.connect() as conn:
            run_locked(conn, rebuild_copies)
        assert len(store.copies_for_story(story.id)[0].findings) == 1


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite(url: str) -> None:
    with open_store(url) as store:
        story = store.add_story("https://news.example/a")
        assert store.get_story(story.id) == story


def test_database_from_a_newer_syndiwatch_is_refused_in_one_line(db_url: str) -> None:
    # A newer syndiwatch migrated this database to a revision this one does not know.
    with open_store(db_url):
        pass
    engine = create_engine(parse_url(db_url))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    finally:
        engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
    done = subprocess.run(
        [sys.executable, "-m", "syndiwatch", "--database", db_url, "status"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"Error: the database is at revision 9999_future, newer than this syndiwatch"
        f" ({head_revision()}); upgrade syndiwatch"
    ]
    assert done.stdout == ""
    assert _revision(db_url) == "9999_future"  # refused, not touched
