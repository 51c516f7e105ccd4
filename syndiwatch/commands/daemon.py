"""`syndiwatch daemon` (run the schedule until SIGTERM/SIGINT) and `syndiwatch status`.

The scheduler itself is syndiwatch.daemon's; what status shows is
syndiwatch.status's. Both open the store through the shared App.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from syndiwatch.commands import App, pass_app, user_errors

log = logging.getLogger(__name__)


@click.command()
@pass_app
def daemon(app: App) -> None:
    """Run the schedule forever, until SIGTERM/SIGINT (exit 0); SIGHUP re-reads sources.

    \b
    Example:
      syndiwatch -v daemon
    """
    from storage.locks import AlreadyLocked
    from syndiwatch.daemon import Daemon
    from syndiwatch.leader import single_node_lock

    with user_errors():
        try:
            # PostgreSQL: several daemons may run; syndiwatch.leader elects the scheduler.
            with single_node_lock(app.config.database_url):
                store = app.store()
                runner = Daemon(
                    store, app.config, config_path=app.config_path,
                    database_url=app.database_url,
                )  # fmt: skip
                status = runner.run()
        except AlreadyLocked as exc:
            raise click.ClickException(str(exc)) from None
    if runner.stuck:  # a job ignored the kill; do not wait for its thread at exit
        logging.shutdown()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")  # fmt: skip
@click.option("--runs", default=10, show_default=True, help="How many recent runs to show.")
@pass_app
def status(app: App, fmt: str, runs: int) -> None:
    """Show the schedule (next run of each job), the last runs and unhealthy sources.

    \b
    Example:
      syndiwatch status --format json
    """
    from syndiwatch.pipeline import utcnow
    from syndiwatch.status import build_status, render_json, render_text

    with user_errors():
        report = build_status(app.store(), app.config, now=utcnow(), runs=runs)
    click.echo(render_json(report) if fmt == "json" else render_text(report))
