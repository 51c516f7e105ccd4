"""`run --once`: run every enabled source (and every re-check) now, then exit.

Shows a rich progress bar on a terminal (pages fetched, copies found, errors),
prints a summary with one line per failure, and exits 0 even when some sources
failed. The run and each source's statistics are stored as a "run-once" run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from storage import Store
from syndiwatch.commands import App, pass_app, user_errors
from syndiwatch.config import Config

RUN_KIND = "run-once"


@click.command()
@click.option("--once", is_flag=True, required=True, help="Run every source once now, then exit.")
@pass_app
def run(app: App, once: bool) -> None:
    """Run every source and every re-check once, now, then exit.

    \b
    Example:
      syndiwatch run --once
    """
    from syndiwatch.discover import fetch_missing_originals, run_sources
    from syndiwatch.pipeline import utcnow

    with user_errors():
        store = app.store()
        now = utcnow()
        problems = fetch_missing_originals(store, app.config, now=now)
        sources = [s for s in store.list_sources() if s.enabled]
        with _progress(app.err) as tick:
            results = run_sources(
                store, app.config, sources, now=now, progress=tick, run_kind=RUN_KIND
            )
        rechecked = _recheck(store, app.config, now)
        notified = _notify(store, app.config, utcnow())
    _print_summary(app.console, app.err, sources, results, problems, rechecked)
    if notified:
        app.console.print(notified)


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[str, int], None]]:
    """A progress callback; on a terminal it drives a rich progress bar."""
    counts = {"page": 0, "copy": 0, "error": 0}
    if not console.is_terminal:
        yield lambda event, n: counts.__setitem__(event, counts.get(event, 0) + n)
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("pages fetched [bold]{task.fields[page]}[/]"),
        TextColumn("copies found [bold green]{task.fields[copy]}[/]"),
        TextColumn("errors [bold red]{task.fields[error]}[/]"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("discovering", total=None, page=0, copy=0, error=0)

        def tick(event: str, n: int) -> None:
            counts[event] = counts.get(event, 0) + n
            bar.update(task, page=counts["page"], copy=counts["copy"], error=counts["error"])

        yield tick


def _recheck(store: Store, config: Config, now: datetime) -> str:
    """Re-check known copies and originals that are due; say what it did."""
    from syndiwatch.recheck import recheck_all

    stats = recheck_all(store, config, now=now).as_stats()
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in stats.items() if k != "errors")


def _notify(store: Store, config: Config, now: datetime) -> str | None:
    """Send the notices owed for new high-severity findings (CONTRACT §1: run … notify)."""
    from syndiwatch.notify import notify_new_findings

    result = notify_new_findings(store, config, now=now)
    if not config.notify.urls:
        return None
    return f"notifications: {result.sent} sent, {result.failed} failed"


def _print_summary(
    console: Console,
    err: Console,
    sources: Sequence[Any],
    results: Sequence[Any],
    problems: Sequence[str],
    rechecked: str | None,
) -> None:
    if not sources:
        console.print("No sources to run. Add one with: syndiwatch source add feed URL")
    else:
        fetched = sum(r.pages_fetched for r in results)
        line = (
            f"Ran {len(sources)} source{'s' if len(sources) != 1 else ''}: "
            f"{fetched} pages fetched ({sum(r.pages_unchanged for r in results)} unchanged), "
            f"{sum(r.analysed for r in results)} analysed, "
            f"{sum(r.copies_found for r in results)} copies found, "
            f"{sum(r.not_modified for r in results)} not modified, "
            f"{sum(len(r.errors) for r in results)} errors."
        )
        console.print(line, highlight=False)
    if rechecked:
        console.print(f"Re-checks: {escape(rechecked)}", highlight=False)
    for line in problems:
        err.print(f"error: {escape(line)}", highlight=False)
    for result in results:
        for line in result.errors:
            err.print(f"error: src_{result.source_id:02d}: {escape(line)}", highlight=False)
        for line in result.warnings:
            err.print(f"warning: src_{result.source_id:02d}: {escape(line)}", highlight=False)
