"""Fixtures for discovery tests (helpers live in discovery_support)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from discovery_support import FixtureSite


@pytest.fixture
def fixture_site() -> Iterator[FixtureSite]:
    site = FixtureSite()
    try:
        yield site
    finally:
        site.close()
