"""Running the jobs of `notifications.jobs`: once (for `--once`), or forever under APScheduler."""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from cpas_workflow.core import clock
from cpas_workflow.extensions import db
from notifications.jobs import JOBS

log = logging.getLogger("cpas.scheduler")


def run_job(name: str, job, now: dt.datetime) -> bool:
    """Run one job as of `now` in its own transaction; False if it failed (logged, rolled back)."""
    try:
        with clock.frozen(now):
            job(now)
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", name)
        return False
    finally:
        db.session.remove()


def run_once(now: dt.datetime) -> list[str]:
    """Every job once, as of `now`; the names of those that failed."""
    return [name for name, job, _ in JOBS if not run_job(name, job, now)]


def run_forever(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone=dt.UTC)

    def wrapped(name, job):
        def run():
            with app.app_context():
                run_job(name, job, clock.now())

        return run

    for name, job, every in JOBS:
        scheduler.add_job(
            wrapped(name, job),
            "interval",
            seconds=every,
            id=name,
            max_instances=1,
            coalesce=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )
    log.info("scheduler started with %d job(s): %s", len(JOBS), ", ".join(n for n, _, _ in JOBS) or "none")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
