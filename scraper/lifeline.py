"""Crawl children die with their parent, however the parent ends.

Child side (`guard_parent` and `watch_stdin`, in `python -m scraper.runner PARENT_PID`):
the kernel sends SIGKILL when the parent dies (Linux PR_SET_PDEATHSIG), and a
watchdog thread kills the child's process group when its stdin, a pipe only the
parent holds open, reaches end of file. Parent side (scraper.runner): every live
child's group is killed at interpreter exit (atexit), and each child is recorded
in a pidfile until it is reaped, so `reap_orphans` (called when a daemon or worker
starts) kills the groups an earlier parent left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
EXIT_ORPHANED = 3
_live: set[int] = set()
_live_lock = threading.Lock()


# Child side --------------------------------------------------------------------------


def guard_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when process `parent` dies (Linux).

    The signal follows the parent *thread* that started the child: run_crawl's
    generator is consumed, and the child reaped, in the thread that started it.
    """
    _set_parent_death_signal()
    # The parent may have died before prctl ran: then no signal would ever come.
    if os.getppid() != parent:
        os._exit(EXIT_ORPHANED)


def watch_stdin(fd: int = 0) -> None:
    """Kill this crawl's process group when `fd` (stdin, held open by the parent) ends."""
    threading.Thread(target=_watch, args=(fd,), daemon=True, name="lifeline").start()


def _set_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(fd: int) -> None:
    # os.read, not sys.stdin: a thread blocked inside the buffered reader holds its
    # lock, and the interpreter's shutdown would then abort on it.
    with contextlib.suppress(OSError):
        while os.read(fd, 4096):
            pass  # the parent sends nothing after the job; EOF means it is gone
    _kill_own_group()


def _kill_own_group() -> None:
    # The runner starts each child as a session leader, so its group is exactly the
    # crawl (Scrapy and anything it started); otherwise only this process goes.
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


# Parent side -------------------------------------------------------------------------


def pid_dir() -> Path:
    """Where live crawl children are recorded (one file per child, named by its pid)."""
    return Path(tempfile.gettempdir()) / f"syndiwatch-{os.getuid()}" / "crawls"


def track(pid: int) -> None:
    """Record a child just started (in its own session, so its pid is its group)."""
    with _live_lock:
        _live.add(pid)
    start = _start_time(pid)
    if start is None:
        return
    with contextlib.suppress(OSError):
        pid_dir().mkdir(parents=True, exist_ok=True)
        (pid_dir() / str(pid)).write_text(f"{os.getpid()} {start}\n", encoding="ascii")


def untrack(pid: int) -> None:
    """Forget a child that has been reaped."""
    with _live_lock:
        _live.discard(pid)
    with contextlib.suppress(OSError):
        (pid_dir() / str(pid)).unlink()


def kill_live_children() -> None:
    """Kill every child group this process started and has not reaped (at exit)."""
    with _live_lock:
        pids = list(_live)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        untrack(pid)


def reap_orphans() -> list[int]:
    """Kill the crawl groups whose recorded parent is gone; return their pids.

    A child still under its recorded parent is left alone (another daemon or worker
    on this host), and a recorded pid now used by another process is not touched.
    """
    killed: list[int] = []
    for entry in _entries():
        pid, parent, start = entry
        now_start, ppid = _start_time(pid), _parent_of(pid)
        if now_start is None or now_start != start:
            untrack(pid)  # gone, or the pid was reused
            continue
        if ppid == parent or not _is_crawl(pid):
            continue  # its parent still runs (or it is not a crawl process at all)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
            killed.append(pid)
            log.warning("killed crawl process %d left behind by process %d", pid, parent)
        untrack(pid)
    return killed


def _entries() -> list[tuple[int, int, int]]:
    directory = pid_dir()
    try:
        if directory.stat().st_uid != os.getuid():
            return []  # not ours: never kill on another user's say-so
    except OSError:
        return []
    entries = []
    for path in directory.glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError):
            parent, start = path.read_text(encoding="ascii").split()
            entries.append((int(path.name), int(parent), int(start)))
    return entries


def _is_crawl(pid: int) -> bool:
    try:
        return b"scraper.runner" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()  # fields after "pid (comm)", from the state on


def _start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    fields = _stat(pid)
    return int(fields[19]) if fields and len(fields) > 19 else None


def _parent_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields and len(fields) > 1 else None


atexit.register(kill_live_children)
