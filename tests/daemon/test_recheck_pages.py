"""Re-checks against the demo sites: blocked pages are not removals, noise is not an edit,
an A/B flip-flop is reported once, a 404 is a removal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from storage import Store, open_store
from syndiwatch.config import Config, NetworkConfig, ScheduleConfig
from syndiwatch.demo.server import DemoSites
from syndiwatch.pipeline import check
from syndiwatch.recheck import recheck_story

CHALLENGE = b"<html><title>Just a moment...</title><div id='cf-chl-widget'></div></html>"


@pytest.fixture
def setup(fresh_sites: DemoSites, database_url: str) -> Iterator[tuple[DemoSites, Store, Config]]:
    config = Config(
        database_url=database_url,
        network=NetworkConfig(allow_private=True, download_timeout=5),
        schedule=replace(ScheduleConfig(), fail_after=1),
    )
    with open_store(config.database_url) as store:
        check(store, config, fresh_sites.original_url, fresh_sites.copy_urls)
        yield fresh_sites, store, config


def path_of(sites: DemoSites, key: str) -> str:
    return str(sites.site(key)["article"]["path"])


def copy_of(store: Store, url: str):  # type: ignore[no-untyped-def]
    return next(c for r in store.report() for c in r.copies if c.url == url)


def all_codes(store: Store, url: str) -> list[str]:
    copy = copy_of(store, url)
    active = [f.finding.code for f in copy.findings]
    return active + [f.finding.code for f in store.inactive_findings(copy.id)]


def test_blocked_pages_are_failures_and_gone_pages_removals(
    setup: tuple[DemoSites, Store, Config],
) -> None:
    sites, store, config = setup
    sites.set_override("nordic", path_of(sites, "nordic"), CHALLENGE, status=200)
    sites.set_override("buzzhub", path_of(sites, "buzzhub"), b"<html>no</html>", status=403)
    sites.set_override("metro", path_of(sites, "metro"), None, status=404)
    summary = recheck_story(store, config, 1, now=datetime.now(UTC))
    assert summary.copies_removed == 1
    for key in ("nordic", "buzzhub"):
        url = sites.url(key, path_of(sites, key))
        copy = copy_of(store, url)
        assert copy.status == "error", key
        [failed] = [f for f in copy.findings if f.finding.code == "lifecycle.fetch_failed"]
        assert failed.finding.message.startswith("blocked: "), key
        page = store.get_page(url)
        assert page is not None
        assert page.last_error_kind == "blocked"
    metro = copy_of(store, sites.url("metro", path_of(sites, "metro")))
    assert metro.status == "removed"
    assert "lifecycle.copy_removed" in [f.finding.code for f in metro.findings]


@pytest.mark.slow
def test_noise_is_not_an_edit_and_a_flip_flop_is_reported_once(
    setup: tuple[DemoSites, Store, Config],
) -> None:
    sites, store, config = setup
    key, path = "nordic", path_of(sites, "nordic")
    url = sites.url(key, path)
    site_dir = sites.root / str(sites.site(key)["directory"])
    body_a = (site_dir / (path.lstrip("/") + ".html")).read_bytes()
    noisy = body_a.replace(b"</article>", b"<p>Updated: Nov 19, 2026 08:01</p></article>", 1)
    note = b"<p>Editor's note: the union replied to the company's offer on Wednesday evening.</p>"
    body_b = body_a.replace(b"</article>", note + b"</article>", 1)
    assert noisy != body_a
    assert body_b != body_a
    for body in (noisy, body_a):
        sites.set_override(key, path, body)
        recheck_story(store, config, 1, now=datetime.now(UTC))
    assert "lifecycle.copy_edited" not in all_codes(store, url)
    for body in (body_b, body_a, body_b, body_a):
        sites.set_override(key, path, body)
        recheck_story(store, config, 1, now=datetime.now(UTC))
    assert all_codes(store, url).count("lifecycle.copy_edited") == 1
