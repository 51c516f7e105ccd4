"""Run a crawl in a child process and stream its FetchedPages back (the application's API).

`run_crawl(job)` starts `python -m scraper.runner`, which runs scraper.child:
Twisted's reactor cannot be restarted in one process, and a hung or crashed
crawl must never take the caller down. The child's log goes to our stderr. The
child dies with this process, however it ends (scraper.lifeline).
"""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from scraper import lifeline
from scraper.errors import CrawlFailed, CrawlTimeout
from scraper.items import CrawlJob, FetchedPage
from scraper.registry import spider_name_for
from storage.redact import mask_secrets

STDERR_TAIL_LINES = 20
# The directory that holds the `scraper` package, so `-m scraper.runner`
# resolves in the child however the parent found it.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_EOF = object()


def run_crawl(job: CrawlJob, *, timeout: float | None = None) -> Iterator[FetchedPage]:
    """Crawl `job` in a child process; yield FetchedPages as the child reports them.

    Raises CrawlTimeout (the child is killed) when `timeout` seconds of wall
    clock pass, CrawlFailed when the child exits non-zero, UnknownCrawlKind for
    a kind without a spider. Closing the generator early kills the child.
    """
    spider_name_for(job.kind)
    child = _CrawlChild(job)
    try:
        yield from child.pages(timeout)
    finally:
        child.stop()


class _CrawlChild:
    """One child process plus the threads that drain its stdout and stderr."""

    def __init__(self, job: CrawlJob) -> None:
        try:
            self.process = subprocess.Popen(
                # Our pid: the child dies with this process (scraper.lifeline).
                [sys.executable, "-m", "scraper.runner", str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=PACKAGE_ROOT,
                start_new_session=True,  # own process group: a kill takes every descendant
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise CrawlFailed(f"could not start the crawl process: {exc}") from exc
        lifeline.track(self.process.pid)
        self.lines: queue.Queue[object] = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self.readers = (
            _start_thread(self._read_stdout, self.process.stdout),
            _start_thread(self._forward_stderr, self.process.stderr),
        )
        self._send_job(job)

    def pages(self, timeout: float | None) -> Iterator[FetchedPage]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=_remaining(deadline))
            except queue.Empty:
                self._raise_timeout(timeout)
            if line is _EOF:
                break
            yield self._parse(str(line))
        try:
            status = self.process.wait(timeout=_remaining(deadline))
        except subprocess.TimeoutExpired:
            self._raise_timeout(timeout)
        self.readers[1].join(timeout=5)
        if status != 0:
            raise CrawlFailed(self._failure_message(status), tuple(self.stderr_tail))

    def stop(self) -> None:
        """Kill the child's process group if it still runs, and reap it."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        lifeline.untrack(self.process.pid)
        for reader in self.readers:
            reader.join(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):  # stdin: the child may be gone
                    stream.close()

    def _send_job(self, job: CrawlJob) -> None:
        assert self.process.stdin is not None
        try:
            # One line; stdin then stays open: its end tells the child we are gone.
            self.process.stdin.write(job.to_json() + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the child died at once; its exit status and stderr tell why

    def _read_stdout(self, stream: IO[str]) -> None:
        for line in stream:
            if line.strip():
                self.lines.put(line)
        self.lines.put(_EOF)

    def _forward_stderr(self, stream: IO[str]) -> None:
        for line in stream:
            line = mask_secrets(line)
            self.stderr_tail.append(line.rstrip("\n"))
            sys.stderr.write(line)
            sys.stderr.flush()

    def _parse(self, line: str) -> FetchedPage:
        try:
            return FetchedPage.from_json(line)
        except (ValueError, KeyError, TypeError) as exc:
            self.stop()
            shown = line[:200].rstrip()
            raise CrawlFailed(
                f"crawl process wrote an unreadable line ({exc}): {shown!r}",
                tuple(self.stderr_tail),
            ) from exc

    def _raise_timeout(self, timeout: float | None) -> None:
        self.stop()
        raise CrawlTimeout(
            f"crawl did not finish within {timeout:g} s; the crawl process was killed"
        )

    def _failure_message(self, status: int) -> str:
        last = next((line for line in reversed(self.stderr_tail) if line.strip()), "")
        how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
        return f"crawl process {how}" + (f": {last.strip()}" if last else "")


def _start_thread(target: object, stream: IO[str]) -> threading.Thread:
    thread = threading.Thread(target=target, args=(stream,), daemon=True)  # type: ignore[arg-type]
    thread.start()
    return thread


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


if __name__ == "__main__":
    from scraper.child import main

    sys.exit(main(sys.argv[1:]))
