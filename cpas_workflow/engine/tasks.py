"""Open the tasks a state defines when it is entered, close them when it is left."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from cpas_workflow.core import timezones
from cpas_workflow.engine.definitions import Definition, TaskSpec
from cpas_workflow.extensions import db
from cpas_workflow.tasks.models import Task
from notifications.task_messages import enqueue_task_opened


def _is_cycle(subject) -> bool:
    return subject.__tablename__ == "cycles"


def _due(spec: TaskSpec, subject, now: dt.datetime, recommendation=None) -> dt.date:
    cycle = subject if _is_cycle(subject) else subject.cycle
    base = {
        "entered": lambda: timezones.local_date(now, cycle.mission.timezone),
        "input_due": lambda: cycle.input_due,
        "due": lambda: subject.due,
        "recommendation_due": lambda: recommendation.due,
    }[spec.due_from]()
    return base + dt.timedelta(days=spec.due_days)


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


def _new_task(definition: Definition, state: str, spec: TaskSpec, subject, now: dt.datetime, recommendation=None):
    cycle = subject if _is_cycle(subject) else subject.cycle
    component = recommendation.component if recommendation else getattr(subject, "component", None)
    task = Task(
        key=f"{definition.name}:{state}:{spec.key}",
        title=_title(spec, subject, recommendation),
        role=spec.role,
        mission_id=cycle.mission_id,
        component_id=component.id if component else None,
        assignee_id=recommendation.owner_id if recommendation else None,
        cycle_id=cycle.id,
        submission_id=None if _is_cycle(subject) else subject.id,
        recommendation_id=recommendation.id if recommendation else None,
        state=state,
        due=_due(spec, subject, now, recommendation),
        created_at=now,
    )
    db.session.add(task)
    return task


def _announce(created: list[Task], actor, mission) -> list[Task]:
    # Outbox rows only, in this same transaction; the scheduler sends them. The actor, whose own
    # action opened the tasks, is not told of them.
    enqueue_task_opened(created, actor=actor, mission=mission)
    return created


def open_tasks(subject, definition: Definition, state: str, now: dt.datetime, actor=None) -> list[Task]:
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


def open_action_tasks(cycle, definition: Definition, recommendation, now: dt.datetime, actor=None) -> list[Task]:
    """A follow-up action settled and then taken up again: the per-action tasks of the cycle's
    current state, for this one action, opened and announced as any other task."""
    specs = [spec for spec in definition.states[cycle.state].tasks if spec.per == "action"]
    created = [_new_task(definition, cycle.state, spec, cycle, now, recommendation) for spec in specs]
    return _announce(created, actor, cycle.mission)


def close_tasks(subject, now: dt.datetime) -> None:
    """Close every open task of `subject`'s current state."""
    if _is_cycle(subject):
        where = (Task.cycle_id == subject.id, Task.submission_id.is_(None))
    else:
        where = (Task.submission_id == subject.id,)
    db.session.execute(update(Task).where(*where, Task.closed_at.is_(None)).values(closed_at=now))


def close_recommendation_tasks(recommendation, now: dt.datetime) -> None:
    db.session.execute(
        update(Task).where(Task.recommendation_id == recommendation.id, Task.closed_at.is_(None)).values(closed_at=now)
    )


def reassign_action_tasks(recommendation, owner) -> None:
    """The action changed hands: its open tasks follow its new owner."""
    db.session.execute(
        update(Task)
        .where(Task.recommendation_id == recommendation.id, Task.closed_at.is_(None))
        .values(assignee_id=owner.id)
    )
