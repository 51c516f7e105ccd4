"""Review desk fixtures: a pipeline-filled database per test, and clients over it.
Each test runs on SQLite and on PostgreSQL (`database_kind`, tests/conftest.py).

The data and helpers live in deskdata.py (importable by the test modules).
`any_store` is an empty store on SQLite and on PostgreSQL, for the desk's
storage verbs.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import replace
from pathlib import Path

import pytest
from deskdata import T0, TOKEN, DeskData, fill_desk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "storage"))

from dburls import fresh_schema, session_database
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from storage import Store, open_store
from syndiwatch.demo.server import DemoSites
from syndiwatch.web import create_app

NewDatabase = Callable[..., AbstractContextManager[str]]


@pytest.fixture(scope="session")
def desk_templates(
    demo_sites: DemoSites, tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase
) -> Iterator[Callable[[str], DeskData]]:
    """The filled database of each kind, made once per session when first asked for
    (PostgreSQL: a template database)."""
    made: dict[str, DeskData] = {}
    with ExitStack() as stack:

        def template(kind: str) -> DeskData:
            if kind not in made:
                path = tmp_path_factory.mktemp("desk") / "desk.db"
                url = stack.enter_context(new_database(path, kind))
                with open_store(url) as store:
                    made[kind] = replace(fill_desk(store, demo_sites), url=url)
            return made[kind]

        yield template


@pytest.fixture
def desk_template(desk_templates: Callable[[str], DeskData], database_kind: str) -> DeskData:
    return desk_templates(database_kind)


@pytest.fixture
def desk(
    desk_template: DeskData, tmp_path: Path, new_database: NewDatabase, database_kind: str
) -> Iterator[DeskData]:
    """A private copy of the filled database for one test."""
    if database_kind == "postgresql":
        with new_database(tmp_path / "desk.db", database_kind, template=desk_template.url) as url:
            yield replace(desk_template, url=url)
        return
    path = tmp_path / "desk.db"
    shutil.copyfile(make_url(desk_template.url).database or "", path)
    yield replace(desk_template, url=f"sqlite:///{path}")


@pytest.fixture
def desk_store(desk: DeskData) -> Iterator[Store]:
    with open_store(desk.url) as store:
        yield store


@pytest.fixture
def client(desk_store: Store) -> Iterator[TestClient]:
    """A client of a desk with a token configured (not signed in)."""
    with TestClient(create_app(desk_store, token=TOKEN, now=lambda: T0)) as c:
        yield c


@pytest.fixture
def readonly_client(desk_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(desk_store, token=None, now=lambda: T0)) as c:
        yield c


@pytest.fixture(scope="session")
def desk_postgres() -> Iterator[str]:
    yield from session_database("syndiwatch_desk_test")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on a fresh SQLite file, or on a fresh PostgreSQL schema."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'desk.db'}"
        else:
            url = stack.enter_context(fresh_schema(request.getfixturevalue("desk_postgres")))
        yield stack.enter_context(open_store(url))
