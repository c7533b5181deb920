"""Running the jobs of `notifications.jobs`: once (for `--once`), or forever under APScheduler."""

from __future__ import annotations

import datetime as dt
import logging
import signal

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from cpas_workflow.core import clock
from cpas_workflow.extensions import db
from notifications import heartbeat
from notifications.jobs import JOBS

log = logging.getLogger("cpas.scheduler")
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def run_job(name: str, job, now: dt.datetime) -> bool:
    """Run one job as of `now` in its own transaction; False if it failed (logged, rolled back).
    Either way the process's heartbeat records the run (at the real time, not `now`)."""
    ok = False
    try:
        with clock.frozen(now):
            job(now)
        db.session.commit()
        ok = True
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", name)
    finally:
        heartbeat.beat(name, ok)
        db.session.remove()
    return ok


def run_once(now: dt.datetime) -> list[str]:
    """Every job once, as of `now`; the names of those that failed."""
    return [name for name, job, _ in JOBS if not run_job(name, job, now)]


def run_forever(app: Flask) -> None:
    """Run the jobs on their intervals until SIGTERM or Ctrl-C. One worker thread: jobs never overlap
    (the clock is frozen per job, process-wide), and a job under way finishes before the process exits.

    The stop signals are blocked before the scheduler's threads start (so they inherit the block) and
    taken by `sigwait` in the main thread. A Python signal handler instead runs at any point of the
    main thread, and APScheduler catches BaseException around its own work: a SystemExit raised
    there was swallowed and the process kept running."""
    scheduler = BackgroundScheduler(timezone=dt.UTC, executors={"default": ThreadPoolExecutor(1)})
    default_every = app.config["CPAS_SCHEDULER_INTERVAL_SECONDS"]

    def wrapped(name, job):
        def run():
            with app.app_context():
                run_job(name, job, clock.now())

        run.__name__ = run.__qualname__ = name  # APScheduler's log lines name the job
        return run

    for name, job, every in JOBS:
        scheduler.add_job(
            wrapped(name, job),
            "interval",
            seconds=every or default_every,
            id=name,
            max_instances=1,
            coalesce=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        log.info("scheduler started with %d job(s): %s", len(JOBS), ", ".join(n for n, _, _ in JOBS) or "none")
        scheduler.start()
        received = signal.sigwait(STOP_SIGNALS)
        log.info("stopping on %s", signal.Signals(received).name)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        log.info("scheduler stopped")
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
