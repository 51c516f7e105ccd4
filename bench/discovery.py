"""Benchmark discovery: a site of news-sized pages and 1,000 feeds on loopback, served by nginx.

Pages: the whole pipeline (sitemap crawl in a child process, triage of every page,
normalisation and analysis of the candidates against 1,000 tracked stories, storage)
in pages/s next to a bare Scrapy spider fetching the same URLs with the same
settings, in the same run. Feeds: one polling round of 1,000 feeds, all changed
(50 items each) and all unchanged (304), through run_sources, with peak memory.

    .venv/bin/python bench/discovery.py [--pages 2000] [--feeds 1000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drift.model import Article  # noqa: E402
from storage import open_store  # noqa: E402
from syndiwatch.config import Config, CrawlConfig, NetworkConfig  # noqa: E402
from syndiwatch.discover import run_sources  # noqa: E402

STORIES = 1_000
COPY_SHARE = 0.03  # a few percent of the pages are copies (two thirds whole, one third half)
ITEMS_PER_FEED = 50
# Same Scrapy settings for the bare spider and the pipeline: no politeness delay on loopback.
SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
    "SYNDIWATCH_ALLOW_PRIVATE": True,
}


class Text:
    """Seeded pseudo-news text from a 6,000-word synthetic vocabulary."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        syllables = [a + b for a in "bcdfghklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai")]
        self.words = list({"".join(self.rng.sample(syllables, 3)) for _ in range(8_000)})[:6_000]

    def sentence(self) -> str:
        n = self.rng.randint(12, 26)
        words = self.rng.choices(self.words, k=n)
        return " ".join(words).capitalize() + "."

    def paragraphs(self, n: int) -> list[str]:
        return [" ".join(self.sentence() for _ in range(self.rng.randint(2, 4))) for _ in range(n)]


def page_html(title: str, paragraphs: list[str], site: str, links: list[str]) -> str:
    nav = "".join(f'<li><a href="{href}">Story {i}</a></li>' for i, href in enumerate(links))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site}'
        f'</title><meta property="og:site_name" content="{site}"></head><body><header>'
        f'<a href="/">{site}</a><nav><ul>{nav}</ul></nav></header><main><article>'
        f'<h1>{title}</h1><p class="byline">By Staff Writer</p>{body}</article></main>'
        f"<aside><h2>Most read</h2><ul>{nav}</ul></aside><footer>© {site}</footer></body></html>"
    )


def build_site(www: Path, base: str, n_pages: int, n_feeds: int) -> tuple[list[Article], int]:
    """Write pages, sitemap, robots.txt and feeds under `www`; return the stories and copies."""
    text = Text(7)
    stories = [
        Article(url=f"{base}/story/{i}", title=f"Story {i}", paragraphs=tuple(text.paragraphs(10)),
                authors=("Ana Example",), publisher="The Original")
        for i in range(STORIES)
    ]  # fmt: skip
    copies = int(n_pages * COPY_SHARE)
    (www / "a").mkdir(parents=True)
    urls = []
    for i in range(n_pages):
        if i % (n_pages // copies) == 0 and len(urls) // (n_pages // copies) < copies:
            story = stories[(i * 7) % STORIES]
            paras = list(story.paragraphs)
            paras = paras if (i // (n_pages // copies)) % 3 else paras[: len(paras) // 2]
        else:
            paras = text.paragraphs(text.rng.randint(8, 12))
        links = [f"/a/{text.rng.randrange(n_pages)}.html" for _ in range(15)]
        (www / "a" / f"{i}.html").write_text(page_html(f"Page {i}", paras, "Bench News", links))
        urls.append(f"{base}/a/{i}.html")
    rows = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    (www / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}'
        "</urlset>"
    )
    (www / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (www / "urls.json").write_text(json.dumps(urls))
    build_feeds(www / "f", base, n_feeds, text)
    return stories, copies


def build_feeds(folder: Path, base: str, n_feeds: int, text: Text) -> None:
    folder.mkdir()
    for f in range(n_feeds):
        items = "".join(
            f"<item><title>Item {f}-{i}</title><link>{base}/a/{(f * 50 + i) % 2000}.html</link>"
            f"<guid>{base}/item/{f}/{i}</guid><pubDate>Wed, 18 Nov 2026 08:02:00 +0100</pubDate>"
            f"<description>{text.sentence()} {text.sentence()}</description></item>"
            for i in range(ITEMS_PER_FEED)
        )
        (folder / f"{f}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>'
            f"<link>{base}/</link>{items}</channel></rss>"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(tmp: Path, www: Path, port: int) -> tuple[str, Any]:
    """nginx when installed, else a threaded http.server; returns (name, stop handle)."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        handler = type("H", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
        server = ThreadingHTTPServer(("127.0.0.1", port), lambda *a: handler(*a, directory=www))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return "http.server (threaded)", server
    temp = {k: tmp / k for k in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"worker_processes 1; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;\n"
        "user root;\nevents { worker_connections 1024; }\n"
        "http { access_log off; sendfile on; keepalive_timeout 30; default_type text/html;\n"
        " types { text/html html; application/xml xml; application/rss+xml rss; text/plain txt; }\n"
        f" client_body_temp_path {temp['client']}; proxy_temp_path {temp['proxy']};\n"
        f" fastcgi_temp_path {temp['fastcgi']}; uwsgi_temp_path {temp['uwsgi']};\n"
        f" scgi_temp_path {temp['scgi']};\n"
        f" server {{ listen 127.0.0.1:{port}; root {www}; }} }}\n"
    )
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return "nginx", proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"nginx did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def stop_server(handle: Any) -> None:
    if isinstance(handle, subprocess.Popen):
        handle.terminate()
        handle.wait(timeout=10)
    else:
        handle.shutdown()


def bare_crawl(url_file: str) -> None:
    """Child mode: a bare Scrapy spider fetching the URLs, doing nothing with the responses."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    urls = json.loads(Path(url_file).read_text())

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self) -> Any:
            for item in urls:  # a URL, or [URL, request headers] for a conditional GET
                url, headers = (item, {}) if isinstance(item, str) else item
                yield scrapy.Request(url, headers=headers, callback=self.parse)

        def parse(self, response: Any, **kwargs: Any) -> None:
            return None

    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.setdict({**SETTINGS, "ITEM_PIPELINES": {}}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    print(json.dumps({"responses": crawler.stats.get_value("response_received_count", 0)}))


def make_store(db: Path, stories: list[Article]) -> None:
    now = datetime.now(UTC)
    with open_store(f"sqlite:///{db}") as store:
        for story in stories:
            store.add_story(story.url, now=now)
            body = page_html(story.title, list(story.paragraphs), "The Original", []).encode()
            store.record_fetch(story.url, status=200, body=body, headers={}, article=story,
                               fetched_at=now, final_url=story.url)  # fmt: skip


def time_pipeline(config: Config, base: str) -> tuple[float, Any]:
    with open_store(config.database_url) as store:
        source = store.add_source("sitemap", f"{base}/sitemap.xml")
        t0 = time.perf_counter()
        (run,) = run_sources(store, config, [source], now=datetime.now(UTC),
                             scrapy_settings=SETTINGS, run_kind=None)  # fmt: skip
        return time.perf_counter() - t0, run


class ChildMemory:
    """Peak resident memory of our Python child processes (the crawl), sampled every 20 ms.

    ru_maxrss of a child counts the parent's pages at fork time, so /proc is read instead.
    """

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = str(os.getpid())
        while not self._stop.wait(0.02):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    fields = dict(
                        line.split(":", 1)
                        for line in status.read_text().splitlines()
                        if ":" in line
                    )
                except OSError:
                    continue
                if fields.get("PPid", "").strip() == me and "python" in fields.get("Name", ""):
                    rss = int(fields.get("VmRSS", "0 kB").split()[0])
                    self.peak_kib = max(self.peak_kib, rss)


def time_bare(tmp: Path, requests: list[Any]) -> tuple[float, int]:
    """Wall time of the bare Scrapy spider (a child process) fetching `requests`."""
    url_file = tmp / "bare.json"
    url_file.write_text(json.dumps(requests))
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--bare-crawl", str(url_file)],
                         capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    elapsed = time.perf_counter() - t0
    return elapsed, int(json.loads(out.stdout.strip().splitlines()[-1])["responses"])


def time_feeds(
    config: Config, tmp: Path, base: str, n_feeds: int
) -> list[tuple[float, float, Any]]:
    """(pipeline s, bare s, runs) of a first poll (all changed), then one with all unchanged."""
    settings = {**SETTINGS, "SYNDIWATCH_FEED_FOLLOW_ENTRIES": False}
    rounds = []
    with open_store(config.database_url) as store:
        for f in range(n_feeds):
            store.add_source("feed", f"{base}/f/{f}.xml")
        for _ in range(2):
            sources = store.list_sources()
            bare, _ = time_bare(tmp, [[s.url, _validators(s.state)] for s in sources])
            t0 = time.perf_counter()
            runs = run_sources(store, config, sources, now=datetime.now(UTC),
                               scrapy_settings=settings, run_kind=None)  # fmt: skip
            rounds.append((time.perf_counter() - t0, bare, runs))
    return rounds


def _validators(state: Any) -> dict[str, str]:
    headers = {"If-None-Match": state.get("etag"), "If-Modified-Since": state.get("last_modified")}
    return {k: v for k, v in headers.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--bare-crawl", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_crawl:
        return bare_crawl(args.bare_crawl)
    with tempfile.TemporaryDirectory(prefix="syndiwatch-bench-") as name:
        tmp = Path(name)
        tmp.chmod(0o755)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stories, copies = build_site(tmp / "www", base, args.pages, args.feeds)
        make_store(tmp / "stories.db", stories)
        server, handle = start_server(tmp, tmp / "www", port)
        try:
            report(tmp, base, server, args, copies)
        finally:
            stop_server(handle)


def report(tmp: Path, base: str, server: str, args: argparse.Namespace, copies: int) -> None:
    def config(db: str) -> Config:
        shutil.copy(tmp / "stories.db", tmp / db)
        return replace(Config(database_url=f"sqlite:///{tmp / db}"),
                       network=NetworkConfig(allow_private=True),
                       crawl=CrawlConfig(max_pages=args.pages))  # fmt: skip

    print(f"server: {server}; {args.pages} pages ({copies} copies), {STORIES} tracked stories")
    if args.feeds:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with ChildMemory() as child:
            rounds = time_feeds(config("feeds.db"), tmp, base, args.feeds)
        (changed, bare_changed, runs_c), (same, bare_same, runs_s) = rounds
        rss = child.peak_kib / 1024
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        entries = sum(r.entries_seen for r in runs_c)
        n304 = sum(r.not_modified for r in runs_s)
        print(f"feeds: {args.feeds} feeds x {ITEMS_PER_FEED} items")
        print("| round | pipeline s | bare Scrapy fetch s | ratio |\n| --- | --- | --- | --- |")
        print(f"| all changed ({entries} entries parsed) | {changed:.1f} | {bare_changed:.1f} | "
              f"{changed / bare_changed:.2f}x |")  # fmt: skip
        print(f"| all unchanged ({n304} answered 304) | {same:.1f} | {bare_same:.1f} | "
              f"{same / bare_same:.2f}x |")  # fmt: skip
        print(f"peak RSS: crawl child {rss:.0f} MiB, application process {me:.0f} MiB "
              f"({before:.0f} MiB before the feed rounds)")  # fmt: skip
    bare_s, pipe_s = [], []
    urls = json.loads((tmp / "www/urls.json").read_text())
    for i in range(args.repeat):
        elapsed, fetched = time_bare(tmp, urls)
        bare_s.append(elapsed)
        elapsed, run = time_pipeline(config(f"pages{i}.db"), base)
        pipe_s.append(elapsed)
    bare_rate = args.pages / min(bare_s)
    pipe_rate = run.pages_fetched / min(pipe_s)
    print(f"pages: bare Scrapy {fetched} responses, pipeline {run.pages_fetched} pages, "
          f"{run.analysed} analysed, {run.copies_found}/{copies} copies found")  # fmt: skip
    print("| run | best wall s | pages/s | ratio |\n| --- | --- | --- | --- |")
    print(f"| bare Scrapy spider (baseline) | {min(bare_s):.1f} | {bare_rate:.0f} | 1.00x |")
    print(f"| discovery pipeline | {min(pipe_s):.1f} | {pipe_rate:.0f} | "
          f"{pipe_rate / bare_rate:.2f}x |")  # fmt: skip


if __name__ == "__main__":
    main()
