"""`syndiwatch worker`: crawl from the shared Redis queue (`[queue] redis_url`).

Start as many as wanted, on any machine that reaches Redis and the database; the
work itself is syndiwatch.worker's. Exits 0 on SIGTERM/SIGINT or when idle for
`--idle-exit` seconds.
"""

from __future__ import annotations

import click

from scraper.redis_queue import KINDS
from syndiwatch.commands import App, pass_app, user_errors


@click.command()
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Queue kinds to work (repeatable; default: all).")  # fmt: skip
@click.option("--idle-exit", type=float, default=0.0, show_default=True, metavar="SECONDS",
              help="Exit after this long with nothing to do (0: never).")  # fmt: skip
@click.option("--name", metavar="NAME", help="Worker name (default: host-pid).")
@pass_app
def worker(app: App, kinds: tuple[str, ...], idle_exit: float, name: str | None) -> None:
    """Fetch, match and store pages from the shared queue until SIGTERM/SIGINT.

    \b
    Example:
      syndiwatch --config cluster.toml worker --kind site --kind url
    """
    from syndiwatch.worker import WorkerError, run_worker

    with user_errors():
        app.store()  # migrate and upsert the config's stories and sources first
        try:
            report = run_worker(app.config, kinds=kinds or KINDS, idle_exit=idle_exit, name=name)
        except WorkerError as exc:
            raise click.ClickException(str(exc)) from None
    app.err.print(
        f"worker {report.worker}: {report.pages} pages, {report.copies} copies, "
        f"{report.errors} errors, {report.requeued} entries of dead workers requeued",
        soft_wrap=True,
    )
