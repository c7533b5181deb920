# ruff: noqa: F811  (the smtp fixture is imported)
"""Production's shape on PostgreSQL: two gunicorn servers and two schedulers on one database while a
client fires transitions at ten cycles for a bounded time. Afterwards every cycle's state is the replay
of its audit trail, every answer was 200, 409 or 422 (never 5xx), and no message went out twice."""

from __future__ import annotations

import collections
import concurrent.futures
import json
import os
import random
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from cpas_workflow.extensions import db
from notifications.models import OutboxMessage
from tests.conftest import PASSWORD
from tests.cycle_helpers import LEAD, SPU, cycle_in
from tests.notify_helpers import outbox, set_notify, smtp  # noqa: F401
from tests.process_helpers import app_env, gunicorn, running, scheduler

pytestmark = pytest.mark.slow
CYCLES = 10
CLIENTS = 6
SECONDS = float(os.environ.get("CPAS_TEST_SOAK_SECONDS", 15))
DRAIN = 90  # seconds the schedulers get to deliver what the run queued


def call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token_for(base: str, email: str) -> str:
    status, body = call(base, "POST", "/api/v1/tokens", body={"email": email, "password": PASSWORD})
    assert status == 201, body
    return body["token"]


def attempt(bases: list[str], tokens: dict[str, str], cycle_id: int, rng: random.Random) -> tuple[str, int, int]:
    """One client move: read the cycle from one server, fire what fits on another — or, now and then,
    something that must be refused (a stale version, a missing comment, a trigger of the other state)."""
    status, cycle = call(rng.choice(bases), "GET", f"/api/v1/cycles/{cycle_id}", tokens[SPU])
    assert status == 200, cycle
    forward = cycle["state"] == "joint_review"
    trigger, email = ("submit_for_signoff", SPU) if forward else ("return_for_rework", LEAD)
    body = {"trigger": trigger, "expected_version": cycle["version"], "comment": "Another pass, please."}
    roll = rng.random()
    if roll < 0.1:
        body["expected_version"] -= 1
    elif roll < 0.2 and not forward:
        del body["comment"]
    elif roll < 0.3:
        trigger, email = ("return_for_rework", LEAD) if forward else ("submit_for_signoff", SPU)
        body |= {"trigger": trigger, "expected_version": None}
    status, answer = call(rng.choice(bases), "POST", f"/api/v1/cycles/{cycle_id}/transitions", tokens[email], body)
    return trigger, status, cycle_id


def replay(events: list[dict], cycle_id: int) -> str | None:
    state = None
    for event in events:
        if event["subject"] == f"cycle:{cycle_id}" and event["to_state"]:
            if event["from_state"] is not None:
                assert event["from_state"] == state, (cycle_id, event, state)
            state = event["to_state"]
    return state


def test_two_servers_and_two_schedulers_on_one_postgresql_database(app, api, smtp, tmp_path, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes on one database are tested on PostgreSQL (set CPAS_TEST_DATABASE_URL)")
    for email in (SPU, LEAD):
        set_notify(app, email, "immediate")
    cycle_ids = [cycle_in(api, "joint_review", period=f"{2030 + n}-Q1")["id"] for n in range(CYCLES)]
    env = app_env(
        database_url,
        tmp_path / "instance",
        CPAS_MAIL_SERVER="127.0.0.1",
        CPAS_MAIL_PORT=str(smtp.port),
        CPAS_SCHEDULER_INTERVAL_SECONDS="1",
        CPAS_WORKERS="2",
    )
    logs = {name: tmp_path / f"{name}.log" for name in ("web1", "web2", "sched1", "sched2")}
    schedulers = [scheduler(env, logs["sched1"]), scheduler(env, logs["sched2"])]
    with running(*schedulers):
        (web1, base1), (web2, base2) = gunicorn(env, logs["web1"]), gunicorn(env, logs["web2"])
        with running(web1, web2):
            bases = [base1, base2]
            tokens = {email: token_for(base1, email) for email in (SPU, LEAD)}
            deadline = time.monotonic() + SECONDS

            def client(seed: int) -> list[tuple[str, int, int]]:
                rng, moves = random.Random(seed), []
                while time.monotonic() < deadline:  # bounded: the run stops by itself
                    moves.append(attempt(bases, tokens, rng.choice(cycle_ids), rng))
                return moves

            with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
                moves = [move for moves in pool.map(client, range(CLIENTS)) for move in moves]

            statuses = collections.Counter(status for _, status, _ in moves)
            print(f"{len(moves)} attempts in {SECONDS:.0f} s over 2 servers: {dict(statuses)}")  # shown with -rP
            assert set(statuses) <= {200, 409, 422}, statuses
            assert statuses[200] > CYCLES and statuses[409] > 0 and statuses[422] > 0, statuses
            fired = collections.Counter(cycle_id for _, status, cycle_id in moves if status == 200)
            for cycle_id in cycle_ids:
                status, cycle = call(base2, "GET", f"/api/v1/cycles/{cycle_id}", tokens[SPU])
                status, events = call(base1, "GET", f"/api/v1/cycles/{cycle_id}/events", tokens[SPU])
                assert replay(events, cycle_id) == cycle["state"]
                looped = [e for e in events if e["action"] in ("submit_for_signoff", "return_for_rework")]
                assert len(looped) == fired[cycle_id]  # one audit event per 200, none per refusal

        drain_deadline = time.monotonic() + DRAIN
        while _waiting(app) and time.monotonic() < drain_deadline:
            time.sleep(0.5)  # waiting for the schedulers' next passes, not for time to pass
    assert _waiting(app) == 0, [log.read_text()[-2000:] for log in logs.values()]
    sent = [m.key for m in outbox(app) if m.status == "sent"]
    assert len(sent) > statuses[200]  # each transition opened a task, announced to its role's holder
    received = collections.Counter(smtp.inbox.keys())
    assert set(received) == set(sent) and max(received.values()) == 1
    message_ids = collections.Counter(r.message["Message-ID"] for r in smtp.inbox.received)
    assert max(message_ids.values()) == 1
    assert {m.status for m in outbox(app)} <= {"sent", "skipped"}


def _waiting(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(
                select(func.count()).where(OutboxMessage.status.in_(("pending", "sending"))).select_from(OutboxMessage)
            )
        finally:
            db.session.remove()
