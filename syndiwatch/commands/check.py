"""`check` (analyse given copies now) and `extract` (show how one page is read)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from syndiwatch.commands import FORMATS, App, pass_app, user_errors
from syndiwatch.terminal import escape_controls_json, strip_controls


@click.command()
@click.argument("original_url")
@click.argument("copy_urls", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@pass_app
def check(app: App, original_url: str, copy_urls: tuple[str, ...], fmt: str) -> None:
    """Fetch ORIGINAL_URL and each COPY_URL now, analyse, store and report on them.

    \b
    Example:
      syndiwatch check https://news.example/leak https://republisher.example/a/123
    """
    from syndiwatch import pipeline
    from syndiwatch.report import build_report, render_json, render_text

    for url in (original_url, *copy_urls):
        _require_http(url)
    with user_errors():
        store = app.store()
        result = pipeline.check(store, app.config, original_url, copy_urls)
        report = build_report(
            store.report(result.story.id),
            generated_at=pipeline.utcnow(),
            only_urls={result.story.id: [o.final_url for o in result.outcomes]},
        )
    notes = [_outcome_note(o) for o in result.outcomes if o.outcome != "copy"]
    if fmt == "json":
        sys.stdout.write(render_json(report))
        for note in notes:
            click.echo(strip_controls(note), err=True)
    else:
        render_text(report, app.console, notes)


def _outcome_note(outcome: object) -> str:
    from syndiwatch.pipeline import CopyOutcome

    assert isinstance(outcome, CopyOutcome)
    label = {
        "error": "fetch failed",
        "not_a_copy": "not a copy",
        "not_an_article": "not an article",
    }
    return f"{label.get(outcome.outcome, outcome.outcome)}: {outcome.url} — {outcome.message}"


def _require_http(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")


@click.command()
@click.argument("source")
@click.option("--url", "base_url", help="The page's address when SOURCE is a file or -.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@pass_app
def extract(app: App, source: str, base_url: str | None, fmt: str) -> None:
    """Show what syndiwatch reads in one page: a URL, a saved HTML FILE, or - for stdin.

    \b
    Examples:
      syndiwatch extract https://news.example/leak --format json
      syndiwatch extract saved.html --url https://news.example/leak
      curl -s https://news.example/leak | syndiwatch extract - --url https://news.example/leak
    """
    from drift.errors import NotAnArticle
    from drift.normalise import normalise

    data, url, headers = _read_page(app, source, base_url)
    try:
        article = normalise(data, url, headers)
    except NotAnArticle as exc:
        raise click.ClickException(f"{url}: not an article: {exc}") from None
    if fmt == "json":
        text = json.dumps(article.to_json(), indent=2, ensure_ascii=False)
        sys.stdout.write(escape_controls_json(text) + "\n")
    else:
        from syndiwatch.articleview import render_article

        render_article(article, app.console)


def _read_page(app: App, source: str, base_url: str | None) -> tuple[bytes, str, dict[str, str]]:
    if source.startswith(("http://", "https://")):
        from syndiwatch.crawl import fetch_one

        with user_errors():
            page = fetch_one(app.config, source)
        if page.error is not None:
            raise click.ClickException(f"cannot fetch {source}: {page.error}")
        return page.body, page.url, dict(page.headers)
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(source).expanduser().read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {source}: {exc.strerror or exc}") from None
    url = base_url or (Path(source).resolve().as_uri() if source != "-" else "about:stdin")
    return data, url, {}
