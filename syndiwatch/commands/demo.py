"""`demo`: the newcomer's main job on the bundled demo sites, nothing left running."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from syndiwatch.commands import App, pass_app, user_errors

NEXT_STEPS = """
What to try next:
  • Review these findings in the browser: syndiwatch demo --serve
  • Keep the demo database to explore:    syndiwatch demo --keep-db demo.db
                                          syndiwatch --database sqlite:///demo.db report
  • Track a story of yours:               syndiwatch story add https://your.site/story
  • Check copies you know of:             syndiwatch check ORIGINAL_URL COPY_URL...
  • Watch a republisher's feed:           syndiwatch source add feed https://example.org/rss.xml
                                          syndiwatch run --once   (or: syndiwatch daemon)
  • See how one page is read:             syndiwatch extract URL
  • Every command and option:             syndiwatch --help
"""


@click.command()
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option("--keep-db", type=click.Path(dir_okay=False), help="Keep the demo database here.")
@click.option("--serve", is_flag=True, help="Then serve the review desk on it until Ctrl-C.")
@pass_app
def demo(app: App, fmt: str, keep_db: str | None, serve: bool) -> None:
    """Serve the bundled demo sites on loopback, track the demo story, print the report.

    \b
    Example:
      syndiwatch demo
    """
    from syndiwatch import pipeline
    from syndiwatch.demo.server import serve_sites
    from syndiwatch.report import build_report, render_json, render_text

    with tempfile.TemporaryDirectory(prefix="syndiwatch-demo-") as tmp:
        db_path = Path(keep_db) if keep_db else Path(tmp) / "demo.db"
        # The demo sites live on 127.0.0.1, which the crawler refuses unless allowed.
        network = replace(app.config.network, allow_private=True)
        config = replace(app.config, database_url=f"sqlite:///{db_path}", network=network)
        from storage import open_store

        with serve_sites() as sites, user_errors(), open_store(config.database_url) as store:
            story, results = _discover(app, store, config, sites)
            report = build_report(store.report(story.id), generated_at=pipeline.utcnow())
        notes = [_discovery_note(results)]
        notes += [line for r in results for line in r.errors]
        if fmt == "json":
            click.echo(render_json(report), nl=False)
            if serve:
                _serve_desk(app, config.database_url)
            return
        render_text(report, app.console, notes)
        app.console.print(NEXT_STEPS, highlight=False)
        if keep_db:
            app.console.print(
                f"The demo database is kept at {db_path}: "
                f"syndiwatch --database sqlite:///{db_path} report"
            )
        if serve:
            _serve_desk(app, config.database_url)


# The demo sites are ours and on loopback: no politeness delay to wait out.
DEMO_SCRAPY_SETTINGS = {"AUTOTHROTTLE_ENABLED": False}
# Where the demo looks: each republisher's feed, sitemap or section, as an operator would
# set it up. Copies sit among unrelated articles on every site; two sites hold none.
DEMO_SOURCES = (
    ("feed", "nordic", "/rss.xml"),
    ("feed", "buzzhub", "/rss.xml"),
    ("feed", "coastal", "/atom.xml"),
    ("feed", "flashwire", "/rss.xml"),
    ("feed", "valley", "/atom.xml"),
    ("sitemap", "northwind", "/"),  # robots.txt → a sitemap index
    ("sitemap", "trendpulse", "/sitemap.xml"),
    ("sitemap", "globalecho", "/sitemap.xml"),
    ("sitemap", "freightweekly", "/sitemap.xml"),
    ("site", "metro", "/"),
)


def _discover(app: App, store: Any, config: Any, sites: Any) -> tuple[Any, list[Any]]:
    """Track the demo story and run the demo's sources on the served sites."""
    from syndiwatch import pipeline
    from syndiwatch.discover import run_sources

    sources = demo_sources(sites)
    app.err.print(
        f"Serving {len(sites.sites)} demo sites on 127.0.0.1; tracking "
        f"{sites.original_url} and discovering its copies through "
        f"{_describe_sources(sources)}",
        highlight=False,
    )
    story = pipeline.add_story(store, config, sites.original_url)
    for kind, url in sources:
        store.add_source(kind, url)
    results = run_sources(
        store, config, store.list_sources(), now=pipeline.utcnow(),
        scrapy_settings=DEMO_SCRAPY_SETTINGS,
    )  # fmt: skip
    return story, results


def demo_sources(sites: Any) -> list[tuple[str, str]]:
    """The (kind, URL) sources the demo runs on the served demo sites."""
    return [(kind, sites.url(key, path)) for kind, key, path in DEMO_SOURCES]


def _describe_sources(sources: list[tuple[str, str]]) -> str:
    counts = Counter(kind for kind, _ in sources)
    names = {"feed": "feed", "sitemap": "sitemap", "site": "site crawl", "url": "page"}
    parts = [f"{n} {names[k]}{'s' if n != 1 else ''}" for k, n in counts.items()]
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]


def _discovery_note(results: list[Any]) -> str:
    fetched = sum(r.pages_fetched for r in results)
    analysed = sum(r.analysed for r in results)
    copies = sum(r.copies_found for r in results)
    return (
        f"discovery: {fetched} pages fetched, {analysed} analysed as possible copies, "
        f"{copies} copies found; every other page was set aside after a quick look"
    )


def _serve_desk(app: App, database_url: str) -> None:
    """Serve the review desk on the demo database until Ctrl-C (a one-time token to review)."""
    import secrets

    from storage import open_store
    from syndiwatch.commands.serve import run_desk

    token = app.config.web.token or secrets.token_urlsafe(12)
    if not app.config.web.token:
        app.err.print(f"Sign in to the review desk with the one-time token: {token}")
    with user_errors(), open_store(database_url) as store:
        run_desk(app, store, app.config.web.host, app.config.web.port, token)
