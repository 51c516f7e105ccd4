"""The self-contained HTML drift report (`report --format html`).

Renders the one report model of syndiwatch.report (CONTRACT.md §3 JSON) into a
single HTML file: the desk's stylesheet inlined, no script, no external asset.
Each copy gets the same side-by-side aligned view and attribution panel as the
review desk, built from the stored articles by `aligned_views`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from drift.align import align
from drift.model import Article
from storage import Store
from storage.records import StoryReport
from syndiwatch.web.alignview import AlignedRow, build_rows
from syndiwatch.web.app import HERE, make_environment
from syndiwatch.web.views import AttributionRow, attribution_rows


@dataclass(frozen=True, slots=True)
class CopyView:
    """What the report shows of one copy beyond the §3 JSON: alignment and attribution."""

    rows: tuple[AlignedRow, ...]
    attribution: tuple[AttributionRow, ...]
    original_article: Article | None
    copy_article: Article | None


def aligned_views(store: Store, stories: Iterable[StoryReport]) -> dict[tuple[str, str], CopyView]:
    """Align each copy with its original from their latest stored snapshots.

    Keyed by (story public id, copy URL), as the copies appear in the report.
    """
    views: dict[tuple[str, str], CopyView] = {}
    for sr in stories:
        original = sr.story.article
        for copy in sr.copies:
            snap = store.latest_snapshot(copy.url)
            article = snap.article if snap is not None else None
            rows: tuple[AlignedRow, ...] = ()
            if original is not None and article is not None:
                found = [(f.finding, f.id) for f in copy.findings]
                rows = tuple(build_rows(align(original, article), found))
            views[(sr.story.public_id, copy.url)] = CopyView(
                rows=rows,
                attribution=tuple(attribution_rows(original, article, sr.story.url)),
                original_article=original,
                copy_article=article,
            )
    return views


def render_html(
    report: Mapping[str, Any], views: Mapping[tuple[str, str], CopyView] | None = None
) -> str:
    """Render the §3 report (and the copies' aligned views) as one HTML document."""
    env = make_environment()
    css = (HERE / "static" / "style.css").read_text(encoding="utf-8")
    template = env.get_template("report.html")
    return template.render(
        report=report,
        views=views or {},
        css=Markup(css.replace("</", "<\\/")),  # our own stylesheet; never closes <style>
        severities=("high", "medium", "low", "none"),
        count_by=_count_by,
    )


def _count_by(copies: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for copy in copies:
        counts[copy[key]] = counts.get(copy[key], 0) + 1
    return counts
