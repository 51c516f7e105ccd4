"""Shared fixtures: the bundled demo sites served on 127.0.0.1.

`demo_sites` is one server set for the whole session (never mutate it);
`fresh_sites` is a private set for a test that overrides or removes pages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from syndiwatch.demo.server import DemoSites, serve_sites


@pytest.fixture(scope="session")
def demo_sites() -> Iterator[DemoSites]:
    """Serve every demo site for the session; read-only."""
    with serve_sites() as sites:
        yield sites


@pytest.fixture
def fresh_sites() -> Iterator[DemoSites]:
    """Serve a private copy of the demo sites that a test may mutate with set_override."""
    with serve_sites() as sites:
        yield sites
