"""Probes for load balancers and orchestrators.

`/healthz` answers while the process can serve at all (no database call: a database outage must not
make every web process look dead and get restarted). `/readyz` answers 200 only when this process can
do useful work: the database answers, its schema is at the migrations' head (not half-upgraded by a
deployment under way), and a scheduler has run a job recently (else no mail goes out). Otherwise 503
with the reason, in JSON.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from config import ROOT
from cpas_workflow.core import clock
from cpas_workflow.extensions import csrf, db

bp = Blueprint("serving", __name__)


@cache
def migration_heads() -> frozenset[str]:
    """The revisions the code expects, read once per process."""
    return frozenset(ScriptDirectory(str(ROOT / "migrations")).get_heads())


def _not_ready(reason: str, **details):
    response = jsonify({"status": "not ready", "reason": reason, **details})
    response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz():
    from notifications.heartbeat import last_run_at

    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            applied = set(MigrationContext.configure(conn).get_current_heads())
        heartbeat = last_run_at()
    except SQLAlchemyError as exc:
        return _not_ready("database unreachable", error=type(exc).__name__)
    finally:
        db.session.remove()
    expected = migration_heads()
    if applied != expected:
        return _not_ready(
            "database schema is not at the migrations' head: run `flask --app wsgi cpas init-db`",
            database=sorted(applied),
            code=sorted(expected),
        )
    limit = dt.timedelta(seconds=current_app.config["CPAS_READY_HEARTBEAT_SECONDS"])
    now = clock.now()
    if heartbeat is None or now - heartbeat > limit:
        return _not_ready(
            f"no scheduler has run a job in the last {int(limit.total_seconds())} s",
            scheduler_last_run_at=heartbeat.isoformat() if heartbeat else None,
        )
    response = jsonify({"status": "ready", "scheduler_last_run_at": heartbeat.isoformat()})
    response.headers["Cache-Control"] = "no-store"
    return response


csrf.exempt(bp)
