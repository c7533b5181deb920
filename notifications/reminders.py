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

from flask import current_app
from sqlalchemy import case, func, select, type_coerce

from cpas_workflow.core import timezones
from cpas_workflow.core.db import UTCDateTime
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store
from cpas_workflow.engine.definitions import Definition
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from cpas_workflow.recommendations.models import RecommendationUpdate
from cpas_workflow.tasks.models import Task
from notifications.outbox import add_deferred, deferred_row
from notifications.recipients import Directory
from notifications.task_messages import holder_name, task_snapshot

# The columns of a task the jobs read (rows, not objects: a pass may read tens of thousands).
TASK_COLUMNS = (
    Task.id,
    Task.key,
    Task.title,
    Task.role,
    Task.mission_id,
    Task.component_id,
    Task.assignee_id,
    Task.cycle_id,
    Task.submission_id,
    Task.recommendation_id,
    Task.due,
    Task.created_at,
    Mission.code.label("mission_code"),
    Mission.timezone,
    # The stored definition the task runs on (its cycle's, or its cycle's submission workflow's).
    case((Task.submission_id.is_(None), Cycle.definition_id), else_=Cycle.submission_definition_id).label(
        "definition_id"
    ),
)


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


class _Pinned:
    """What `store.definition_of` reads of a cycle: the id of its stored definition row."""

    __tablename__ = "cycles"

    def __init__(self, definition_id: int) -> None:
        self.definition_id = definition_id


class Policies:
    """The reminder policy of each task's pinned definition (the `definition_id` column of
    TASK_COLUMNS), worked out once per stored definition: no read per task or per cycle."""

    def __init__(self) -> None:
        self.known: dict[int, Policy] = {}

    def of(self, task) -> Policy:
        policy = self.known.get(task.definition_id)
        if policy is None:
            definition = store.definition_of(_Pinned(task.definition_id))
            policy = self.known[task.definition_id] = policy_for(definition)
        return policy


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


def open_tasks_due_by(last_due: dt.date):
    """The open tasks due by `last_due`, read through the (closed_at, due) index: a pass never reads
    the closed history nor the tasks due later."""
    return (
        select(*TASK_COLUMNS)
        .join(Mission, Mission.id == Task.mission_id)
        .join(Cycle, Cycle.id == Task.cycle_id)
        .where(Task.closed_at.is_(None), Task.due <= last_due)
        .order_by(Task.id)
    )


def _horizon() -> int:
    return max(
        [
            *current_app.config["CPAS_REMINDER_DAYS_BEFORE"],
            *(d for definition in store.registered_versions() for d in definition.reminders.get("days_before", ())),
        ],
        default=0,
    )


class LocalDays:
    """Local dates of instants per time zone, today's computed once per zone."""

    def __init__(self, now: dt.datetime) -> None:
        self.now, self.today_in = now, {}

    def today(self, tz: str) -> dt.date:
        found = self.today_in.get(tz)
        if found is None:
            found = self.today_in[tz] = timezones.local_date(self.now, tz)
        return found


def send_reminders(now: dt.datetime) -> int:
    """Queue the reminders and escalations owed as of `now`; the number of messages queued.
    A fixed number of statements: the tasks, their addressees, one insert."""
    tasks = db.session.execute(open_tasks_due_by(now.date() + dt.timedelta(days=_horizon() + 1))).all()
    if not tasks:
        return 0
    directory = Directory({t.mission_id for t in tasks}, {t.assignee_id for t in tasks if t.assignee_id})
    policies = Policies()
    days = LocalDays(now)
    rows = []
    for task in tasks:
        policy = policies.of(task)
        today = days.today(task.timezone)
        opened_on = timezones.local_date(task.created_at, task.timezone)
        occasion = reminder_occasion(policy, task.due, today, opened_on)
        addressees = directory.addressees(task)
        if occasion is not None:
            for user in addressees:
                if user.notify == "immediate":
                    snapshot = task_snapshot(task, task.mission_code, today, acting_for=user.for_name)
                    key = f"task-{task.id}:reminder:{occasion}:user-{user.id}"
                    rows.append(deferred_row(key, "reminder", user, snapshot))
        # A delegate who took the task over overdue is given the escalation period from that day.
        late_from = max(filter(None, [task.due, directory.delegated_since(addressees)]))
        if (today - late_from).days > policy.escalate_after_days:
            holders = ", ".join(holder_name(u) for u in addressees)
            for user in directory.escalation_to(task):
                if user.notify != "off":
                    escalation = task_snapshot(
                        task, task.mission_code, today, holders=holders, acting_for=user.for_name
                    )
                    rows.append(
                        deferred_row(f"task-{task.id}:escalation:user-{user.id}", "escalation", user, escalation)
                    )
    return add_deferred(rows)


def quiet_action_tasks(now: dt.datetime, every: dt.timedelta):
    """Open follow-up tasks with no progress update (and not opened) within `every` before `now`,
    each with the instant it went quiet; the latest update is read per task by the database."""
    last_update = (
        select(func.max(RecommendationUpdate.created_at))
        .where(RecommendationUpdate.recommendation_id == Task.recommendation_id)
        .correlate(Task)
        .scalar_subquery()
    )
    last_update = type_coerce(last_update, UTCDateTime()).label("last_update")
    cutoff = now - every
    return (
        select(*TASK_COLUMNS, last_update)
        .join(Mission, Mission.id == Task.mission_id)
        .join(Cycle, Cycle.id == Task.cycle_id)
        .where(Task.closed_at.is_(None), Task.recommendation_id.is_not(None), Task.created_at <= cutoff)
        .where(
            ~select(RecommendationUpdate.id)
            .where(
                RecommendationUpdate.recommendation_id == Task.recommendation_id,
                RecommendationUpdate.created_at > cutoff,
            )
            .correlate(Task)
            .exists()
        )
        .order_by(Task.id)
    )


def send_followups(now: dt.datetime) -> int:
    """Nudge the owner of a follow-up action that has had no progress update for
    CPAS_FOLLOWUP_EVERY_DAYS days; recording an update starts the count again."""
    every = dt.timedelta(days=current_app.config["CPAS_FOLLOWUP_EVERY_DAYS"])
    tasks = db.session.execute(quiet_action_tasks(now, every)).all()
    if not tasks:
        return 0
    directory = Directory({t.mission_id for t in tasks}, {t.assignee_id for t in tasks if t.assignee_id})
    days = LocalDays(now)
    rows = []
    for task in tasks:
        quiet_since = max(filter(None, [task.created_at, _aware(task.last_update)]))
        for user in directory.addressees(task):
            if user.notify != "off":
                snapshot = task_snapshot(task, task.mission_code, days.today(task.timezone), acting_for=user.for_name)
                key = f"task-{task.id}:followup:{quiet_since:%Y%m%dT%H%M%S}:user-{user.id}"
                rows.append(deferred_row(key, "followup", user, snapshot))
    return add_deferred(rows)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates skip the column type on some drivers: make sure the instant is aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
