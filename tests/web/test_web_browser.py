"""The review desk in a real browser: Playwright drives Debian's Chromium against uvicorn.

Stories → story → filter by content.number_changed → copy → the highlighted
number → dismiss a finding with a note → reload: dismissed. A hostile copy
runs no script. Screenshots go to test-output/ for a person to look at.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from deskdata import NUMBER_SITE, T0, TOKEN, DeskData

from storage import Store
from syndiwatch.commands.serve import bind_socket
from syndiwatch.web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
OUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def desk_url(desk_store: Store) -> Iterator[str]:
    """The desk served by uvicorn on a free loopback port, in a thread."""
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(create_app(desk_store, token=TOKEN, now=lambda: T0), log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def page() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing (scripts/check installs it)")
        pytest.skip("/usr/bin/chromium is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def test_review_a_number_change_in_the_browser(page, desk_url: str, desk: DeskData) -> None:  # type: ignore[no-untyped-def]
    OUT.mkdir(exist_ok=True)
    page.goto(desk_url + "/")
    page.click("table.stories a.title")
    page.select_option("select[name=code]", "content.number_changed")
    page.click("form.filters button[type=submit]")
    assert "code=content.number_changed" in page.url
    assert page.locator("table.copies tbody tr").count() == 1
    page.screenshot(path=str(OUT / "desk-story.png"), full_page=True)

    page.click("table.copies td.title-cell a")
    assert page.url.endswith(f"/copies/{desk.copy_ids[NUMBER_SITE]}")
    number = page.locator("table.aligned td.copy span.m-number", has_text="28,000")
    assert number.count() == 1
    assert number.is_visible()
    page.screenshot(path=str(OUT / "desk-copy.png"), full_page=True)

    copy_url = page.url
    page.goto(desk_url + "/login")
    page.fill("input[name=name]", "Ana")
    page.fill("input[name=token]", TOKEN)
    page.click("form.stack button[type=submit]")
    page.goto(copy_url)
    finding = page.locator("li.finding", has_text="content.number_changed").first
    finding.locator("input[name=note]").fill("the copy corrected a typo")
    finding.locator("button[value=dismissed]").click()
    page.reload()
    finding = page.locator("li.finding", has_text="content.number_changed").first
    assert finding.locator(".rv-dismissed").count() == 1
    assert "the copy corrected a typo" in finding.inner_text()
    assert "dismissed by Ana" in finding.inner_text()


def test_hostile_copy_runs_no_script(page, desk_url: str, desk: DeskData) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in ("/", f"/copies/{desk.copy_ids['hostile']}"):
        page.goto(desk_url + path)
        page.wait_for_load_state("load")
    assert dialogs == []
    assert errors == []
    assert page.evaluate("document.scripts.length") == 0
    assert "<script>alert('xss')</script>" in page.inner_text("body")
    page.screenshot(path=str(OUT / "desk-hostile.png"), full_page=False)
