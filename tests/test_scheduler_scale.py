# ruff: noqa: F811  (the smtp fixture is imported)
"""The scheduler at scale, told by statement counts (never times): a pass reads and writes in a fixed
number of statements however many tasks are due, a rerun at the same instant queues nothing, and a
backlog larger than a batch is delivered through a real SMTP server, each message exactly once."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json

from sqlalchemy import delete, event, func, insert, select, update

from cpas_workflow.accounts.models import User
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.tasks.models import Task
from notifications.delivery import deliver_outbox
from notifications.jobs import JOBS
from notifications.models import OutboxMessage
from notifications.outbox import add_deferred, deferred_row
from notifications.recipients import Person
from notifications.runner import run_job
from tests.cycle_helpers import fp, head, start_cycle
from tests.notify_helpers import keys, outbox, set_notify, smtp, utc  # noqa: F401

AT = utc(2026, 10, 14, 9)  # after the digest hour everywhere in the demo


@contextlib.contextmanager
def counting():
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def add_tasks(app, cycle_id: int, count: int) -> None:
    """`count` open tasks of the demo's components: a third due tomorrow (reminders), a third long
    overdue (reminders and escalations), a third follow-up actions quiet for two months (nudges)."""
    with app.app_context():
        mission = db.session.scalar(select(Mission).where(Mission.code == "DEMO"))
        components = list(db.session.scalars(select(Component).where(Component.mission_id == mission.id)))
        owner = db.session.scalar(select(User.id).where(User.email == head("CIV")))
        recommendation = db.session.execute(
            insert(Recommendation).values(
                cycle_id=cycle_id,
                component_id=components[0].id,
                title="Strengthen early warning",
                body="Set up **community alert networks**.",
                due=dt.date(2026, 12, 1),
                decision="approved",
                status="open",
                owner_id=owner,
                version=1,
                created_at=AT - dt.timedelta(days=60),
            )
        ).inserted_primary_key[0]
        rows = []
        for n in range(count):
            component = components[n % len(components)]
            kind = n % 3
            rows.append(
                {
                    "key": "quarterly_assessment:followup:action"
                    if kind == 2
                    else "component_submission:pending:submit",
                    "title": f"Submit {component.name} input for 2026-Q4 ({n})",
                    "role": "component_head" if kind == 2 else "focal_point",
                    "mission_id": mission.id,
                    "component_id": component.id,
                    "assignee_id": owner if kind == 2 else None,
                    "cycle_id": cycle_id,
                    "recommendation_id": recommendation if kind == 2 else None,
                    "state": "pending",
                    "due": dt.date(2026, 10, 15) if kind == 0 else dt.date(2026, 10, 1),
                    "created_at": AT - dt.timedelta(days=60),
                }
            )
        db.session.execute(insert(Task), rows)
        db.session.commit()


def producing_pass(app) -> tuple[int, int]:
    """Every job but delivery, once, as at AT: (statements, messages queued)."""
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        db.session.remove()
        with counting() as seen:
            for name, job, _every in JOBS:
                if name != "deliver":
                    assert run_job(name, job, AT)
        after = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        db.session.remove()
    return len(seen), after - before


def forget_pass(app, cycle_id: int) -> None:
    with app.app_context():
        db.session.execute(delete(OutboxMessage))
        db.session.execute(delete(Task).where(Task.cycle_id == cycle_id, Task.created_at < AT - dt.timedelta(days=30)))
        db.session.execute(delete(Recommendation).where(Recommendation.cycle_id == cycle_id))
        db.session.execute(update(User).values(last_digest_at=None))
        db.session.commit()


def test_a_pass_takes_as_many_statements_for_a_thousand_due_tasks_as_for_a_hundred(app, api):
    for email in (fp("CIV"), fp("MIL"), fp("POL")):
        set_notify(app, email, "immediate")
    cycle_id = start_cycle(api)["id"]
    add_tasks(app, cycle_id, 100)
    producing_pass(app)  # a first pass in a process also parses the stored definitions (once per content)
    forget_pass(app, cycle_id)
    add_tasks(app, cycle_id, 100)
    small_statements, small_queued = producing_pass(app)
    forget_pass(app, cycle_id)
    add_tasks(app, cycle_id, 1000)
    large_statements, large_queued = producing_pass(app)
    assert large_queued > 9 * small_queued > 0  # reminders, escalations, nudges, digests: ten times as many
    assert large_statements == small_statements


def test_a_pass_run_again_at_the_same_instant_queues_nothing(app, api):
    set_notify(app, fp("CIV"), "immediate")
    cycle_id = start_cycle(api)["id"]
    add_tasks(app, cycle_id, 60)
    _statements, queued = producing_pass(app)
    kinds = collections.Counter(m.kind for m in outbox(app))
    assert queued > 0 and {"reminder", "escalation", "followup", "digest"} <= set(kinds)
    assert producing_pass(app)[1] == 0
    assert collections.Counter(m.kind for m in outbox(app)) == kinds


def test_a_backlog_larger_than_a_batch_goes_through_smtp_each_message_once(app, api, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "CPAS_MAIL_BATCH", 40)
    set_notify(app, fp("CIV"), "immediate")
    cycle_id = start_cycle(api)["id"]
    add_tasks(app, cycle_id, 3)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == fp("MIL")))
        person = Person(user.id, user.email, user.name, user.language, user.notify)
        title = db.session.scalars(select(Task.title).where(Task.cycle_id == cycle_id).order_by(Task.id)).first()
        context = json.dumps(
            {"title": title, "due": "2026-10-15", "path": f"/cycles/{cycle_id}", "mission": "DEMO"}
            | {"today": "2026-10-14", "recommendation_id": None}
        )
        rows = [deferred_row(f"test:backlog:{n}", "reminder", person, context) for n in range(250)]
        assert add_deferred(rows) == 250
        assert add_deferred(rows) == 0  # the same keys again: nothing added
        db.session.commit()
    queued = keys(app)
    with app.app_context():
        assert run_job("deliver", deliver_outbox, AT)  # one pass drains it all, 40 at a time
    received = collections.Counter(smtp.inbox.keys())
    assert set(received) == set(queued) and max(received.values()) == 1
    sent = outbox(app, recipient=fp("MIL"))
    assert {m.status for m in sent} == {"sent"} and {m.attempts for m in sent} == {1}
    assert {m.subject for m in sent} == {f"Reminder: {title}"}  # rendered when sent, and kept
    first = next(r for r in smtp.inbox.received if r.message["X-CPAS-Key"] == "test:backlog:0")
    assert f"http://cpas.test/cycles/{cycle_id}" in first.text and "due in 1 day" in first.text
    assert first.message["List-Unsubscribe"].startswith("<http://cpas.test/unsubscribe/")
    with app.app_context():
        assert run_job("deliver", deliver_outbox, AT)
    assert sum(collections.Counter(smtp.inbox.keys()).values()) == len(queued)  # nothing sent twice
