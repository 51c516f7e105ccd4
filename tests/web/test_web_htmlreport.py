"""`report --format html`: one self-contained file with the desk's aligned views."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from deskdata import DeskData

from syndiwatch.cli import main
from syndiwatch.htmlreport import render_html


def _report(desk: DeskData, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["--database", desk.url, "report", "--format", "html", "--output", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_html_report_is_self_contained(desk: DeskData, tmp_path: Path) -> None:
    html = _report(desk, tmp_path)
    assert html.startswith("<!doctype html>")
    assert "<script" not in html.lower()
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert not re.search(r'\ssrc="', html)
    assert "<style>" in html
    assert "default-src 'none'" in html  # even a file opened locally runs no script
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs
    assert all(h.startswith(("#", "http://", "https://")) for h in hrefs)


def test_html_report_has_the_aligned_views(desk: DeskData, tmp_path: Path) -> None:
    html = _report(desk, tmp_path, "--story", f"s_{desk.story_id:02d}")
    assert html.count('<table class="aligned">') == len(desk.copy_ids)
    assert re.search(
        r'<span class="[^"]*m-number[^"]*" title="content.number_changed">28,000', html
    )
    assert "Oslo port strike halts container traffic" in html
    assert "content.number_changed" in html


def test_html_report_escapes_hostile_text(desk: DeskData, tmp_path: Path) -> None:
    html = _report(desk, tmp_path)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "\u202e" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)


def test_render_html_of_an_empty_report() -> None:
    html = render_html({"schema": "syndiwatch.report/1", "generated_at": "x", "stories": []})
    assert "No stories tracked yet." in html
