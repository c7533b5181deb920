"""Scheduler heartbeats: each scheduler process records when it last ran a job, so that `/readyz` and
`/metrics` can tell a live scheduler from a dead one without reaching into another process.

One row per process (host and pid), updated after every job it runs, in a transaction of its own so a
failed job still counts as a sign of life. Rows of processes silent for a week are removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from sqlalchemy import Boolean, String, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from cpas_workflow.core import clock
from cpas_workflow.core.db import UTCDateTime
from cpas_workflow.extensions import db

log = logging.getLogger("cpas.scheduler")
KEEP = dt.timedelta(days=7)


class SchedulerHeartbeat(db.Model):
    __tablename__ = "scheduler_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(200), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_job: Mapped[str] = mapped_column(String(60))
    last_ok: Mapped[bool] = mapped_column(Boolean)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


_started_at: dt.datetime | None = None


def beat(job: str, ok: bool) -> None:
    """Record that this process just ran `job`; never raises (a heartbeat must not stop the scheduler)."""
    global _started_at
    now = clock.now()
    _started_at = _started_at or now
    try:
        row = db.session.scalar(select(SchedulerHeartbeat).where(SchedulerHeartbeat.process == process_name()))
        if row is None:
            row = SchedulerHeartbeat(process=process_name(), started_at=_started_at)
            db.session.add(row)
        row.last_run_at, row.last_job, row.last_ok = now, job, ok
        db.session.execute(delete(SchedulerHeartbeat).where(SchedulerHeartbeat.last_run_at < now - KEEP))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not record the scheduler heartbeat")


def last_run_at() -> dt.datetime | None:
    """The latest job run of any scheduler process."""
    return db.session.scalar(select(func.max(SchedulerHeartbeat.last_run_at)))
