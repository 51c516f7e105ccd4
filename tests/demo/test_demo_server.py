"""The demo site server: content types, placeholders, validators, overrides, shutdown."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from email.utils import formatdate
from urllib.parse import urlsplit

import pytest

from syndiwatch.demo.server import DemoSites, serve_sites


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None):
    """Return (status, headers, body) without raising on 3xx/4xx."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def manifest_paths(sites: DemoSites):
    for site in sites.manifest["sites"]:
        paths = [site["home"], site["robots"], site["feed"], *site["sitemaps"]]
        paths += [site["article"]["path"], *site["other_articles"]]
        for path in paths:
            yield site["key"], path


EXPECTED_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    ".xml": "application/xml",
}


def expected_type(path: str) -> str:
    for suffix, kind in EXPECTED_TYPES.items():
        if path.endswith(suffix):
            return kind
    return "text/html; charset=utf-8"


def test_every_manifest_path_is_served_with_its_type(demo_sites: DemoSites) -> None:
    seen = 0
    for key, path in manifest_paths(demo_sites):
        status, headers, body = fetch(demo_sites.url(key, path))
        assert status == 200, (key, path)
        assert headers["Content-Type"] == expected_type(path), (key, path)
        assert b"{site:" not in body, (key, path)
        seen += 1
    assert seen >= 11 * 7


def test_each_site_has_its_own_loopback_port(demo_sites: DemoSites) -> None:
    origins = [urlsplit(u) for u in demo_sites.sites.values()]
    assert {o.hostname for o in origins} == {"127.0.0.1"}
    assert len({o.port for o in origins}) == len(demo_sites.manifest["sites"])


def test_placeholders_become_the_served_origins(demo_sites: DemoSites) -> None:
    _, _, body = fetch(demo_sites.url("nordic", demo_sites.site("nordic")["article"]["path"]))
    html = body.decode()
    assert f'<link rel="canonical" href="{demo_sites.original_url}">' in html
    _, _, robots = fetch(demo_sites.url("coastal", "/robots.txt"))
    assert f"Sitemap: {demo_sites.url('coastal', '/sitemap.xml')}" in robots.decode()


def test_original_and_copy_urls_follow_the_manifest(demo_sites: DemoSites) -> None:
    story = demo_sites.manifest["story"]
    assert demo_sites.original_url == demo_sites.url("harbour", story["path"])
    copies = [s for s in demo_sites.manifest["sites"] if s["role"] == "copy"]
    assert len(demo_sites.copy_urls) == len(copies) >= 8
    assert demo_sites.copy_urls[0] == demo_sites.url(copies[0]["key"], copies[0]["article"]["path"])
    assert demo_sites.expectation(demo_sites.copy_urls[1])["drift"] == "credit-stripper"


def test_missing_path_is_404_and_traversal_is_refused(demo_sites: DemoSites) -> None:
    assert fetch(demo_sites.url("harbour", "/no/such/page"))[0] == 404
    assert fetch(demo_sites.url("harbour", "/../nordic/index.html"))[0] == 404
    assert fetch(demo_sites.url("harbour", "/%2e%2e/manifest.json"))[0] == 404


def test_head_sends_headers_without_a_body(demo_sites: DemoSites) -> None:
    status, headers, body = fetch(demo_sites.original_url, method="HEAD")
    _, _, full = fetch(demo_sites.original_url)
    assert status == 200
    assert body == b""
    assert int(headers["Content-Length"]) == len(full)


def test_conditional_get_answers_304(demo_sites: DemoSites) -> None:
    url = demo_sites.url("harbour", "/rss.xml")
    status, headers, _ = fetch(url)
    assert status == 200
    assert fetch(url, headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, headers={"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, headers={"If-Modified-Since": formatdate(0, usegmt=True)})[0] == 200


def test_override_replaces_then_removes_a_page(fresh_sites: DemoSites) -> None:
    url = fresh_sites.copy_urls[0]
    path = urlsplit(url).path
    key = fresh_sites.manifest["sites"][1]["key"]
    _, before, _ = fetch(url)
    fresh_sites.set_override(key, path, b"<html><body><p>{{site:harbour}}</p></body></html>")
    status, after, body = fetch(url)
    assert status == 200
    assert body.decode() == f"<html><body><p>{fresh_sites.sites['harbour']}</p></body></html>"
    assert after["ETag"] != before["ETag"]
    assert fetch(url, headers={"If-None-Match": before["ETag"]})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": before["Last-Modified"]})[0] == 200
    fresh_sites.set_override(key, path, None, status=410)
    assert fetch(url)[0] == 410
    fresh_sites.set_override(key, path, None)
    assert fetch(url)[0] == 404
    fresh_sites.clear_overrides()
    assert fetch(url)[0] == 200


def test_override_of_unknown_site_is_refused(fresh_sites: DemoSites) -> None:
    with pytest.raises(KeyError):
        fresh_sites.set_override("nowhere", "/", b"x")


def test_requests_are_recorded(fresh_sites: DemoSites) -> None:
    fetch(fresh_sites.url("valley", "/robots.txt"), headers={"User-Agent": "probe/1"})
    last = fresh_sites.requests[-1]
    assert (last.site, last.method, last.path, last.status) == ("valley", "GET", "/robots.txt", 200)
    assert last.headers["User-Agent"] == "probe/1"


def test_close_stops_every_server_and_thread() -> None:
    before = set(threading.enumerate())
    sites = serve_sites()
    ports = [urlsplit(u).port for u in sites.sites.values()]
    assert fetch(sites.original_url)[0] == 200
    sites.close()
    assert set(threading.enumerate()) <= before
    for port in ports:
        with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
            sock.connect(("127.0.0.1", port))


def test_variants_are_served_only_when_applied(fresh_sites: DemoSites) -> None:
    original = fresh_sites.original_url
    assert b"2,600 dockworkers" not in fetch(original)[2]
    assert fetch(fresh_sites.url("harbour", "/_variants/original_corrected.html"))[0] == 404
    _, before, _ = fetch(original)
    assert fresh_sites.apply_variant("original_corrected") == original
    status, after, body = fetch(original)
    assert status == 200
    assert b"about 2,600 dockworkers" in body
    assert b"{site:" not in body
    assert after["ETag"] != before["ETag"]
    fresh_sites.clear_overrides()
    assert fetch(original)[1]["ETag"] == before["ETag"]
