"""Chasing deadlines: the message when a task opens, reminders before and on the due date and while
overdue, escalation of long-overdue tasks, and follow-up nudges for recommendation actions.

Dates are the mission's local dates. Every message key names the task, the occasion and the person,
so a pass run twice, or by two schedulers at once, queues each message once.

Who gets what: `immediate` users get the task-opened message and the date reminders one by one;
`daily` and `weekly` users see the same tasks in their digest instead. Escalations and follow-up
nudges are rare and addressed to someone who must act, so everyone except `off` gets them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from cpas_workflow.core import timezones
from cpas_workflow.core.text import N_
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store
from cpas_workflow.engine.definitions import Definition
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import RecommendationUpdate
from cpas_workflow.tasks.models import Task
from cpas_workflow.tasks.titles import task_title
from notifications.outbox import add_rows, existing_keys, message_row
from notifications.recipients import Directory
from notifications.task_messages import task_context


class Planned(NamedTuple):
    """A message a job means to queue, unless its key is already in the outbox."""

    key: str
    kind: str  # reminder, escalation or followup: also the template's name
    user: object
    task: Task
    today: dt.date
    extra: dict | None = None


@dataclass(frozen=True)
class Policy:
    days_before: tuple[int, ...]
    on_due: bool
    overdue_every_days: int
    escalate_after_days: int


def policy_for(definition: Definition) -> Policy:
    """The definition's `reminders:` block, with the CPAS_* settings for whatever it leaves out.
    A task follows the definition its cycle started with (`store.definition_of(task)`)."""
    config = current_app.config
    given = definition.reminders
    return Policy(
        days_before=tuple(sorted({int(d) for d in given.get("days_before", config["CPAS_REMINDER_DAYS_BEFORE"])})),
        on_due=bool(given.get("on_due", True)),
        overdue_every_days=int(given.get("overdue_every_days", config["CPAS_OVERDUE_EVERY_DAYS"])),
        escalate_after_days=int(given.get("escalate_after_days", config["CPAS_ESCALATE_AFTER_DAYS"])),
    )


def reminder_occasion(policy: Policy, due: dt.date, today: dt.date, opened_on: dt.date) -> str | None:
    """The reminder a task is owed on `today`, named so that a missed day is caught up once:
    `before-N` (the smallest lead time already reached, if it was still ahead when the task opened),
    `due-today`, or `overdue-K` for the K-th overdue interval (day 1, then every N days)."""
    days = (due - today).days
    if days > 0:
        reached = [n for n in policy.days_before if days <= n and due - dt.timedelta(days=n) >= opened_on]
        return f"before-{min(reached)}" if reached else None
    if days == 0:
        return "due-today" if policy.on_due else None
    if policy.overdue_every_days <= 0:
        return "overdue-0"
    return f"overdue-{(-days - 1) // policy.overdue_every_days}"


def _open_tasks_due_by(last_due: dt.date) -> list[Task]:
    tasks = list(
        db.session.scalars(select(Task).where(Task.closed_at.is_(None), Task.due <= last_due).order_by(Task.id))
    )
    if tasks:  # their cycles in one read: each task's pinned definition then comes from the identity map
        db.session.scalars(select(Cycle).where(Cycle.id.in_({t.cycle_id for t in tasks}))).all()
    return tasks


def send_reminders(now: dt.datetime) -> int:
    """Queue the reminders and escalations owed as of `now`; the number of messages queued."""
    policies: dict[tuple[int, bool], Policy] = {}
    horizon = max(
        [
            *current_app.config["CPAS_REMINDER_DAYS_BEFORE"],
            *(d for definition in store.registered_versions() for d in definition.reminders.get("days_before", ())),
        ],
        default=0,
    )
    tasks = _open_tasks_due_by(now.date() + dt.timedelta(days=horizon + 1))
    directory = Directory({t.mission_id for t in tasks}, {t.assignee_id for t in tasks if t.assignee_id})
    planned: list[Planned] = []
    for task in tasks:
        pinned = (task.cycle_id, task.submission_id is not None)  # one definition per cycle and subject
        if pinned not in policies:
            policies[pinned] = policy_for(store.definition_of(task))
        policy = policies[pinned]
        today = timezones.local_date(now, task.mission.timezone)
        occasion = reminder_occasion(
            policy, task.due, today, timezones.local_date(task.created_at, task.mission.timezone)
        )
        if occasion is not None:
            for user in directory.addressees(task):
                if user.notify == "immediate":
                    planned.append(
                        Planned(f"task-{task.id}:reminder:{occasion}:user-{user.id}", "reminder", user, task, today)
                    )
        if (today - task.due).days > policy.escalate_after_days:
            holders = ", ".join(u.name for u in directory.addressees(task))
            for user in directory.escalation_to(task):
                if user.notify != "off":
                    key = f"task-{task.id}:escalation:user-{user.id}"
                    planned.append(Planned(key, "escalation", user, task, today, {"holders": holders}))
    return _queue(planned)


def _queue(planned: list[Planned]) -> int:
    """Render and insert the planned messages whose keys are new (one read of the keys first)."""
    known = existing_keys(p.key for p in planned)
    rows = []
    for p in planned:
        if p.key in known:
            continue
        known.add(p.key)
        subject = (SUBJECTS[p.kind], {"title": LazyString(task_title, p.task.title)})  # in the recipient's language
        context = task_context(p.task, p.today) | (p.extra or {})
        rows.append(message_row(p.key, p.kind, p.user, p.kind, subject=subject, **context))
    add_rows(rows)
    return len(rows)


SUBJECTS = {
    "reminder": N_("Reminder: %(title)s"),
    "escalation": N_("Overdue: %(title)s"),
    "followup": N_("Follow-up: %(title)s"),
}


def send_followups(now: dt.datetime) -> int:
    """Nudge the owner of a follow-up action that has had no progress update for
    CPAS_FOLLOWUP_EVERY_DAYS days; recording an update starts the count again."""
    every = dt.timedelta(days=current_app.config["CPAS_FOLLOWUP_EVERY_DAYS"])
    tasks = list(
        db.session.scalars(
            select(Task).where(Task.closed_at.is_(None), Task.recommendation_id.is_not(None)).order_by(Task.id)
        )
    )
    if not tasks:
        return 0
    last_update = dict(
        db.session.execute(
            select(RecommendationUpdate.recommendation_id, func.max(RecommendationUpdate.created_at))
            .where(RecommendationUpdate.recommendation_id.in_({t.recommendation_id for t in tasks}))
            .group_by(RecommendationUpdate.recommendation_id)
        ).all()
    )
    directory = Directory({t.mission_id for t in tasks}, {t.assignee_id for t in tasks if t.assignee_id})
    planned: list[Planned] = []
    for task in tasks:
        quiet_since = max(filter(None, [task.created_at, _aware(last_update.get(task.recommendation_id))]))
        if now - quiet_since < every:
            continue
        today = timezones.local_date(now, task.mission.timezone)
        for user in directory.addressees(task):
            if user.notify != "off":
                key = f"task-{task.id}:followup:{quiet_since:%Y%m%dT%H%M%S}:user-{user.id}"
                planned.append(Planned(key, "followup", user, task, today))
    return _queue(planned)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates skip the column type on some drivers: make sure the instant is aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
