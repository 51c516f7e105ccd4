"""`story add|list|remove` and `source add|list|remove`: what to protect and where to look."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from syndiwatch.commands import App, pass_app, user_errors
from syndiwatch.config import SOURCE_KINDS, parse_duration
from syndiwatch.report import iso


@click.group()
def story() -> None:
    """Manage tracked originals."""


@story.command("add")
@click.argument("url")
@click.option("--name", help="A short name for the story.")
@pass_app
def story_add(app: App, url: str, name: str | None) -> None:
    """Fetch and store the original at URL now; print the new story id.

    \b
    Example:
      syndiwatch story add https://news.example/2022/05/24/leak --name "Leak story"
    """
    from syndiwatch.pipeline import add_story

    _require_http(url)
    with user_errors():
        record = add_story(app.store(), app.config, url, name=name)
    click.echo(record.public_id)


@story.command("list")
@pass_app
def story_list(app: App) -> None:
    """List tracked stories.

    \b
    Example:
      syndiwatch story list
    """
    with user_errors():
        stories = app.store().list_stories()
    if not stories:
        click.echo("No stories tracked yet. Add one with: syndiwatch story add URL")
        return
    table = Table("id", "title", "url", "last checked")
    for s in stories:
        title = s.name or (s.article.title if s.article else "") or "(not fetched yet)"
        table.add_row(s.public_id, escape(title), escape(s.url), iso(s.last_checked) or "never")
    app.console.print(table)


@story.command("remove")
@click.argument("story_id")
@pass_app
def story_remove(app: App, story_id: str) -> None:
    """Stop tracking a story (its copies and findings are deleted).

    \b
    Example:
      syndiwatch story remove s_01
    """
    from storage.records import parse_story_id

    try:
        n = parse_story_id(story_id)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="ID") from None
    with user_errors():
        removed = app.store().remove_story(n)
    if not removed:
        raise click.ClickException(f"no story with id {story_id}")
    click.echo(f"removed {story_id}")


@click.group()
def source() -> None:
    """Manage where copies are looked for."""


@source.command("add")
@click.argument("kind", type=click.Choice(SOURCE_KINDS))
@click.argument("url")
@click.option("--every", metavar="DURATION", help="Run every DURATION (e.g. 15m, 6h, 1d).")
@click.option("--cron", metavar="EXPR", help='Run on a cron schedule (e.g. "*/15 * * * *").')
@click.option("--story", "story_ref", metavar="ID", help="Search only for copies of this story.")
@pass_app
def source_add(
    app: App, kind: str, url: str, every: str | None, cron: str | None, story_ref: str | None
) -> None:
    """Add a source of candidate copies: a feed, sitemap, site or single url.

    \b
    Examples:
      syndiwatch source add feed https://republisher.example/rss.xml --every 15m
      syndiwatch source add sitemap https://republisher.example/sitemap.xml --cron "0 * * * *"
      syndiwatch source add url https://republisher.example/a/123 --story s_01
    """
    from storage.records import parse_story_id

    _require_http(url)
    if every and cron:
        raise click.UsageError("give --every or --cron, not both")
    if every:
        try:
            parse_duration(every)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--every") from None
    with user_errors():
        store = app.store()
        story_id = None
        if story_ref:
            try:
                story_id = parse_story_id(story_ref)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--story") from None
            if store.get_story(story_id) is None:
                raise click.ClickException(f"no story with id {story_ref}")
        record = store.add_source(kind, url, every=every, cron=cron, story_id=story_id)
    click.echo(f"src_{record.id:02d}")


@source.command("list")
@pass_app
def source_list(app: App) -> None:
    """List sources with their schedule and scope.

    \b
    Example:
      syndiwatch source list
    """
    from storage.records import story_public_id

    with user_errors():
        sources = app.store().list_sources()
    if not sources:
        click.echo("No sources yet. Add one with: syndiwatch source add KIND URL")
        return
    table = Table("id", "kind", "url", "schedule", "story")
    for s in sources:
        schedule = f"every {s.every}" if s.every else (f"cron {s.cron}" if s.cron else "default")
        scope = story_public_id(s.story_id) if s.story_id else "all stories"
        table.add_row(f"src_{s.id:02d}", s.kind, escape(s.url), escape(schedule), scope)
    app.console.print(table)


@source.command("remove")
@click.argument("source_id")
@pass_app
def source_remove(app: App, source_id: str) -> None:
    """Remove a source.

    \b
    Example:
      syndiwatch source remove src_01
    """
    text = source_id.lower().removeprefix("src_")
    if not text.isdigit():
        raise click.BadParameter(f"not a source id: {source_id!r} (e.g. src_01)", param_hint="ID")
    with user_errors():
        removed = app.store().remove_source(int(text))
    if not removed:
        raise click.ClickException(f"no source with id {source_id}")
    click.echo(f"removed {source_id}")


def _require_http(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
