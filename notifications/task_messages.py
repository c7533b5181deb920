"""The messages about one task: the one a person gets when a task becomes theirs, and what every task
e-mail (opened, reminder, escalation, follow-up) keeps of its task until it is rendered at delivery.

The engine calls `enqueue_task_opened` as it opens tasks: it writes outbox rows in the transition's
transaction and knows nothing of mail. (This module imports no engine code, so the engine can import it.)
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

from flask import current_app
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from cpas_workflow.core import timezones
from cpas_workflow.core.text import N_
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.tasks.links import task_path
from cpas_workflow.tasks.titles import task_title
from notifications import inbox
from notifications.outbox import add_deferred, deferred_row, renders
from notifications.owed import still_missing
from notifications.recipients import Directory

SUBJECTS = {
    "task_opened": N_("New task: %(title)s"),
    "reminder": N_("Reminder: %(title)s"),
    "escalation": N_("Overdue: %(title)s"),
    "followup": N_("Follow-up: %(title)s"),
}
OVERDUE_REMINDER = N_("Overdue: %(title)s, %(late)s")


def days_late(days: int) -> str:
    """'6 days late', in the language in force when it is formatted."""
    return ngettext("%(num)d day late", "%(num)d days late", days)


def holder_name(person) -> str:
    """A holder as an escalation lists them: "X (for Y)" for a delegate."""
    return f"{person.name} ({person.for_name})" if person.for_name else person.name


def task_snapshot(task, mission_code: str, today: dt.date, **extra) -> str:
    """What a task e-mail says of its task, as JSON text: `task` is a Task or a row with the same columns.
    `acting_for`: the delegator a delegate hears of the task for; `by`, `by_for`: who opened it."""
    extra = {k: v for k, v in extra.items() if v is not None}
    return json.dumps(
        {
            "title": task.title,
            "due": task.due.isoformat(),
            "path": task_path(task, mission_code),
            "mission": mission_code,
            "today": today.isoformat(),
            "recommendation_id": task.recommendation_id,
            "submission_id": task.submission_id,
            "cycle_id": task.cycle_id,
            "key": task.key,
            **extra,
        }
    )


@renders(*SUBJECTS)
def render_task_message(kind: str, context: dict) -> tuple[str, tuple, dict]:
    """A task e-mail's template context from its snapshot; the recommendation (for its text) is read now."""
    due = dt.date.fromisoformat(context["due"])
    recommendation_id = context.get("recommendation_id")
    recommendation = db.session.get(Recommendation, recommendation_id) if recommendation_id else None
    days_left = (due - dt.date.fromisoformat(context["today"])).days
    subject = (SUBJECTS[kind], {"title": LazyString(task_title, context["title"])})  # in the recipient's language
    if kind == "reminder" and days_left < 0:  # a reminder after the due date says so, and how late
        subject = (OVERDUE_REMINDER, subject[1] | {"late": LazyString(days_late, -days_left)})
    return (
        kind,
        subject,
        {
            "task": SimpleNamespace(title=context["title"], due=due),
            "recommendation": recommendation,
            "mission": SimpleNamespace(code=context["mission"]),
            "url": current_app.config["CPAS_BASE_URL"].rstrip("/") + context["path"],
            "days_left": days_left,
            "holders": context.get("holders"),
            "acting_for": context.get("acting_for"),
            "by": context.get("by"),
            "by_for": context.get("by_for"),
            "missing": still_missing(context) if kind != "followup" else [],
        },
    )


def enqueue_task_opened(tasks: list, actor=None, mission: Mission | None = None) -> int:
    """Tell the people a task is addressed to that it is theirs now (called by the engine with the
    rows of the tasks it has just inserted: the columns of `tasks`, their ids included): a notice in
    the application for each, an e-mail for `immediate` users; not `actor`, whose own action opened
    them (they know, and will see the task in their list).
    One read of the addressees of all the tasks, one insert of notices, one of messages; the tasks'
    missions are read too unless the caller has `mission` at hand (the engine does: one transition's
    tasks share a cycle). The number of messages queued."""
    if not tasks:
        return 0
    directory = Directory(
        {t.mission_id for t in tasks},
        {t.assignee_id for t in tasks if t.assignee_id},
        roles={t.role for t in tasks},
        notify=None,  # everyone addressed gets a notice in the application; `immediate` ones an e-mail too
    )
    told = [(t, [u for u in directory.addressees(t) if actor is None or u.id != actor.id]) for t in tasks]
    told = [(t, users) for t, users in told if users]
    if not told:
        return 0
    mission_ids = {t.mission_id for t, _ in told}
    if mission is not None and mission_ids == {mission.id}:
        missions = {mission.id: mission}
    else:
        query = select(Mission.id, Mission.code, Mission.timezone).where(Mission.id.in_(mission_ids))
        missions = {row.id: row for row in db.session.execute(query)}
    inbox.add_notices(
        [
            inbox.notice(
                f"task-{t.id}:opened:user-{u.id}",
                u.id,
                "task_opened",
                task_path(t, missions[t.mission_id].code),
                subject=t.title,
            )
            for t, users in told
            for u in users
        ]
    )
    told = [(t, [u for u in users if u.notify == "immediate"]) for t, users in told]
    told = [(t, users) for t, users in told if users]
    if not told:
        return 0
    rows = []
    by = acting_names(actor)
    for task, users in told:
        mission = missions[task.mission_id]
        today = timezones.local_date(task.created_at, mission.timezone)
        for u in (u for u in users if u.notify == "immediate"):
            snapshot = task_snapshot(task, mission.code, today, acting_for=u.for_name, **by)
            rows.append(deferred_row(f"task-{task.id}:opened:user-{u.id}", "task_opened", u, snapshot))
    return add_deferred(rows)


def acting_names(actor) -> dict:
    """Who did it, as a message names them: the actor, and whom they acted for (a delegation)."""
    from cpas_workflow.core.access import acts_for

    if actor is None or not hasattr(actor, "name"):
        return {}
    delegator = acts_for(actor)
    return {"by": actor.name, "by_for": delegator.name if delegator is not None else None}
