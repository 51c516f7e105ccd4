"""FeedState JSON round trip, conditional headers and update_state, also against a real
HTTP server on 127.0.0.1 that answers 304 when the validators match."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feeds import Feed, FeedEntry, FeedState, conditional_headers, parse, update_state

FEED_BYTES = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>C</title>'
    b"<item><guid>https://buzz.example/a/1</guid><title>One</title></item>"
    b"<item><guid>https://buzz.example/a/2</guid><title>Two</title></item>"
    b"</channel></rss>"
)
ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 25 May 2022 05:00:00 GMT"


def keyed(*keys: str) -> Feed:
    entries = tuple(
        FeedEntry(
            id=k, link=None, title=k, published=None, updated=None, summary="", content_html=None
        )
        for k in keys
    )
    return Feed(title="F", link=None, entries=entries)


def test_json_round_trip() -> None:
    state = FeedState(etag='W/"x"', last_modified=LAST_MODIFIED, seen=("a", "b"))
    assert FeedState.from_json(state.to_json()) == state
    assert FeedState.from_json(None) == FeedState()
    assert FeedState.from_json("") == FeedState()


@pytest.mark.parametrize("text", ["{", "[1, 2]", '"etag"'])
def test_from_json_rejects_garbage_with_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="feed state"):
        FeedState.from_json(text)


def test_conditional_headers() -> None:
    assert conditional_headers(FeedState()) == {}
    assert conditional_headers(FeedState(etag=ETAG, last_modified=LAST_MODIFIED)) == {
        "If-None-Match": ETAG,
        "If-Modified-Since": LAST_MODIFIED,
    }
    assert conditional_headers(FeedState(etag=ETAG)) == {"If-None-Match": ETAG}


def test_update_state_takes_validators_case_insensitively_and_adds_keys() -> None:
    state = update_state(
        FeedState(seen=("old",)), {"etag": ETAG, "LAST-MODIFIED": LAST_MODIFIED}, keyed("a", "b")
    )
    assert state == FeedState(etag=ETAG, last_modified=LAST_MODIFIED, seen=("old", "a", "b"))


def test_update_state_on_304_keeps_seen_and_missing_validators() -> None:
    state = FeedState(etag=ETAG, last_modified=LAST_MODIFIED, seen=("a",))
    assert update_state(state, {}, None) == state
    assert update_state(state, {"ETag": '"v2"'}, None).etag == '"v2"'


def test_update_state_200_without_validators_drops_old_ones() -> None:
    state = update_state(FeedState(etag=ETAG, last_modified=LAST_MODIFIED), {}, keyed("a"))
    assert (state.etag, state.last_modified) == (None, None)


def test_seen_list_is_bounded_and_keeps_keys_still_in_the_feed() -> None:
    state = FeedState(seen=tuple(f"k{i}" for i in range(10)))
    state = update_state(state, {}, keyed("k0", "new"), max_seen=5)
    assert state.seen == ("k7", "k8", "k9", "k0", "new")


def test_default_bound_is_5000() -> None:
    state = FeedState(seen=tuple(f"k{i}" for i in range(5_000)))
    state = update_state(state, {}, keyed("fresh"))
    assert len(state.seen) == 5_000
    assert state.seen[0] == "k1"
    assert state.seen[-1] == "fresh"


def conditional_feed(request: Request) -> Response:
    response = Response(FEED_BYTES, content_type="application/rss+xml")
    response.set_etag(ETAG.strip('"'))
    response.headers["Last-Modified"] = LAST_MODIFIED
    return response.make_conditional(request)


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def test_conditional_get_round_trip_with_a_real_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_handler(conditional_feed)
    url = httpserver.url_for("/rss.xml")

    status, headers, body = fetch(url, conditional_headers(FeedState()))
    assert status == 200
    state = update_state(FeedState(), headers, parse(body, url, headers))
    assert state.etag == ETAG
    assert state.last_modified == LAST_MODIFIED
    assert state.seen == ("https://buzz.example/a/1", "https://buzz.example/a/2")

    restored = FeedState.from_json(state.to_json())
    status, headers, body = fetch(url, conditional_headers(restored))
    assert (status, body) == (304, b"")
    assert update_state(restored, headers, None).seen == state.seen
