"""Open the tasks a state defines when it is entered, close them when it is left.

Both are plain statements on the tasks table, not ORM objects: a transition closes its state's tasks
with one UPDATE and opens the next state's with one INSERT ... RETURNING, and nothing of them is kept
in the session (the ids are all the outbox rows need). No autoflush either: the subject's own change
is written by the transition's single flush."""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from sqlalchemy import bindparam, insert, update

from cpas_workflow.core import timezones
from cpas_workflow.engine.definitions import Definition, TaskSpec
from cpas_workflow.extensions import db
from cpas_workflow.tasks.models import Task
from notifications.task_messages import enqueue_task_opened


def _is_cycle(subject) -> bool:
    return subject.__tablename__ == "cycles"


def _due(spec: TaskSpec, subject, now: dt.datetime, recommendation=None) -> dt.date:
    """The task's due date: `days` after its base, and never before its `not_before` date (input
    returned early is not due back before the deadline everyone else has)."""
    cycle = subject if _is_cycle(subject) else subject.cycle
    bases = {
        "entered": lambda: timezones.local_date(now, cycle.mission.timezone),
        "input_due": lambda: cycle.input_due,
        "due": lambda: subject.due,
        "recommendation_due": lambda: recommendation.due,
    }
    due = bases[spec.due_from]() + dt.timedelta(days=spec.due_days)
    return max(due, bases[spec.due_not_before]()) if spec.due_not_before else due


def _title(spec: TaskSpec, subject, recommendation=None) -> str:
    cycle = subject if _is_cycle(subject) else subject.cycle
    component = recommendation.component if recommendation else getattr(subject, "component", None)
    values = {
        "period": cycle.period,
        "mission": cycle.mission.code,
        "cycle": cycle.title,
        "component": component.name if component else "",
        "recommendation": recommendation.title if recommendation else "",
    }
    return spec.title.format(**values)[:300]


class OpenedTask(NamedTuple):
    """A task just inserted: what its announcement needs (the columns of `tasks`, with its id)."""

    id: int
    key: str
    title: str
    role: str
    mission_id: int
    component_id: int | None
    assignee_id: int | None
    cycle_id: int
    submission_id: int | None
    recommendation_id: int | None
    state: str
    due: dt.date
    created_at: dt.datetime


def _new_task(definition: Definition, state: str, spec: TaskSpec, subject, now: dt.datetime, recommendation=None):
    cycle = subject if _is_cycle(subject) else subject.cycle
    component = recommendation.component if recommendation else getattr(subject, "component", None)
    return {
        "key": f"{definition.name}:{state}:{spec.key}",
        "title": _title(spec, subject, recommendation),
        "role": spec.role,
        "mission_id": cycle.mission_id,
        "component_id": component.id if component else None,
        "assignee_id": recommendation.owner_id if recommendation else None,
        "cycle_id": cycle.id,
        "submission_id": None if _is_cycle(subject) else subject.id,
        "recommendation_id": recommendation.id if recommendation else None,
        "state": state,
        "due": _due(spec, subject, now, recommendation),
        "created_at": now,
    }


def _announce(rows: list[dict], actor, mission) -> list[OpenedTask]:
    """Insert the tasks (one statement) and queue their outbox rows in this same transaction; the
    scheduler sends them. The actor, whose own action opened the tasks, is not told of them."""
    if not rows:
        return []
    connection = db.session.connection()
    if len(rows) == 1:
        ids = [connection.execute(_insert(), rows[0]).scalar_one()]
    else:
        ids = list(connection.execute(_insert_many(), rows).scalars())
    created = [OpenedTask(id=task_id, **row) for task_id, row in zip(ids, rows, strict=True)]
    enqueue_task_opened(created, actor=actor, mission=mission)
    return created


def open_tasks(subject, definition: Definition, state: str, now: dt.datetime, actor=None) -> list[OpenedTask]:
    """Create the tasks `state` defines for `subject` (a cycle or a submission), as `actor`'s doing."""
    created = []
    cycle = subject if _is_cycle(subject) else subject.cycle
    for spec in definition.states[state].tasks:
        if spec.per == "action":
            targets = [
                r for r in cycle.recommendations if r.is_action and r.status not in ("done", "dropped", "carried_over")
            ]
        else:
            targets = [None]
        for recommendation in targets:
            created.append(_new_task(definition, state, spec, subject, now, recommendation))
    return _announce(created, actor, cycle.mission)


def open_action_tasks(cycle, definition: Definition, recommendation, now: dt.datetime, actor=None) -> list[OpenedTask]:
    """A follow-up action settled and then taken up again: the per-action tasks of the cycle's
    current state, for this one action, opened and announced as any other task."""
    specs = [spec for spec in definition.states[cycle.state].tasks if spec.per == "action"]
    created = [_new_task(definition, cycle.state, spec, cycle, now, recommendation) for spec in specs]
    return _announce(created, actor, cycle.mission)


def close_tasks(subject, now: dt.datetime) -> None:
    """Close every open task of `subject`'s current state."""
    if _is_cycle(subject):
        _close("cycle", subject.id, now)
    else:
        _close("submission", subject.id, now)


def close_recommendation_tasks(recommendation, now: dt.datetime) -> None:
    _close("recommendation", recommendation.id, now)


# The statements of every transition, built once and run with parameters (building one cost more
# than running it).
@functools.cache
def _insert():
    table = Task.__table__
    return insert(table).returning(table.c.id)


@functools.cache
def _insert_many():
    table = Task.__table__
    return insert(table).returning(table.c.id, sort_by_parameter_order=True)


@functools.cache
def _closing(owner: str):
    c = Task.__table__.c
    where = {
        "cycle": (c.cycle_id == bindparam("owner_id"), c.submission_id.is_(None)),
        "submission": (c.submission_id == bindparam("owner_id"),),
        "recommendation": (c.recommendation_id == bindparam("owner_id"),),
    }[owner]
    return update(Task.__table__).where(*where, c.closed_at.is_(None)).values(closed_at=bindparam("now"))


def _close(owner: str, owner_id: int, now: dt.datetime) -> None:
    db.session.connection().execute(_closing(owner), {"owner_id": owner_id, "now": now})


def reassign_action_tasks(recommendation, owner) -> None:
    """The action changed hands: its open tasks follow its new owner."""
    db.session.execute(
        update(Task)
        .where(Task.recommendation_id == recommendation.id, Task.closed_at.is_(None))
        .values(assignee_id=owner.id)
    )
