"""What every command shares: the App object (config + store) and error mapping.

Each command module in this package is one group of commands of CONTRACT.md §1;
syndiwatch.cli attaches them to the `syndiwatch` group.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console

from syndiwatch.config import Config, ConfigError, load_config
from syndiwatch.terminal import TerminalConsole

FORMATS = ("text", "json")
PIPE_WIDTH = 120  # rich would wrap at 80 columns when output is not a terminal


def _console(*, stderr: bool) -> Console:
    """A console that wraps at the terminal's width, or at 120 columns into a file or pipe.

    It strips control and bidi characters from every string (syndiwatch.terminal).
    """
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return TerminalConsole(stderr=stderr, highlight=False, width=width)


@dataclass
class App:
    """What every command gets: the loaded config and, on demand, the store."""

    config_path: str | None
    database_url: str | None
    _config: Config | None = None
    _store: Any = None
    console: Console = field(default_factory=lambda: _console(stderr=False))
    err: Console = field(default_factory=lambda: _console(stderr=True))

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path, self.database_url)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._config

    def store(self) -> Any:
        """Open (and migrate) the database once; upsert the config's stories and sources."""
        if self._store is None:
            from storage import open_store
            from syndiwatch.sync import sync_config

            self._store = open_store(self.config.database_url)
            sync_config(self._store, self.config)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the named errors of the lower rooms into one-line CLI errors."""
    from drift.errors import DriftError
    from scraper.errors import CrawlError
    from storage.errors import StorageError
    from syndiwatch.pipeline import PipelineError

    try:
        yield
    except (PipelineError, StorageError, CrawlError, DriftError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None


pass_app = click.make_pass_decorator(App)
