"""Hostile input against the desk: scraped content is shown, never run; safe links only;
security headers; the token cannot be guessed offline or quickly; notes and errors leak
nothing; Host names, proxies, cookies, slow clients and the page cache are bounded."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import httpx
import itsdangerous
import pytest
import sqlalchemy as sa
from deskdata import NUMBER_SITE, T0, TOKEN, DeskData, csrf_of, sign_in
from served import ROOT, STRONG_TOKEN, refused, served
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from drift.analyse import analyse_copy
from drift.model import Article, Credit, Link
from storage import Store, open_store
from syndiwatch.web import create_app
from syndiwatch.web.cache import PageCache
from syndiwatch.web.ratelimit import GLOBAL_TRIES, PER_CLIENT_TRIES, SignInLimiter, client_key
from syndiwatch.web.safety import safe_href, show_text
from syndiwatch.web.security import weak_token_reason

EVIL = "<script>alert(1)</script>"


def _hostile_article_copy(store: Store, desk: DeskData) -> int:
    """A copy whose every field carries an attack, stored through the real analysis."""
    story = store.get_story(desk.story_id)
    orig = story.article
    url = "https://evil.example/x"
    copy = Article(
        url=url,
        title=f"{EVIL} </textarea><img src=x onerror=alert(2)>",
        paragraphs=(*orig.paragraphs[:6], f"Inserted \u202egnp.exe\u202c text {EVIL} here."),
        authors=('"><svg onload=alert(3)>', "\u202eevil"),
        publisher="<iframe src=javascript:alert(4)>",
        credits=(Credit("Source", "<b onmouseover=alert(5)>AFP</b>"),),
        links=(Link("javascript:alert(6)", "Read the original article"),
               Link(orig.url.replace("http", "javascript"), "source")),
        canonical="javascript:alert(7)",
    )  # fmt: skip
    snap = store.record_fetch(url, status=200, body=b"x", headers={}, article=copy, fetched_at=T0)
    record = store.record_analysis(
        desk.story_id, url, snapshot_id=snap.id, analysis=analyse_copy(orig, copy),
        discovered_via="url", title=copy.title, now=T0,
    )  # fmt: skip
    assert record is not None
    return record.id


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<script" not in html.lower()  # the desk itself ships no script at all
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert "<iframe" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no event-handler attribute in any tag
    assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE)
    assert "</textarea><" not in html
    assert "\u202e" not in html
    assert "\u202c" not in html


def test_hostile_pipeline_copy_is_escaped(client: TestClient, desk: DeskData) -> None:
    html = client.get(f"/copies/{desk.copy_ids['hostile']}").text
    _assert_inert(html)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "⟨U+202E⟩" in html


def test_hostile_fields_everywhere_are_escaped(
    client: TestClient, desk: DeskData, desk_store: Store
) -> None:
    copy_id = _hostile_article_copy(desk_store, desk)
    for path in ("/", f"/stories/s_{desk.story_id:02d}", f"/copies/{copy_id}"):
        _assert_inert(client.get(path).text)
    page = client.get(f"/copies/{copy_id}").text
    assert "&lt;iframe src=javascript:alert(4)&gt;" in page
    assert 'class="unsafe-url"' in page  # the javascript: canonical is shown as text
    assert "⟨U+202E⟩</span>gnp.exe" in page
    api = client.get(f"/api/copies/{copy_id}")
    assert api.headers["content-type"] == "application/json"


def test_security_headers_on_every_response(client: TestClient, desk: DeskData) -> None:
    for path in ("/", f"/copies/{desk.copy_ids['hostile']}", "/api/stories", "/nope",
                 "/static/style.css"):  # fmt: skip
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    cookie = client.get("/login").headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/a", "https://news.example/a"),
        ("http://news.example/a?b=1", "http://news.example/a?b=1"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/", None),
        ("#", None),
        ("https://evil\u202e.example/", None),
        ("https://exa mple.com/", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_safe_href(url: object, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_show_text_escapes_and_reveals_controls() -> None:
    out = str(show_text('<a href="x">\u202eevil\u2066 & "q"'))
    assert out.startswith("&lt;a href=&#34;x&#34;&gt;")
    assert "⟨U+202E⟩" in out
    assert "⟨U+2066⟩" in out
    assert "&amp;" in out
    assert "\u202e" not in out
    assert str(show_text(None)) == ""


# --- The token: no offline oracle, rate-limited guesses, no weak tokens (issue 13, item 2) ---

GUESSES = ("password", "letmein", "secret", "desk-test-token", TOKEN, "hunter2")


def _session_payload(cookie: str) -> dict[str, object]:
    data = cookie.split(".", 1)[0]
    return json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))


def test_an_anonymous_cookie_is_no_oracle_for_the_token(client: TestClient) -> None:
    client.get("/login")
    cookie = client.cookies["syndiwatch_desk"]
    # The attack: sign the cookie with the key each guessed token would give.
    for guess in GUESSES:
        derived = hashlib.sha256(b"syndiwatch-session\x00" + guess.encode()).hexdigest()
        with pytest.raises(itsdangerous.BadSignature):
            itsdangerous.TimestampSigner(derived).unsign(cookie)


def test_a_signed_in_cookie_holds_no_hash_of_the_token(client: TestClient) -> None:
    sign_in(client)
    payload = json.dumps(_session_payload(client.cookies["syndiwatch_desk"]))
    for guess in GUESSES:
        for prefix in (b"syndiwatch-web\x00", b""):
            digest = hashlib.sha256(prefix + guess.encode()).hexdigest()
            assert digest[:32] not in payload


def test_the_session_key_is_random_and_kept_with_the_database(
    desk: DeskData, desk_store: Store, tmp_path: Path
) -> None:
    first = create_app(desk_store, token=TOKEN, now=lambda: T0)
    with TestClient(first) as c:
        sign_in(c)
        cookie = c.cookies["syndiwatch_desk"]
    # A restarted desk on the same database keeps its reviewers signed in.
    with open_store(desk.url) as again, TestClient(create_app(again, token=TOKEN)) as c:
        c.cookies.set("syndiwatch_desk", cookie)
        assert "Signed in as <strong>Ana</strong>" in c.get("/").text
    # Another database with the same token signs with another key.
    with open_store(f"sqlite:///{tmp_path / 'other.db'}") as other:
        assert create_app(other, token=TOKEN).state.session_key != first.state.session_key
    assert len(first.state.session_key) >= 43  # 32 random bytes


def _login_client(base: str, source: str) -> httpx.Client:
    """A browser-like client whose connections come from loopback address `source`."""
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=base, transport=transport, timeout=20, follow_redirects=False)


def _try_token(http: httpx.Client, token: str, **headers: str) -> httpx.Response:
    page = http.get("/login")
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m, page.text
    form = {"csrf_token": m.group(1), "token": token, "name": "x"}
    return http.post("/login", data=form, headers=headers)


def test_guessing_the_token_is_rate_limited_per_client_and_overall(desk: DeskData) -> None:
    with served(desk.url, env={"SYNDIWATCH_WEB_TOKEN": STRONG_TOKEN}) as base:
        began = time.monotonic()  # the global bucket refills from the first failure on
        with _login_client(base, "127.0.0.1") as one:
            assert [_try_token(one, f"guess-{i}").status_code for i in range(5)] == [403] * 5
            limited = _try_token(one, "guess-5")
            assert limited.status_code == 429
            assert int(limited.headers["retry-after"]) >= 1
            # While limited even the right token is refused, and a forged
            # X-Forwarded-For does not make a new client.
            assert _try_token(one, STRONG_TOKEN).status_code == 429
            forged = _try_token(one, "guess-6", **{"X-Forwarded-For": "203.0.113.9"})
            assert forged.status_code == 429
        with _login_client(base, "127.0.0.2") as two:  # another client is not held up
            assert _try_token(two, "guess-7").status_code == 403
            assert _try_token(two, STRONG_TOKEN).status_code == 303

        def four_guesses(n: int) -> list[int]:
            with _login_client(base, f"127.0.0.{n}") as http:
                return [_try_token(http, f"wide-{n}-{i}").status_code for i in range(4)]

        # Many addresses together get GLOBAL_TRIES a minute, not 5 each: none of
        # these reaches its own limit (4 tries), so every 429 is the global one.
        with ThreadPoolExecutor(8) as pool:
            codes = [c for batch in pool.map(four_guesses, range(3, 15)) for c in batch]
        refilled = (time.monotonic() - began) * GLOBAL_TRIES / 60 + 1
        assert codes.count(429) > 0
        assert codes.count(403) <= GLOBAL_TRIES - 6 + refilled  # six were spent above


def test_wrong_bearer_tokens_are_rate_limited(client: TestClient, desk: DeskData) -> None:
    url = f"/api/copies/{desk.copy_ids[NUMBER_SITE]}/review"
    body = {"state": "confirmed"}
    for i in range(PER_CLIENT_TRIES):
        wrong = client.post(url, json=body, headers={"Authorization": f"Bearer guess-{i}"})
        assert wrong.status_code == 401
    limited = client.post(url, json=body, headers={"Authorization": "Bearer guess-x"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    right = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 429


def test_the_limiter_backs_off_and_forgets_after_success() -> None:
    now = [0.0]
    limiter = SignInLimiter(clock=lambda: now[0])
    for _ in range(PER_CLIENT_TRIES):
        assert limiter.retry_after("a") == 0.0
        limiter.failed("a")
    first = limiter.retry_after("a")
    assert 11 < first <= 12  # one try refilled every 12 s
    now[0] += first
    limiter.failed("a")
    assert limiter.retry_after("a") > first  # the wait doubles
    limiter.succeeded("a")
    assert limiter.retry_after("a") == 0.0
    assert limiter.retry_after("b") == 0.0


@pytest.mark.parametrize(
    ("host", "key"),
    [("192.0.2.7", "192.0.2.7"), ("2001:db8::1", "2001:db8::/64"),
     ("2001:db8::ffff", "2001:db8::/64"), ("::ffff:192.0.2.7", "192.0.2.7"), (None, "unknown")],
)  # fmt: skip
def test_clients_are_limited_by_address_or_ipv6_64(host: str | None, key: str) -> None:
    assert client_key(host) == key


def _readme_tokens() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"SYNDIWATCH_WEB_TOKEN=(\S+)", readme)
    found += re.findall(r'^token = "([^"]*)"', readme, re.MULTILINE)
    assert found, "the README shows no example token"
    return found


def test_every_token_the_readme_shows_is_refused() -> None:
    for token in [*_readme_tokens(), "secret", "change-me", "short-token"]:
        assert weak_token_reason(token) is not None, token
    assert weak_token_reason(STRONG_TOKEN) is None


@pytest.mark.parametrize("token", ["secret", "t0k", "PASTE-YOUR-TOKEN-HERE"])
def test_serve_refuses_a_weak_token_in_one_line(tmp_path: Path, token: str) -> None:
    result = refused(f"sqlite:///{tmp_path / 'd.db'}", env={"SYNDIWATCH_WEB_TOKEN": token})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: the web token is ")
    assert 'python -c "import secrets; print(secrets.token_urlsafe())"' in lines[0]


# --- Review notes and error pages (issue 13, item 10) ---

HOSTILE_NOTE = "a\x00b\x1b[31mc\r\nline two\tend\x7f\x85\x08"
CLEAN_NOTE = "ab[31mc\nline two\tend"


def test_review_notes_lose_nul_and_control_characters(
    client: TestClient, desk: DeskData, desk_store: Store
) -> None:
    copy_id = desk.copy_ids[NUMBER_SITE]
    sign_in(client)
    csrf = csrf_of(client, f"/copies/{copy_id}")
    form = {"csrf_token": csrf, "state": "confirmed", "note": HOSTILE_NOTE}
    r = client.post(f"/copies/{copy_id}/review", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text  # PostgreSQL refused the NUL: 503
    finding_id = desk_store.get_copy(copy_id).findings[0].id
    form = {"csrf_token": csrf, "state": "dismissed", "note": HOSTILE_NOTE}
    r = client.post(f"/findings/{finding_id}/review", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    api = client.post(
        f"/api/copies/{copy_id}/review",
        json={"state": "dismissed", "note": HOSTILE_NOTE, "by": "bot\x00"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert api.status_code == 200, api.text
    assert api.json()["review_note"] == CLEAN_NOTE
    copy = desk_store.get_copy(copy_id)
    assert copy.review_note == CLEAN_NOTE
    assert next(f for f in copy.findings if f.id == finding_id).review_note == CLEAN_NOTE
    assert {e.note for e in desk_store.review_history(copy_id)} == {CLEAN_NOTE}


def test_storage_keeps_a_nul_out_of_review_notes(desk: DeskData, desk_store: Store) -> None:
    # Callers other than the desk (scripts, the API of tomorrow) get the same guard.
    copy_id = desk.copy_ids[NUMBER_SITE]
    record = desk_store.set_copy_review(copy_id, "confirmed", note="x\x00y", by="b\x00", now=T0)
    assert record.review_note == "x\ufffdy"
    assert desk_store.review_history(copy_id)[0].note == "x\ufffdy"


def _database_words(url: str) -> list[str]:
    parsed = make_url(url)
    words = [parsed.drivername.split("+")[0], str(parsed.database), "secret_keys", "copies"]
    if parsed.host:
        words += [parsed.host, str(parsed.username)]
    return [w for w in words if w and w != "None"]


def test_database_errors_show_a_reference_not_the_database(
    client: TestClient, desk: DeskData, caplog: pytest.LogCaptureFixture
) -> None:
    engine = sa.create_engine(desk.url)
    with engine.begin() as conn:  # the database breaks under the running desk
        conn.execute(sa.text("DROP TABLE reviews"))
    engine.dispose()
    copy_id = desk.copy_ids[NUMBER_SITE]
    with caplog.at_level(logging.ERROR, logger="syndiwatch.web"):
        page = client.get(f"/copies/{copy_id}")
        api = client.get(f"/api/copies/{copy_id}")
    for response in (page, api):
        assert response.status_code == 503
        ref = response.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{12}", ref)
        assert f"error {ref}" in response.text
        for word in [*_database_words(desk.url), "reviews", "Database unavailable"]:
            assert word not in response.text, word
        logged = [r.getMessage() for r in caplog.records if ref in r.getMessage()]
        assert logged
        assert "reviews" in logged[0]  # the details are in the log


def test_an_unexpected_error_shows_only_a_reference(
    desk_store: Store, desk: DeskData, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(desk_store, token=TOKEN, now=lambda: T0)

    def broken(copy_id: int) -> None:
        raise RuntimeError(f"bug while reading {desk.url}")

    app.state.store = SimpleNamespace(
        get_copy=broken, data_version=lambda: None, secret_key=desk_store.secret_key
    )
    with TestClient(app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        for path in (f"/copies/{desk.copy_ids[NUMBER_SITE]}", "/api/copies/1"):
            r = c.get(path)
            assert r.status_code == 500
            assert desk.url not in r.text
            assert "bug while reading" not in r.text
            assert f"error {r.headers['x-request-id']}" in r.text
            assert r.headers["x-content-type-options"] == "nosniff"
    assert any("bug while reading" in r.getMessage() for r in caplog.records)


# --- Host names, proxies, cookies, slow clients, the page cache (issue 13, item 12) ---


HTTPS_PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}


def test_a_desk_on_another_loopback_address_keeps_its_host_allow_list(desk: DeskData) -> None:
    with served(desk.url, "--host", "127.0.0.2") as base:
        assert base.startswith("http://127.0.0.2:")
        assert httpx.get(base, timeout=10).status_code == 200
        rebound = httpx.get(base, headers={"Host": "attacker.example"}, timeout=10)
        assert rebound.status_code == 400
        assert httpx.get(base, headers={"Host": "localhost"}, timeout=10).status_code == 200
        # No proxy is trusted by default: anyone's X-Forwarded-Proto changes nothing.
        login = httpx.get(base + "login", headers=HTTPS_PROXIED, timeout=10)
        assert "secure" not in login.headers["set-cookie"].lower()


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "syndiwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wildcard_bind_needs_allowed_hosts(tmp_path: Path) -> None:
    result = refused(f"sqlite:///{tmp_path / 'd.db'}", "--host", "0.0.0.0")
    assert result.returncode == 1
    assert "Error: listening on 0.0.0.0 needs [web] allowed_hosts" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_allowed_hosts_name_the_desk(desk: DeskData, tmp_path: Path) -> None:
    config = _config(tmp_path, '[web]\nallowed_hosts = ["desk.example.org"]\n')
    with served(desk.url, "--host", "127.0.0.2", config=config) as base:
        named = httpx.get(base, headers={"Host": "desk.example.org"}, timeout=10)
        assert named.status_code == 200
        other = httpx.get(base, headers={"Host": "attacker.example"}, timeout=10)
        assert other.status_code == 400


def _cookie_flags(response: httpx.Response) -> str:
    return response.headers["set-cookie"].lower()


def test_secure_cookies_behind_a_trusted_https_proxy(desk: DeskData, tmp_path: Path) -> None:
    config = _config(tmp_path, "[web]\ntrust_proxy = true\n")
    with served(desk.url, config=config) as base:
        assert "; secure" in _cookie_flags(httpx.get(base + "login", headers=HTTPS_PROXIED))
        assert "secure" not in _cookie_flags(httpx.get(base + "login"))


@pytest.mark.parametrize(("secure", "flagged"), [(True, True), (False, False), (None, False)])
def test_secure_cookies_can_be_forced(
    desk_store: Store, secure: bool | None, flagged: bool
) -> None:
    app = create_app(desk_store, token=TOKEN, now=lambda: T0, secure_cookies=secure)
    with TestClient(app) as c:  # plain http
        assert ("; secure" in _cookie_flags(c.get("/login"))) is flagged


def _closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> float | None:
    """Send `trickle` a byte at a time until the server closes; seconds taken, or None."""
    start = time.monotonic()
    sock.settimeout(0.25)
    for i in range(int(seconds / 0.25)):
        try:
            if trickle:
                sock.sendall(trickle[i % len(trickle) : i % len(trickle) + 1])
            if sock.recv(1024) == b"":
                return time.monotonic() - start
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start
    return None


def test_slow_clients_are_cut_off_at_the_read_timeout(desk: DeskData, tmp_path: Path) -> None:
    config = _config(tmp_path, "[web]\nread_timeout = 1\n")
    with served(desk.url, config=config) as base:
        port = int(base.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port)) as silent:
            assert (_closed_within(silent, 6) or 99) < 4  # connected, never sent a byte
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert (_closed_within(slow, 6, trickle=b"X-Slow: a\r\n") or 99) < 4
        with httpx.Client(base_url=base, timeout=10) as http:  # ordinary clients are served
            assert http.get("/").status_code == 200
            assert http.get("/runs").status_code == 200


def test_the_page_cache_is_bounded_by_bytes() -> None:
    cache = PageCache(max_entries=100, max_bytes=1000)
    for i in range(10):
        cache.put(f"/{i}", "v", b"x" * 200)
    entries, held = cache.size
    assert held <= 1000
    assert entries == 5
    assert cache.get("/9", "v") is not None  # the newest are kept
    cache.put("/big", "v", b"x" * 300)  # more than a quarter of the budget: not kept
    assert cache.get("/big", "v") is None
    assert cache.size[1] <= 1000


def test_unknown_query_parameters_do_not_grow_the_cache(client: TestClient, desk: DeskData) -> None:
    cache = client.app.state.page_cache
    story = f"/stories/s_{desk.story_id:02d}"
    first = client.get(story + "?severity=high").text
    before = cache.size[0]
    for i in range(40):
        assert client.get(f"{story}?severity=high&utm_source={i}&junk={i}").text == first
        assert client.get(f"/?cachebust={i}").status_code == 200
    assert cache.size[0] <= before + 1  # only "/" is new
