"""Terminal rendering of one normalised Article (the text format of `extract`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from drift.model import Article


def render_article(article: Article, console: Console) -> None:
    """Print the article's metadata, then its body, every scraped string escaped."""
    console.rule(f"[bold]{escape(article.title or '(no headline)')}[/]")
    rows = [
        ("url", article.url),
        ("canonical", article.canonical),
        ("og:url", article.og_url),
        ("authors", ", ".join(article.authors)),
        ("publisher", article.publisher),
        ("credits", "; ".join(f"{c.label}: {c.value or '(empty)'}" for c in article.credits)),
        ("wire services", ", ".join(article.wire_services)),
        ("published", article.published),
        ("modified", article.modified),
        ("language", article.language),
        ("based on", article.is_based_on),
    ]
    for label, value in rows:
        if value:
            source = article.provenance.get(label.replace(" ", "_").replace("og:url", "og_url"))
            suffix = f"  [dim]({escape(source)})[/]" if source else ""
            console.print(f"[bold]{label:>13}[/]: {escape(str(value))}{suffix}")
    for cap in article.captions:
        credit = f" — credit: {cap.credit}" if cap.credit else " — no credit"
        console.print(f"[bold]{'caption':>13}[/]: {escape(cap.text + credit)}")
    for link in article.links:
        console.print(f"[bold]{'link':>13}[/]: {escape(link.text)} → {escape(link.href)}")
    words = len(article.text.split())
    console.print(f"\n[dim]{len(article.paragraphs)} paragraphs, {words} words[/]\n")
    for para in article.paragraphs:
        console.print(escape(para) + "\n")
