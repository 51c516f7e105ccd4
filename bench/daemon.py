"""Benchmark the daemon: idle footprint and a short soak with many sources on loopback.

idle: RSS/CPU% with nothing due, next to a bare interpreter importing the same heavy
libraries (same run). soak: `--sources` demo feed sources due every `--every` for
`--soak` s: RSS over time, runs per minute, failed runs. See bench/README.md, Daemon.
    .venv/bin/python bench/daemon.py [--idle 60] [--soak 180] [--sources 200] [--every 5s]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from syndiwatch.demo.server import DemoSites, serve_sites

BARE_IMPORTS = "import scrapy, bs4, lxml.html, feedparser, sqlalchemy, apscheduler, time; "
IDLE_SCHEDULE = '[schedule]\nsweep_every = "1h"\nsync_every = "1h"\n'
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def measure(pid: int, seconds: float) -> tuple[float, float]:
    """(RSS MB at the end, CPU % over `seconds`) of process `pid`."""
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return rss_mb(pid), 100 * (cpu_seconds(pid) - c0) / (time.monotonic() - t0)


def start_daemon(tmp: Path, config: str) -> subprocess.Popen[bytes]:
    path = tmp / "syndiwatch.toml"
    path.write_text(config, encoding="utf-8")
    db = f"sqlite:///{tmp / 'bench.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
    cmd = [sys.executable, "-m", "syndiwatch", "--config", str(path), "--database", db, "daemon"]
    log = (tmp / "daemon.log").open("ab")
    return subprocess.Popen(cmd, stdout=log, stderr=log, env=env, cwd=tmp)


def stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(60)


def idle(seconds: float) -> None:
    bare = subprocess.Popen([sys.executable, "-c", BARE_IMPORTS + "time.sleep(10**6)"])
    with tempfile.TemporaryDirectory() as tmp:
        daemon = start_daemon(Path(tmp), IDLE_SCHEDULE)
        time.sleep(8)  # imports, migrations, first sync
        base_rss, _ = measure(bare.pid, 2)
        rss, cpu = measure(daemon.pid, seconds)
        status = stop(daemon)
    bare.kill()
    bare.wait()
    print(f"idle over {seconds:g} s (nothing due):")
    print(f"  bare imports : RSS {base_rss:6.1f} MB")
    print(f"  daemon       : RSS {rss:6.1f} MB ({rss / base_rss:.2f}x bare), CPU {cpu:.2f} %")
    print(f"  SIGTERM exit status {status}")


def soak_config(sites: DemoSites, n: int, every: str) -> str:
    feeds = [
        sites.url(s["key"], s["feed"]) for s in sites.manifest["sites"] if s["role"] != "original"
    ]
    sources = "".join(
        f'[[sources]]\nkind = "feed"\nurl = "{feeds[i % len(feeds)]}?s={i}"\nevery = "{every}"\n\n'
        for i in range(n)
    )
    return (
        "[network]\nallow_private = true\ndownload_timeout = 10\n"
        '[schedule]\nsweep_every = "30s"\nsync_every = "30s"\nrecheck_every = "1m"\n'
        f'[[stories]]\nurl = "{sites.original_url}"\n\n{sources}'
    )


def runs(db: Path) -> tuple[int, int]:
    """(finished runs, failed runs) so far."""
    with sqlite3.connect(db, timeout=30) as conn:
        done, failed = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(error IS NOT NULL), 0) FROM runs"
            " WHERE finished_at IS NOT NULL"
        ).fetchone()
    return int(done), int(failed)


def soak(seconds: float, n: int, every: str) -> None:
    with serve_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        daemon = start_daemon(Path(tmp), soak_config(sites, n, every))
        time.sleep(5)
        samples = [(0.0, rss_mb(daemon.pid))]
        start, (done0, failed0) = time.monotonic(), runs(Path(tmp) / "bench.db")
        while (elapsed := time.monotonic() - start) < seconds:
            time.sleep(min(15.0, seconds - elapsed))
            samples.append((time.monotonic() - start, rss_mb(daemon.pid)))
        done, failed = runs(Path(tmp) / "bench.db")
        status = stop(daemon)
    minutes = seconds / 60
    print(f"soak: {n} sources every {every}, {seconds:g} s")
    print("  RSS MB over time: " + ", ".join(f"{t:.0f}s {r:.1f}" for t, r in samples))
    first, last, peak = samples[0][1], samples[-1][1], max(r for _, r in samples)
    print(f"  RSS start {first:.1f}, end {last:.1f} ({last / first:.2f}x start), peak {peak:.1f}")
    print(f"  runs {done - done0} ({(done - done0) / minutes:.1f}/min), failed {failed - failed0}")
    print(f"  SIGTERM exit status {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=60.0, help="idle seconds (0 skips)")
    parser.add_argument("--soak", type=float, default=180.0, help="soak seconds (0 skips)")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--every", default="5s")
    args = parser.parse_args()
    if args.idle:
        idle(args.idle)
    if args.soak:
        soak(args.soak, args.sources, args.every)


if __name__ == "__main__":
    main()
