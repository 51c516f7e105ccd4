"""`report`: print or write the stored drift report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from syndiwatch.commands import App, pass_app, user_errors
from syndiwatch.terminal import TerminalConsole

REPORT_FORMATS = ("text", "json", "csv", "html")


@click.command()
@click.option("--story", "story_ref", metavar="ID", help="Only this story (e.g. s_01).")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE.")
@pass_app
def report(app: App, story_ref: str | None, fmt: str, output: str | None) -> None:
    """Print or write the stored drift report (all stories unless --story).

    \b
    Examples:
      syndiwatch report
      syndiwatch report --story s_01 --format json --output leak.json
      syndiwatch report --format csv --output findings.csv
      syndiwatch report --format html --output report.html
    """

    from storage.records import parse_story_id
    from syndiwatch.pipeline import utcnow
    from syndiwatch.report import build_report, render_csv, render_json, render_text

    story_id = None
    if story_ref:
        try:
            story_id = parse_story_id(story_ref)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--story") from None
    with user_errors():
        store = app.store()
        if story_id is not None and store.get_story(story_id) is None:
            raise click.ClickException(f"no story with id {story_ref}")
        stories = store.report(story_id)
        data = build_report(stories, generated_at=utcnow())
        if fmt == "html":
            from syndiwatch.htmlreport import aligned_views, render_html

            _emit(render_html(data, aligned_views(store, stories)), output)
            return
    if fmt == "json":
        _emit(render_json(data), output)
    elif fmt == "csv":
        _emit(render_csv(data), output)
    elif output:
        with open(output, "w", encoding="utf-8") as fh:
            render_text(data, TerminalConsole(file=fh, width=120, highlight=False))
    else:
        render_text(data, app.console)


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
