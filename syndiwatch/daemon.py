"""`syndiwatch daemon`: the schedule (APScheduler 3), its lifecycle, signals and crash safety.

Jobs live in a persistent SQLAlchemy job store in the same database (`apscheduler_jobs`):
`source:<id>` per enabled source, `recheck`, `sync` and `maintenance`. What each job does
is syndiwatch.daemon_jobs'; what is due, syndiwatch.scheduling's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from apscheduler.events import EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from scraper.lifeline import reap_orphans
from storage import Store
from storage.engine import create_store_engine, parse_url
from syndiwatch import daemon_jobs as jobs
from syndiwatch.config import Config, load_config
from syndiwatch.leader import Leadership, LeaderWatch, stand_by
from syndiwatch.pipeline import utcnow
from syndiwatch.scheduling import schedule_signature, source_trigger
from syndiwatch.sync import sync_config

log = logging.getLogger(__name__)

SOURCE_PREFIX = "source:"
FIXED_JOBS = ("recheck", "sync", "maintenance")
MAINTENANCE_EVERY_S = 3600.0
KILL_WAIT_S = 5.0

_current: Daemon | None = None


class Daemon:
    """One scheduler over one database; `run()` blocks until stop() or a signal.

    Source changes (CLI or config file) are picked up without a restart by the
    `sync` job every `[schedule] sync_every`, and at once on SIGHUP. SIGTERM/SIGINT:
    no new jobs; running ones get `shutdown_grace` seconds, then their crawl
    children are killed (their runs end as failed) and the process exits 0. Every
    write is one transaction and runs killed mid-way are closed as failed at the
    next start, so `kill -9` at any moment leaves a consistent database.
    """

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        config_path: str | None = None,
        database_url: str | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self._config_path = config_path or (str(config.path) if config.path else None)
        self._database_url = database_url
        self._config_mtime = _mtime(self._config_path)
        self._stop = threading.Event()
        self._hup = threading.Event()
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._engine = create_store_engine(parse_url(config.database_url))
        self.scheduler = self._build_scheduler()
        self.stuck = False  # jobs still running after shutdown (the caller should hard-exit)
        self._stories: set[int] = set()
        # Several daemons on one PostgreSQL database: only the lock holder schedules.
        self.leadership = Leadership(config.database_url)

    def _build_scheduler(self) -> BackgroundScheduler:
        # Job defaults, on purpose:
        # - max_instances=1: a source's crawl never overlaps itself, so a slow site
        #   cannot pile up runs; a run due while the previous one still runs is
        #   skipped (APScheduler logs a warning; it is not a missed run).
        # - coalesce=True: runs missed while the daemon was down collapse into one.
        # - misfire_grace_time=[schedule] misfire_grace: a run late by less still
        #   starts; a later one is recorded as a missed run (run history and the
        #   source's health), so "nothing ran for weeks" shows in `status`.
        sched = self.config.schedule
        return BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self._engine)},
            executors={"default": ThreadPoolExecutor(sched.workers)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(max(1, sched.misfire_grace)),
            },
            timezone="UTC",
        )

    # Lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Close runs a kill interrupted, schedule every job and start the scheduler."""
        global _current
        _current = self
        closed = self.store.close_interrupted_runs(now=utcnow())
        if closed:
            log.warning("closed %d run(s) interrupted by an earlier stop", closed)
        self.scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self.scheduler.start(paused=True)
        self._add_fixed_jobs()
        self.sync()
        self.scheduler.resume()
        log.info("daemon started: %d job(s) scheduled", len(self.scheduler.get_jobs()))

    def run(self, *, handle_signals: bool = True) -> int:
        """Run until SIGTERM/SIGINT (or stop()); return the exit status (0)."""
        if handle_signals:
            self._install_signals()
        reaped = reap_orphans()  # crawls an earlier daemon on this host left running
        if reaped:
            log.warning("killed %d crawl process(es) left by an earlier run", len(reaped))
        if not stand_by(self.leadership, self._stop, self.config.queue.leader_check):
            return 0  # stopped while standing by
        self._record_leadership()
        self.start()
        watch, status = LeaderWatch(self.leadership, self.config.queue.leader_check), 0
        try:
            while not self._stop.wait(0.5):
                if self._hup.is_set():
                    self._hup.clear()
                    log.info("SIGHUP: re-reading config and sources")
                    self.sync()
                if not watch.ok():  # exit non-zero: the service manager restarts us as standby
                    log.error("lost the leader lock: stopping the schedule")
                    status = 1
                    break
        finally:
            self.shutdown()
        return status

    def stop(self) -> None:
        self._stop.set()

    def _record_leadership(self) -> None:
        """Say in the database who leads since when (`syndiwatch status` shows it)."""
        host, pid = socket.gethostname(), os.getpid()
        try:
            self.store.record_leader(holder=f"{host}-{pid}", host=host, pid=pid, since=utcnow())
        except Exception:  # bookkeeping only: the lock, not this row, decides who leads
            log.exception("could not record this daemon as the leader")

    def shutdown(self) -> None:
        """Stop scheduling; give running jobs the grace time, then kill their crawls."""
        global _current
        log.info("stopping: %d job(s) running", len(self._running))
        with contextlib.suppress(Exception):
            self.scheduler.shutdown(wait=False)
        if not self._wait_idle(self.config.schedule.shutdown_grace):
            killed = kill_crawl_children()
            log.warning("grace time over: killed %d crawl process(es)", killed)
            self.stuck = not self._wait_idle(KILL_WAIT_S)
        self._engine.dispose()
        self.leadership.release()
        _current = None
        log.info("stopped")

    def _wait_idle(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while self._running and time.monotonic() < deadline:
            time.sleep(0.1)
        return not self._running

    def _install_signals(self) -> None:
        def stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: stopping", signal.Signals(signum).name)
            self._stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, lambda _s, _f: self._hup.set())

    # Jobs ------------------------------------------------------------------------------

    def _add_fixed_jobs(self) -> None:
        sched = self.config.schedule
        every = {"recheck": sched.sweep_every, "sync": sched.sync_every,
                 "maintenance": MAINTENANCE_EVERY_S}  # fmt: skip
        entry = {"recheck": recheck_entry, "sync": sync_entry, "maintenance": maintenance_entry}
        for job_id in FIXED_JOBS:
            self.scheduler.add_job(
                entry[job_id], "interval", seconds=every[job_id], id=job_id, name=job_id,
                replace_existing=True, next_run_time=utcnow(),
            )  # fmt: skip

    def sync(self) -> None:
        """Re-read the config file if it changed; make the source jobs match the database."""
        try:
            self._reload_config()
            self._sync_source_jobs()
        except Exception:  # a bad config edit must not stop the schedule already running
            log.exception("sync of config and sources failed; keeping the current schedule")

    def _reload_config(self) -> None:
        mtime = _mtime(self._config_path)
        if mtime == self._config_mtime or self._config_path is None:
            return
        config = load_config(self._config_path, self._database_url)
        sync_config(self.store, config)
        self.config, self._config_mtime = config, mtime
        log.info("config %s re-read", self._config_path)

    def _sync_source_jobs(self) -> None:
        sched = self.config.schedule
        wanted = {f"{SOURCE_PREFIX}{s.id}": s for s in self.store.list_sources() if s.enabled}
        current = {j.id: j for j in self.scheduler.get_jobs() if j.id.startswith(SOURCE_PREFIX)}
        for job_id in current.keys() - wanted.keys():
            self.scheduler.remove_job(job_id)
            log.info("unscheduled %s (removed or disabled)", job_id)
        for job_id, source in wanted.items():
            signature = schedule_signature(source, sched)
            job = current.get(job_id)
            if job is not None and job.kwargs.get("signature") == signature:
                continue
            self._reset_health_if_reenabled(source.id)
            # A new source runs at once; a changed one from its new trigger's next time.
            first = {"next_run_time": utcnow()} if job is None else {}
            self.scheduler.add_job(
                source_entry, source_trigger(source, sched), id=job_id, name=source.url[:200],
                kwargs={"source_id": source.id, "signature": signature}, replace_existing=True,
                **first,
            )  # fmt: skip
            log.info("scheduled %s: %s %s", job_id, source.kind, source.url)

    def _reset_health_if_reenabled(self, source_id: int) -> None:
        health = self.store.source_health(source_id)
        if health.disabled_at is not None:
            from storage.operations import HealthRecord

            self.store.save_source_health(HealthRecord(source_id, total_runs=health.total_runs))

    def has_new_stories(self) -> bool:
        """True when a story was added since the last call (the first call: always)."""
        ids = set(self.store.story_ids())
        new, self._stories = bool(ids - self._stories) or not self._stories, ids
        return new

    @contextlib.contextmanager
    def running(self, job_id: str) -> Iterator[None]:
        """Count a job as running (shutdown waits for it); log what escapes it."""
        with self._lock:
            self._running.add(job_id)
        try:
            yield
        except Exception:  # a job never takes the scheduler down; its run already says why
            log.exception("job %s failed", job_id)
        finally:
            with self._lock:
                self._running.discard(job_id)

    def _on_missed(self, event: JobEvent) -> None:
        scheduled = getattr(event, "scheduled_run_time", None)
        try:
            jobs.record_missed(self.store, event.job_id, scheduled)
        except Exception:  # bookkeeping only; never break the scheduler thread
            log.exception("could not record the missed run of %s", event.job_id)


# Job entry points: module-level so the persistent job store can name them.


def _daemon() -> Daemon | None:
    daemon = _current
    if daemon is None or daemon._stop.is_set():
        return None
    return daemon


def source_entry(source_id: int, signature: str = "") -> None:
    daemon = _daemon()
    if daemon is None:
        return
    source = next((s for s in daemon.store.list_sources() if s.id == source_id), None)
    if source is None or not source.enabled:
        daemon.sync()
        return
    with daemon.running(f"{SOURCE_PREFIX}{source_id}"):
        if daemon.config.queue.redis_url:  # scale-out: workers crawl, the scheduler enqueues
            from syndiwatch.enqueue import enqueue_source

            enqueue_source(daemon.store, daemon.config, source)
            return
        jobs.run_source_job(daemon.store, daemon.config, source)


def recheck_entry() -> None:
    daemon = _daemon()
    if daemon is not None:
        with daemon.running("recheck"):
            jobs.run_recheck_job(daemon.store, daemon.config)


def sync_entry() -> None:
    daemon = _daemon()
    if daemon is not None:
        with daemon.running("sync"):
            daemon.sync()
            if daemon.has_new_stories():  # failed first fetches are retried by maintenance
                jobs.fetch_new_originals(daemon.store, daemon.config)
            if daemon.config.queue.redis_url:  # workers follow stories through signatures
                from syndiwatch.shared_index import publish_signatures

                publish_signatures(daemon.store, now=utcnow())


def maintenance_entry() -> None:
    daemon = _daemon()
    if daemon is not None:
        with daemon.running("maintenance"):
            jobs.run_maintenance_job(daemon.store, daemon.config)


# Process helpers -------------------------------------------------------------------------


def kill_crawl_children() -> int:
    """Kill the process group of every crawl child of this process; return how many."""
    killed = 0
    for pid in _child_pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"scraper.runner" not in cmdline:
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # the runner starts each child in its own group
            killed += 1
    return killed


def _child_pids() -> list[int]:
    pids: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        with contextlib.suppress(OSError):
            pids += [int(p) for p in (task / "children").read_text().split()]
    return pids


def _mtime(path: str | None) -> float | None:
    if path is None:
        return None
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None
