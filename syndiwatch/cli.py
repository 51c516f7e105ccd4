"""The `syndiwatch` command line (CONTRACT.md §1).

One function per command (in syndiwatch.commands), user errors raised as
click.ClickException with a one-line message. Exit codes: 0 success (also when
drift is found), 1 an error the command could not get past (network, database,
config, input), 2 a usage error. Logging is configured here and only here.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from syndiwatch.commands import App
from syndiwatch.commands.check import check, extract
from syndiwatch.commands.daemon import daemon, status
from syndiwatch.commands.demo import demo
from syndiwatch.commands.manage import source, story
from syndiwatch.commands.report import report
from syndiwatch.commands.run import run
from syndiwatch.commands.serve import serve
from syndiwatch.commands.worker import worker
from syndiwatch.terminal import strip_controls

# Libraries whose warnings are about pages, not about syndiwatch: trafilatura warns
# "discarding data" for every page it finds no body in, which normalise reports itself.
CHATTY_LOGGERS = ("trafilatura", "htmldate", "charset_normalizer")


class _MaskingFormatter(logging.Formatter):
    """Log lines (tracebacks too) without the password of any URL they quote, nor controls."""

    def format(self, record: logging.LogRecord) -> str:
        from storage.redact import mask_secrets

        return strip_controls(mask_secrets(super().format(record)))


class _Group(click.Group):
    """The syndiwatch group: an error line quoting a page or a server has no controls."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            exc.message = strip_controls(exc.message)  # type: ignore[misc]  # Final in stubs only
            raise


def _setup_logging(verbose: int, quiet: int) -> None:
    level = max(logging.DEBUG, min(logging.CRITICAL, logging.WARNING - 10 * verbose + 10 * quiet))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    for name in CHATTY_LOGGERS:  # their warnings show from -v on
        logging.getLogger(name).setLevel(level if verbose else max(level, logging.ERROR))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="FILE", help="Config file (syndiwatch.toml).")
@click.option("--database", "database_url", metavar="URL", help="Database URL (overrides config).")
@click.option("-v", "--verbose", count=True, help="More log output (repeat for more).")
@click.option("-q", "--quiet", count=True, help="Less log output.")
@click.version_option(package_name="syndiwatch")
@click.pass_context
def main(
    ctx: click.Context, config_path: str | None, database_url: str | None, verbose: int, quiet: int
) -> None:
    """syndiwatch — find republished copies of news stories and what drifted in them."""
    _setup_logging(verbose, quiet)
    app = App(config_path, database_url)
    ctx.obj = app
    ctx.call_on_close(app.close)


for _command in (check, extract, story, source, report, demo, serve, run, daemon, status, worker):
    main.add_command(_command)
