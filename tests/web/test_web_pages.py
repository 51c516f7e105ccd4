"""The desk's HTML pages through Starlette's TestClient on a pipeline-filled database."""

from __future__ import annotations

import re

import pytest
from deskdata import NUMBER_SITE, T0, DeskData
from starlette.testclient import TestClient

from storage import Store


def _story_path(desk: DeskData) -> str:
    return f"/stories/s_{desk.story_id:02d}"


def test_stories_page_lists_story_with_counts_and_newest_findings(
    client: TestClient, desk: DeskData
) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "Oslo port strike halts container traffic" in r.text
    assert f'href="{_story_path(desk)}"' in r.text
    assert re.search(r'class="sev sev-high">\d+ high', r.text)
    assert "/copies/" in r.text  # newest findings link to their copies


def test_stories_search_by_title_and_url(client: TestClient) -> None:
    assert "Oslo port strike" in client.get("/?q=port+strike").text
    assert "Oslo port strike" in client.get("/?q=halts-container").text
    assert "No story matches" in client.get("/?q=zebra").text


def test_story_page_lists_copies_with_metrics(client: TestClient, desk: DeskData) -> None:
    r = client.get(_story_path(desk))
    assert r.status_code == 200
    assert f"<strong>{len(desk.copy_ids)}</strong> copies" in r.text
    for copy_id in desk.copy_ids.values():
        assert f'href="/copies/{copy_id}"' in r.text
    assert "verbatim" in r.text
    assert "number_changed" in r.text


def test_story_filter_by_code_in_sql(client: TestClient, desk: DeskData) -> None:
    r = client.get(_story_path(desk), params={"code": "content.number_changed"})
    assert f'href="/copies/{desk.copy_ids[NUMBER_SITE]}"' in r.text
    assert f'href="/copies/{desk.copy_ids["nordic"]}"' not in r.text
    assert "<strong>1</strong> copy" in r.text


@pytest.mark.parametrize(
    ("params", "expect"),
    [
        ({"severity": "medium"}, "medium"),
        ({"status": "live"}, "live"),
        ({"review": "open"}, "open"),
        ({"domain": "hostile"}, "hostile.example"),
    ],
)
def test_story_filters(client: TestClient, desk: DeskData, params: dict, expect: str) -> None:
    r = client.get(_story_path(desk), params=params)
    assert r.status_code == 200
    assert expect in r.text


def test_story_pagination_and_sorting(client: TestClient, desk: DeskData) -> None:
    r = client.get(_story_path(desk), params={"per_page": 2, "sort": "domain", "dir": "asc"})
    assert "page 1 of 5" in r.text
    assert len(re.findall(r'href="/copies/\d+"', r.text)) == 2
    assert 'rel="next"' in r.text
    assert "page=2" in r.text
    last = client.get(_story_path(desk), params={"per_page": 2, "page": 5})
    assert len(re.findall(r'href="/copies/\d+"', last.text)) == 1


@pytest.mark.parametrize(
    "params",
    [{"severity": "huge"}, {"code": "content.nope"}, {"page": "0"}, {"per_page": "9999"},
     {"sort": "id;drop"}, {"page": "1e3"}, {"domain": "x" * 300}, {"domain": "a\x00b"}],
)  # fmt: skip
def test_bad_filters_are_a_clear_400(client: TestClient, desk: DeskData, params: dict) -> None:
    r = client.get(_story_path(desk), params=params)
    assert r.status_code == 400
    assert re.search(r"must be|longer than|control characters", r.text)


@pytest.mark.parametrize(
    "path", ["/stories/s_99", "/stories/nope", "/copies/99999", "/copies/abc",
             "/copies/99999999999999999999999", "/stories/s_01/export.xml"],
)  # fmt: skip
def test_unknown_things_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_copy_page_shows_the_highlighted_number_change(client: TestClient, desk: DeskData) -> None:
    r = client.get(f"/copies/{desk.copy_ids[NUMBER_SITE]}")
    assert r.status_code == 200
    # The changed number is marked on both sides with its finding's code.
    assert re.search(
        r'<span class="[^"]*m-number[^"]*" title="content.number_changed">2,800', r.text
    )
    assert re.search(
        r'<span class="[^"]*m-number[^"]*" title="content.number_changed">28,000', r.text
    )
    assert 'class="op-modified"' in r.text
    assert "content.number_changed" in r.text
    assert "content.date_changed" in r.text


def test_copy_page_panels(client: TestClient, desk: DeskData) -> None:
    r = client.get(f"/copies/{desk.copy_ids['metro']}")
    text = r.text
    for label in ("Publisher", "Byline", "Credits", "Link back", "Canonical"):
        assert f'<th scope="row">{label}</th>' in text
    assert "Copy snapshots" in text
    assert "Original snapshots" in text
    assert 'rel="noopener noreferrer"' in text
    assert "attribution.byline_replaced" in text


def test_copy_page_word_diff_marks_dropped_and_inserted_words(
    client: TestClient, desk: DeskData
) -> None:
    text = client.get(f"/copies/{desk.copy_ids['trendpulse']}").text
    assert '<span class="del">' in text
    assert '<span class="ins">' in text
    assert 'class="op-dropped"' in text


def test_runs_page_shows_sources_and_runs(client: TestClient, desk_store: Store) -> None:
    assert "No runs yet" in client.get("/runs").text
    run = desk_store.start_run("once", now=T0)
    desk_store.finish_run(run, stats={"pages": 12}, error=None, now=T0)
    desk_store.add_source("feed", "https://news.example/rss.xml", every="15m", now=T0)
    text = client.get("/runs").text
    assert "https://news.example/rss.xml" in text
    assert "every 15m" in text
    assert "<b>pages</b> 12" in text


def test_static_stylesheet_is_served(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
