"""Review desk under load: 50 concurrent clients read a story page of a 5,000-copy story.

Seeds (once, cached in bench/out/) a SQLite database through the real pipeline:
the demo sites are fetched on loopback, normalised and analysed, and their
analyses are recorded for 5,000 copy URLs through Store verbs. Then
`syndiwatch serve` runs in a child process, and this process drives 50 clients
on 127.0.0.1 while a writer thread records reviews and re-analyses in the same
database. Reports p50/p99 latency, and the ratio to a baseline (the same load
on the desk's static stylesheet) measured in the same run.

    .venv/bin/python bench/web.py [--copies 5000] [--clients 50] [--requests 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drift.analyse import analyse_copy  # noqa: E402
from drift.normalise import normalise  # noqa: E402
from storage import open_store  # noqa: E402
from storage.records import CopyQuery  # noqa: E402
from syndiwatch.demo.server import serve_sites  # noqa: E402

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TOKEN = "bench-desk-token-0123456789"  # serve refuses tokens under 16 characters
OUT = ROOT / "bench" / "out"
SERVER_LOG: list[str] = []


def seed(path: Path, copies: int) -> int:
    """Fill a database with one story and `copies` analysed copies; return the story id."""
    with serve_sites() as sites, open_store(f"sqlite:///{path}") as store:
        with httpx.Client(timeout=10) as http:
            original = http.get(sites.original_url).content
            bodies = [http.get(u).content for u in sites.copy_urls]
        orig = normalise(original, sites.original_url, {})
        store.record_fetch(sites.original_url, status=200, body=original, headers={},
                           article=orig, fetched_at=T0)  # fmt: skip
        story = store.add_story(sites.original_url, name="Port strike", now=T0)
        analysed = []
        for url, body in zip(sites.copy_urls, bodies, strict=True):
            article = normalise(body, url, {})
            analysed.append((body, article, analyse_copy(orig, article)))
        for i in range(copies):
            body, article, analysis = analysed[i % len(analysed)]
            url = f"https://copy{i % 97}.example/{i}/{article.url.rsplit('/', 1)[-1]}"
            snap = store.record_fetch(url, status=200, body=body + str(i).encode(), headers={},
                                      article=article, fetched_at=T0)  # fmt: skip
            store.record_analysis(story.id, url, snapshot_id=snap.id, analysis=analysis,
                                  discovered_via="feed", title=article.title, now=T0)  # fmt: skip
        return story.id


def writer(url: str, story_id: int, stop: threading.Event, counter: list[int]) -> None:
    """Keep writing to the database the desk reads: reviews of findings and copies."""
    with open_store(url) as store:
        page = store.query_copies(story_id, CopyQuery(limit=200))
        findings = [f.id for c in page.copies for f in c.findings]
        n = 0
        while not stop.is_set():
            now = T0 + timedelta(seconds=n)
            state = ("confirmed", "dismissed", "open")[n % 3]
            store.review_finding(findings[n % len(findings)], state, note="bench", by="w", now=now)
            store.set_copy_review(page.copies[n % len(page.copies)].id, state, note=None,
                                  by="w", now=now)  # fmt: skip
            n += 2
            counter[0] = n
            time.sleep(0.1)  # 20 review writes a second: far busier than a team of reviewers


async def load(
    base: str, path: str, clients: int, requests: int, signed_in: bool = False
) -> list[float]:
    """`clients` concurrent clients each GET `path` `requests` times; latencies in ms."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        if signed_in:
            await sign_in(client)

        async def one() -> None:
            await client.get(path)  # open this client's connection first (not timed)
            for _ in range(requests):
                start = time.perf_counter()
                r = await client.get(path)
                latencies.append((time.perf_counter() - start) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {r.status_code}")

        await asyncio.gather(*(one() for _ in range(clients)))
    return latencies


async def sign_in(client: httpx.AsyncClient) -> None:
    """Sign the client's session in: signed-in pages are rendered per request."""
    page = await client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf, "no sign-in form"
    form = {"csrf_token": csrf.group(1), "token": TOKEN, "name": "bench"}
    origin = str(client.base_url).rstrip("/")
    r = await client.post("/login", data=form, headers={"Origin": origin})
    assert r.status_code == 303, r.text


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def start_desk(db_url: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "syndiwatch", "--database", db_url, "serve", "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SYNDIWATCH_WEB_TOKEN": TOKEN},
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if m := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
            # Keep reading the desk's log so a full pipe never blocks it.
            threading.Thread(target=drain, args=(proc.stderr,), daemon=True).start()
            return proc, m.group(1)
    raise SystemExit("the desk did not start")


def drain(stream: Any) -> None:
    for line in stream:
        SERVER_LOG.append(line.rstrip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"web-{args.copies}.db"
    if not db.exists():
        t = time.perf_counter()
        seed(db.with_suffix(".tmp"), args.copies)
        db.with_suffix(".tmp").rename(db)
        print(f"seeded {args.copies} copies in {time.perf_counter() - t:.1f} s")
    url = f"sqlite:///{db}"
    with open_store(url) as store:
        story_id = store.list_stories()[0].id
    proc, base = start_desk(url)
    try:
        report(base, story_id, url, args, proc.pid)
    except httpx.HTTPError as exc:
        tail = "\n".join(SERVER_LOG[-20:])
        raise SystemExit(f"request failed: {exc!r}; desk exit code {proc.poll()}\n{tail}") from None
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(base: str, story_id: int, url: str, args: argparse.Namespace, pid: int) -> None:
    story = f"/stories/s_{story_id:02d}"
    paths = {
        "baseline: /static/style.css": ("/static/style.css", False),
        "story page (50 of 5,000 copies)": (story, False),
        "story page, filtered by code, page 20": (
            f"{story}?code=content.number_changed&page=20",
            False,
        ),
        "story page, signed in": (story, True),
    }
    asyncio.run(load(base, story, 5, 2))  # warm up
    stop, counter = threading.Event(), [0]
    thread = threading.Thread(target=writer, args=(url, story_id, stop, counter), daemon=True)
    thread.start()
    print(f"{args.clients} clients x {args.requests} requests each, writer running")
    print(f"{'':40} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'p50 ratio':>9} {'CPU ms/req':>10}")
    base_p50 = None
    try:
        for label, (path, signed_in) in paths.items():
            t, cpu = time.perf_counter(), cpu_seconds(pid)
            lat = asyncio.run(load(base, path, args.clients, args.requests, signed_in))
            rate = len(lat) / (time.perf_counter() - t)
            per_request = (cpu_seconds(pid) - cpu) * 1000 / (len(lat) + args.clients)
            p50, p99 = pct(lat, 50), pct(lat, 99)
            base_p50 = base_p50 or p50
            print(f"{label:40} {p50:8.1f} {p99:8.1f} {rate:7.0f} {p50 / base_p50:8.1f}x"
                  f" {per_request:10.1f}")  # fmt: skip
    finally:
        stop.set()
        thread.join(timeout=10)
        if shutil.which("wrk"):
            wrk_report(base, story, args.clients)
    print(f"writer: {counter[0]} review writes during the run")
    errors = [line for line in SERVER_LOG if "Error" in line]
    print(
        f"desk log: {len(SERVER_LOG)} lines, {len(errors)} errors"
        + "".join(f"\n  {line}" for line in errors[:5])
    )


WRK_PCT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
WRK_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_report(base: str, story: str, clients: int, seconds: int = 15) -> None:
    """The same load from wrk (C, two threads): a client that does not compete for the GIL."""
    print(f"wrk: {clients} connections for {seconds} s each, writer running")
    print(f"{'':40} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7}")
    for label, path in (("baseline: /static/style.css", "/static/style.css"),
                        ("story page (50 of 5,000 copies)", story),
                        ("story page, filtered by code, page 20",
                         f"{story}?code=content.number_changed&page=20")):  # fmt: skip
        out = subprocess.run(
            ["wrk", f"-c{clients}", "-t2", f"-d{seconds}s", "--latency", base + path],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        pcts = {q: float(v) * WRK_UNIT[u] for q, v, u in WRK_PCT.findall(out)}
        rate = float(WRK_RATE.search(out).group(1))  # type: ignore[union-attr]
        print(f"{label:40} {pcts['50']:8.1f} {pcts['99']:8.1f} {rate:7.0f}")


if __name__ == "__main__":
    main()
