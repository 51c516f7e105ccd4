"""Review desk fixtures: a pipeline-filled database per test, and clients over it.

The data and helpers live in deskdata.py (importable by the test modules).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskdata import T0, TOKEN, DeskData, fill_desk
from starlette.testclient import TestClient

from storage import Store, open_store
from syndiwatch.demo.server import DemoSites
from syndiwatch.web import create_app


@pytest.fixture(scope="session")
def desk_template(demo_sites: DemoSites, tmp_path_factory: pytest.TempPathFactory) -> DeskData:
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    with open_store(f"sqlite:///{path}") as store:
        data = fill_desk(store, demo_sites)
    return DeskData(path, data.story_id, data.original_url, data.copy_ids)


@pytest.fixture
def desk(desk_template: DeskData, tmp_path: Path) -> DeskData:
    """A private copy of the filled database for one test."""
    path = tmp_path / "desk.db"
    shutil.copyfile(desk_template.path, path)
    return DeskData(
        path, desk_template.story_id, desk_template.original_url, desk_template.copy_ids
    )


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
