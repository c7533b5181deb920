"""Prometheus metrics at `/metrics`, in the text exposition format.

Two kinds, so that figures stay right with several gunicorn workers and several hosts:
- counted per process, in memory: HTTP requests (by endpoint, method and status) with their latency,
  and transitions fired (counted when their transaction commits). Under gunicorn, `make serve` sets
  `PROMETHEUS_MULTIPROC_DIR`: each worker writes its counters to files there and a scrape of any worker
  adds up every worker of the host (prometheus_client's multiprocess mode). Without it (`flask run`,
  tests) the counters are this process's own.
- read from the database at scrape time, so the same on every host: outbox backlog and failures,
  overdue tasks, the scheduler's last run.

Who may read them: with `CPAS_METRICS_TOKEN` set, a request bearing `Authorization: Bearer <token>`;
without it, only a request from the loopback interface that no proxy forwarded.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cpas_workflow.core import clock
from cpas_workflow.extensions import db

bp = Blueprint("metrics", __name__)
disable_created_metrics()  # the `_created` series double the output and no dashboard here reads them
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
# In multiprocess mode the metrics below write to files and are collected from them, not from a registry.
_local = None if MULTIPROCESS else CollectorRegistry()

REQUESTS = Counter("cpas_http_requests", "HTTP requests answered", ["endpoint", "method", "status"], registry=_local)
LATENCY = Histogram(
    "cpas_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=_local,
)
TRANSITIONS = Counter("cpas_transitions", "Workflow transitions committed", ["workflow", "trigger"], registry=_local)
_PENDING = "cpas_transitions_pending"


def transition_fired(session: Session, workflow: str, trigger: str) -> None:
    """Count a transition once its transaction commits (a rolled-back one never happened)."""
    session.info.setdefault(_PENDING, []).append((workflow, trigger))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for workflow, trigger in session.info.pop(_PENDING, ()):
        TRANSITIONS.labels(workflow, trigger).inc()


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)


class DatabaseCollector:
    """Gauges read from the database when scraped (the same answer from every process and host)."""

    def collect(self):
        try:
            figures = self._read()
        except SQLAlchemyError:
            db.session.rollback()
            yield GaugeMetricFamily("cpas_database_up", "Whether the database answered this scrape", value=0)
            return
        yield GaugeMetricFamily("cpas_database_up", "Whether the database answered this scrape", value=1)
        yield from figures

    def _read(self) -> list:
        from cpas_workflow.tasks.models import Task
        from notifications.heartbeat import last_run_at
        from notifications.models import OutboxMessage

        outbox = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.status.in_(("pending", "sending", "failed")))
                .group_by(OutboxMessage.status)
            ).all()
        )
        retrying = db.session.scalar(
            select(func.count()).where(OutboxMessage.status == "pending", OutboxMessage.attempts > 0)
        )
        overdue = db.session.scalar(
            select(func.count()).where(Task.closed_at.is_(None), Task.due < clock.today()).select_from(Task)
        )
        scheduler_at = last_run_at()
        gauge = GaugeMetricFamily
        backlog = gauge("cpas_outbox_backlog", "Messages waiting to be sent, by status", labels=["status"])
        for status in ("pending", "sending"):
            backlog.add_metric([status], outbox.get(status, 0))
        return [
            backlog,
            gauge("cpas_outbox_failed", "Messages given up on after every retry", value=outbox.get("failed", 0)),
            gauge("cpas_outbox_retrying", "Pending messages whose earlier attempts failed", value=retrying or 0),
            gauge("cpas_tasks_overdue", "Open tasks past their due date", value=overdue or 0),
            gauge(
                "cpas_scheduler_last_run_timestamp_seconds",
                "When a scheduler process last ran a job (Unix time; 0 if never)",
                value=scheduler_at.timestamp() if scheduler_at else 0,
            ),
        ]


def _registry() -> CollectorRegistry:
    if MULTIPROCESS:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_LocalCollector())
    registry.register(DatabaseCollector())
    return registry


class _LocalCollector:
    def collect(self):
        yield from _local.collect()


def _is_allowed() -> bool:
    token = current_app.config.get("CPAS_METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    # No token: the socket's peer (before any proxy rewrite) on loopback, and no proxy in between.
    peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or request.environ.get(
        "REMOTE_ADDR", ""
    )
    try:
        is_loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False
    return is_loopback and "X-Forwarded-For" not in request.headers and "Forwarded" not in request.headers


@bp.get("/metrics")
def metrics():
    if not _is_allowed():
        if current_app.config.get("CPAS_METRICS_TOKEN"):
            abort(Response("a valid bearer token is needed\n", 401, {"WWW-Authenticate": "Bearer"}))
        abort(Response("metrics are served to loopback only unless CPAS_METRICS_TOKEN is set\n", 403))
    try:
        body = generate_latest(_registry())
    finally:
        db.session.remove()
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], headers={"Cache-Control": "no-store"})


class RequestMetrics:
    """WSGI middleware: counts every answer and its latency, whatever raised on the way."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        seen = {}

        def observing_start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, observing_start_response)
        finally:
            endpoint = environ.get("cpas.endpoint") or "none"
            status = seen.get("status", "500")
            REQUESTS.labels(endpoint, environ.get("REQUEST_METHOD", ""), status).inc()
            LATENCY.labels(endpoint, status).observe(time.perf_counter() - started)


def _note_endpoint(endpoint: str | None, values: dict | None) -> None:
    # Labels come from the URL rule's name, never the path: ids would make a series per object.
    request.environ["cpas.endpoint"] = endpoint or "none"


def init_metrics(app: Flask) -> None:
    app.register_blueprint(bp)
    app.url_value_preprocessor(_note_endpoint)
    app.wsgi_app = RequestMetrics(app.wsgi_app)
