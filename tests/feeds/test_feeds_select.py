"""entry_key stability, new_entries de-duplication and the has_full_text decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds import Feed, FeedEntry, entry_key, has_full_text, new_entries, parse

DATA = Path(__file__).parent / "data"


def entry(**fields: object) -> FeedEntry:
    base: dict[str, object] = {
        "id": None,
        "link": None,
        "title": "A story",
        "published": None,
        "updated": None,
        "summary": "",
        "content_html": None,
    }
    base.update(fields)
    return FeedEntry(**base)  # type: ignore[arg-type]


def words(n: int) -> str:
    return " ".join(f"word{i}" for i in range(n))


def test_entry_key_prefers_the_guid() -> None:
    assert entry_key(entry(id="buzz-123", link="https://buzz.example/a/123")) == "buzz-123"


def test_entry_key_falls_back_to_the_canonical_link() -> None:
    tracked = entry(link="https://Buzz.example/a/123/?utm_source=rss#top")
    plain = entry(link="https://buzz.example/a/123")
    assert entry_key(tracked) == entry_key(plain) == "https://buzz.example/a/123"


def test_entry_key_without_id_or_link_hashes_title_and_summary() -> None:
    one = entry(title="T", summary="S")
    assert entry_key(one) == entry_key(entry(title="T", summary="S"))
    assert entry_key(one).startswith("sha256:")
    assert entry_key(one) != entry_key(entry(title="T", summary="S2"))


def test_entry_key_is_stable_across_two_parses_of_the_same_feed() -> None:
    data = (DATA / "rss20.xml").read_bytes()
    first = [entry_key(e) for e in parse(data, "https://buzz.example/rss.xml").entries]
    again = [entry_key(e) for e in parse(data, "https://buzz.example/rss.xml").entries]
    assert first == again
    assert first == [
        "buzz-123",
        "https://buzz.example/stories/second",
        "https://buzz.example/stories/third",
    ]


def test_entry_key_survives_a_changed_tracking_parameter() -> None:
    data = (DATA / "rss20.xml").read_bytes()
    changed = data.replace(b"utm_source=rss", b"utm_source=newsletter")
    before = parse(data, "https://buzz.example/rss.xml").entries[2]
    after = parse(changed, "https://buzz.example/rss.xml").entries[2]
    assert before.link != after.link
    assert entry_key(before) == entry_key(after)


def test_new_entries_skips_seen_and_duplicate_keys_in_feed_order() -> None:
    a, b, c = entry(id="a"), entry(id="b"), entry(id="c")
    feed = Feed(title="F", link=None, entries=(a, b, a, c))
    assert new_entries(feed, {"b"}) == [a, c]
    assert new_entries(feed, ()) == [a, b, c]
    assert new_entries(feed, ["a", "b", "c"]) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"content_html": f"<p>{words(200)}</p>"}, True),
        ({"content_html": f"<p>{words(100)}</p>"}, False),
        ({"summary": words(300)}, True),
        ({"summary": words(20), "content_html": None}, False),
        ({"content_html": f"<p>{words(200)} […]</p>"}, False),
        ({"content_html": f"<p>{words(200)}…</p>"}, False),
        ({"content_html": f"<p>{words(200)}</p><p><a href='/x'>Continue reading →</a></p>"}, False),
        ({"summary": f"{words(200)} Read more »"}, False),
        ({"content_html": f"<p>{words(200)}.</p><script>{words(500)}</script>"}, True),
        ({"content_html": f"<script>{words(500)}</script><p>{words(10)}</p>"}, False),
        ({"content_html": f"<p>{words(200)}</p><p>The post appeared first on Buzz.</p>"}, True),
    ],
)
def test_has_full_text(fields: dict[str, object], expected: bool) -> None:
    assert has_full_text(entry(**fields)) is expected


def test_has_full_text_threshold_is_a_parameter() -> None:
    short = entry(content_html=f"<p>{words(60)}</p>")
    assert has_full_text(short, min_words=50)
    assert not has_full_text(short, min_words=61)
